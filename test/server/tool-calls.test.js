// Tool calling on the embedded server (server/tool-calls.js), over real HTTP:
// the chunk sequence of vLLM's Hermes parser, the follow-up that quotes the
// results, and vLLM's 400s for tool fields it rejects.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../server/mock-server.js';

/** @type {Awaited<ReturnType<typeof startMockServer>>} */
let server;
before(async () => {
  server = await startMockServer({ rate: 0 });
});
after(() => server.close());

const calculator = {
  type: 'function',
  function: { name: 'calculate', description: 'Evaluates arithmetic', parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] } },
};
const clock = {
  type: 'function',
  function: { name: 'current_time', parameters: { type: 'object', properties: { timezone: { type: 'string' } } } },
};

/** @param {Record<string, unknown>} body */
function post(body) {
  return fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stream: true, stream_options: { include_usage: true }, ...body }),
  });
}

/** Raw `data:` payloads in order. @param {Response} response */
async function events(response) {
  const text = await response.text();
  assert.ok(text.endsWith('data: [DONE]\n\n'));
  return text.split('\n\n').filter(Boolean).map(e => e.slice('data: '.length));
}

/** Each call's id, name and joined arguments, by index. @param {string[]} payloads */
function assembled(payloads) {
  /** @type {{ id: string, name: string, arguments: string }[]} */
  const calls = [];
  for (const p of payloads) {
    if (p === '[DONE]') continue;
    for (const d of JSON.parse(p).choices[0]?.delta?.tool_calls ?? []) {
      const call = (calls[d.index] ??= { id: '', name: '', arguments: '' });
      if (d.id) call.id = d.id;
      if (d.function?.name) call.name = d.function.name;
      call.arguments += d.function?.arguments ?? '';
    }
  }
  return calls;
}

describe('[mock tools=N]', () => {
  test('streams one call as the Hermes parser does: id, type and name once, then argument fragments, finish_reason "tool_calls", usage', async () => {
    const payloads = await events(await post({ messages: [{ role: 'user', content: 'What is 6 * 7? [mock tools=1]' }], tools: [calculator] }));
    const deltas = payloads.slice(0, -1).map(p => JSON.parse(p));
    assert.deepEqual(deltas[0].choices[0].delta, { role: 'assistant', content: '' });
    const first = /** @type {string} */ (payloads[1]);
    assert.match(first, /"delta":\{"tool_calls":\[\{"id":"chatcmpl-tool-[0-9a-f]{32}","type":"function","index":0,"function":\{"name":"calculate"\}\}\]\},"logprobs":null,"finish_reason":null\}\]\}$/);
    const fragments = deltas.slice(2, -1);
    assert.ok(fragments.length > 3, 'arguments arrive in several fragments');
    for (const chunk of fragments) {
      const [call] = chunk.choices[0].delta.tool_calls;
      assert.deepEqual(Object.keys(call), ['index', 'function']);
      assert.deepEqual(Object.keys(call.function), ['arguments']);
    }
    const finishing = fragments.at(-1);
    assert.equal(finishing.choices[0].finish_reason, 'tool_calls');
    assert.equal(finishing.choices[0].stop_reason, null);
    assert.equal(fragments.slice(0, -1).every(c => c.choices[0].finish_reason === null), true);
    const usage = deltas.at(-1);
    assert.deepEqual(usage.choices, []);
    assert.equal(typeof usage.usage.completion_tokens, 'number');
    const [call] = assembled(payloads);
    assert.equal(call?.name, 'calculate');
    assert.equal(call?.arguments, '{"expression": "6 * 7"}', "json.dumps' separators");
    assert.deepEqual(JSON.parse(call?.arguments ?? ''), { expression: '6 * 7' });
  });

  test('tools=2 streams two parallel calls, the second after the first, each with its own id', async () => {
    const calls = assembled(await events(await post({ messages: [{ role: 'user', content: '[mock tools=2]' }], tools: [calculator, clock] })));
    assert.equal(calls.length, 2);
    assert.notEqual(calls[0]?.id, calls[1]?.id);
    for (const call of calls) assert.equal(call.name, 'calculate');
  });

  test('tool=name calls that tool, with arguments that fit its parameters', async () => {
    const [call] = assembled(await events(await post({ messages: [{ role: 'user', content: '[mock tool=current_time]' }], tools: [calculator, clock] })));
    assert.equal(call?.name, 'current_time');
    assert.deepEqual(JSON.parse(call?.arguments ?? ''), { timezone: 'Europe/Paris' });
  });

  test('args= sets the arguments (percent-encoded JSON), non-ASCII kept as json.dumps(ensure_ascii=False) does', async () => {
    const args = encodeURIComponent(JSON.stringify({ q: '<b>"é"</b>' }));
    const [call] = assembled(await events(await post({ messages: [{ role: 'user', content: `[mock tools=1 args=${args}]` }], tools: [calculator] })));
    assert.equal(call?.arguments, '{"q": "<b>\\"é\\"</b>"}');
  });

  test('a named tool_choice is called even without a directive; "none" calls nothing', async () => {
    const [call] = assembled(await events(await post({ messages: [{ role: 'user', content: 'hi' }], tools: [calculator, clock], tool_choice: { type: 'function', function: { name: 'current_time' } } })));
    assert.equal(call?.name, 'current_time');
    const none = await events(await post({ messages: [{ role: 'user', content: 'hi [mock tools=1]' }], tools: [calculator], tool_choice: 'none' }));
    assert.deepEqual(assembled(none), []);
  });

  test('without the directive, tools are offered but the reply is text', async () => {
    const payloads = await events(await post({ messages: [{ role: 'user', content: 'hello' }], tools: [calculator], tool_choice: 'auto' }));
    assert.deepEqual(assembled(payloads), []);
    assert.equal(JSON.parse(/** @type {string} */ (payloads.at(-3))).choices[0].finish_reason, 'stop');
  });

  test('not streamed: one message with tool_calls and content null', async () => {
    const response = await post({ stream: false, messages: [{ role: 'user', content: '[mock tools=1]' }], tools: [calculator] });
    const body = await response.json();
    assert.equal(body.choices[0].finish_reason, 'tool_calls');
    assert.equal(body.choices[0].message.content, null);
    assert.equal(body.choices[0].message.tool_calls[0].function.name, 'calculate');
  });
});

describe('the follow-up', () => {
  test('a turn that ends with tool results is answered in text quoting each result, not with another call', async () => {
    const payloads = await events(
      await post({
        tools: [calculator],
        messages: [
          { role: 'user', content: 'What is 6 * 7? [mock tools=2]' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call-a', type: 'function', function: { name: 'calculate', arguments: '{"expression": "6 * 7"}' } },
              { id: 'call-b', type: 'function', function: { name: 'calculate', arguments: '{}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call-a', content: '42' },
          { role: 'tool', tool_call_id: 'call-b', content: 'nothing' },
        ],
      }),
    );
    assert.deepEqual(assembled(payloads), []);
    const text = payloads.slice(0, -1).map(p => JSON.parse(p).choices[0]?.delta?.content ?? '').join('');
    assert.match(text, /`calculate` returned: 42/);
    assert.match(text, /`calculate` returned: nothing/);
  });
});

describe('validation, as vLLM answers', () => {
  /** @param {Record<string, unknown>} body */
  async function rejected(body) {
    const response = await post({ messages: [{ role: 'user', content: 'hi' }], ...body });
    assert.equal(response.status, 400);
    const error = (await response.json()).error;
    assert.equal(error.type, 'BadRequestError');
    assert.equal(error.code, 400);
    return error.message;
  }

  test('tool_choice without tools', async () => {
    assert.equal(await rejected({ tool_choice: 'auto' }), 'When using `tool_choice`, `tools` must be set.');
  });

  test('a tool_choice that is no known word', async () => {
    assert.match(await rejected({ tools: [calculator], tool_choice: 'always' }), /Invalid value for `tool_choice`: always!/);
  });

  test('a named tool_choice that names no tool', async () => {
    assert.equal(
      await rejected({ tools: [calculator], tool_choice: { type: 'function', function: { name: 'nope' } } }),
      'The tool specified in `tool_choice` does not match any of the specified `tools`',
    );
  });

  test('assistant tool_calls whose arguments are not JSON', async () => {
    await rejected({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { name: 'calculate', arguments: '{"cut' } }] },
        { role: 'tool', tool_call_id: 'x', content: '1' },
      ],
    });
  });

  test('tool_choice "none" needs no tools', async () => {
    const response = await post({ messages: [{ role: 'user', content: 'hi' }], tool_choice: 'none' });
    assert.equal(response.status, 200);
    await response.text();
  });
});
