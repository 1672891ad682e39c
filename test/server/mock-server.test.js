// The embedded server against vLLM's wire format, over real HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../server/mock-server.js';

/** @type {Awaited<ReturnType<typeof startMockServer>>} */
let server;
/** @type {Awaited<ReturnType<typeof startMockServer>>} */
let keyed;

before(async () => {
  server = await startMockServer({ rate: 0, models: ['MyCoder', 'MyCoder-Large'] });
  keyed = await startMockServer({ rate: 0, apiKey: 'sk-test' });
});
after(async () => {
  await server.close();
  await keyed.close();
});

/**
 * POSTs a chat completion whose last user message is `content`.
 * @param {string} content @param {Record<string, unknown>} [extra] @param {string} [base]
 */
function chat(content, extra = {}, base = server.url) {
  return fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'MyCoder', stream: true, messages: [{ role: 'user', content }], ...extra }),
  });
}

/** The `data:` payloads of an SSE body, in order. @param {string} text */
function dataEvents(text) {
  assert.ok(text.endsWith('\n\n'), 'the stream ends with a blank line');
  return text
    .slice(0, -2)
    .split('\n\n')
    .map(block => {
      assert.ok(block.startsWith('data: ') && !block.includes('\n'), `one data line per event: ${block.slice(0, 80)}`);
      return block.slice(6);
    });
}

/** Parsed chunks (without [DONE]). @param {string} text */
function chunks(text) {
  const events = dataEvents(text);
  assert.equal(events.at(-1), '[DONE]');
  return events.slice(0, -1).map(e => JSON.parse(e));
}

/** The newest request record. */
async function lastRecord(base = server.url) {
  const records = await (await fetch(`${base}/__mock/requests`)).json();
  return records.at(-1);
}

describe('streamed chat completion', () => {
  test('is byte for byte the stream vLLM sends for a short reply', async () => {
    const res = await chat('[mock echo=1] def f(x):', { stream_options: { include_usage: true } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const text = await res.text();
    assert.ok(!text.includes('\r'), 'LF only');
    const first = JSON.parse(dataEvents(text)[0] ?? '');
    assert.match(first.id, /^chatcmpl-[0-9a-f]{32}$/);
    assert.ok(Number.isInteger(first.created));
    const head = `data: {"id":"${first.id}","object":"chat.completion.chunk","created":${first.created},"model":"MyCoder","choices":[{"index":0,"delta":`;
    const open = ',"logprobs":null,"finish_reason":null}]}\n\n';
    const expected =
      `${head}{"role":"assistant","content":""}${open}` +
      ['def', ' f', '(', 'x', '):'].map(t => `${head}{"content":${JSON.stringify(t)}}${open}`).join('') +
      `${head}{"content":""},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}\n\n` +
      `data: {"id":"${first.id}","object":"chat.completion.chunk","created":${first.created},"model":"MyCoder","choices":[],"usage":{"prompt_tokens":12,"total_tokens":18,"completion_tokens":6}}\n\n` +
      'data: [DONE]\n\n';
    assert.equal(text, expected);
  });

  test('sends no usage chunk unless stream_options.include_usage is set', async () => {
    const list = chunks(await (await chat('[mock echo=1] hello')).text());
    assert.ok(list.every(c => c.choices.length === 1 && !('usage' in c)));
  });

  test('answers a Chinese prompt in Chinese with a recursive factorial in a python block', async () => {
    const list = chunks(await (await chat('写一个递归阶乘函数')).text());
    const content = list.map(c => c.choices[0]?.delta.content ?? '').join('');
    assert.match(content, /^[^\n]*[\u4e00-\u9fff]/);
    assert.match(content, /```python\ndef factorial\(n: int\) -> int:\n[\s\S]*return n \* factorial\(n - 1\)\n[\s\S]*```/);
    const tokens = list.slice(1, -1).map(c => c.choices[0].delta.content);
    const cjkTokens = tokens.filter(t => /^[\u4e00-\u9fff]+$/.test(t));
    assert.ok(cjkTokens.length > 10 && cjkTokens.every(t => t.length <= 2), 'CJK tokens hold 1–2 characters');
  });

  test('gives multi-block answers: prose, code, list and table', async () => {
    const list = chunks(await (await chat('write a factorial function')).text());
    const content = list.map(c => c.choices[0]?.delta.content ?? '').join('');
    assert.match(content, /```python\n/);
    assert.match(content, /\n1\. /);
    assert.match(content, /\n\|---\|/);
  });

  test('never splits a surrogate pair or a character across tokens', async () => {
    const text = '😀😀😀😀😀😀 𠀋𠀋𠀋 naïve café 👩‍💻 done';
    const list = chunks(await (await chat(`[mock echo=1] ${text}`)).text());
    const tokens = list.slice(1, -1).map(c => c.choices[0].delta.content);
    assert.equal(tokens.join(''), text);
    for (const t of tokens) assert.ok(wellFormed(t), `well-formed token ${JSON.stringify(t)}`);
  });

  test('keeps tokens to about four characters of code', async () => {
    const list = chunks(await (await chat('[mock lines=200 lang=ts]')).text());
    const tokens = list.slice(1, -1).map(c => c.choices[0].delta.content);
    assert.ok(tokens.every(t => [...t].length <= 4 || /^\s+$/.test(t)), 'no token over 4 characters except whitespace runs');
    const average = tokens.join('').length / tokens.length;
    assert.ok(average > 2 && average <= 4, `average ${average}`);
  });

  test('stops with finish_reason "length" after max_tokens tokens', async () => {
    const list = chunks(await (await chat('[mock lines=50]', { max_tokens: 7, stream_options: { include_usage: true } })).text());
    const choices = list.filter(c => c.choices.length).map(c => c.choices[0]);
    assert.equal(choices.length, 8, 'role chunk + 7 tokens');
    assert.equal(choices.at(-1).finish_reason, 'length');
    assert.ok(choices.at(-1).delta.content.length > 0, 'the last token rides on the finishing chunk');
    assert.equal(list.at(-1).usage.completion_tokens, 7);
    assert.equal((await lastRecord()).finishReason, 'length');
  });

  test('accepts max_completion_tokens like max_tokens', async () => {
    const list = chunks(await (await chat('[mock lines=50]', { max_completion_tokens: 3 })).text());
    assert.equal(list.at(-1).choices[0].finish_reason, 'length');
    assert.equal(list.length, 4);
  });
});

describe('non-streamed chat completion', () => {
  test('is a chat.completion object with usage', async () => {
    const res = await chat('[mock echo=1] def f(x):', { stream: false });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.deepEqual(Object.keys(body), ['id', 'object', 'created', 'model', 'choices', 'usage', 'prompt_logprobs', 'kv_transfer_params']);
    assert.equal(body.object, 'chat.completion');
    assert.deepEqual(body.choices[0], {
      index: 0,
      message: { role: 'assistant', reasoning_content: null, content: 'def f(x):', tool_calls: [] },
      logprobs: null,
      finish_reason: 'stop',
      stop_reason: null,
    });
    assert.deepEqual(body.usage, { prompt_tokens: 12, total_tokens: 18, completion_tokens: 6, prompt_tokens_details: null });
  });
});

describe('models list', () => {
  test('lists every served model as vLLM does', async () => {
    const body = await (await fetch(`${server.url}/v1/models`)).json();
    assert.equal(body.object, 'list');
    assert.deepEqual(body.data.map((/** @type {{id: string}} */ m) => m.id), ['MyCoder', 'MyCoder-Large']);
    const card = body.data[0];
    assert.deepEqual(Object.keys(card), ['id', 'object', 'created', 'owned_by', 'root', 'parent', 'max_model_len', 'permission']);
    assert.equal(card.owned_by, 'vllm');
    assert.equal(card.max_model_len, 32768);
    assert.equal(card.permission[0].object, 'model_permission');
  });

  test('serves the second model by name', async () => {
    const list = chunks(await (await chat('[mock echo=1] x', { model: 'MyCoder-Large' })).text());
    assert.equal(list[0].model, 'MyCoder-Large');
  });
});

describe('errors before the stream', () => {
  test('an unknown model is a 404 with vLLM\'s message', async () => {
    const res = await chat('hi', { model: 'Nope' });
    assert.equal(res.status, 404);
    assert.equal(await res.text(), '{"error":{"message":"The model `Nope` does not exist.","type":"NotFoundError","param":null,"code":404}}');
  });

  test('a request longer than the context is a 400', async () => {
    const res = await chat('hi', { max_tokens: 40000 });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error.type, 'BadRequestError');
    assert.equal(body.error.code, 400);
    assert.match(body.error.message, /maximum context length is 32768 tokens/);
  });

  test('a body that is not JSON is a 400', async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{"messages": [' });
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.code, 400);
  });

  test('an unknown path is FastAPI\'s 404', async () => {
    const res = await fetch(`${server.url}/v2/anything`);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), '{"detail":"Not Found"}');
  });
});

describe('api key', () => {
  test('a missing or wrong key gets 401 {"error":"Unauthorized"} on /v1', async () => {
    for (const authorization of [undefined, 'Bearer wrong', 'sk-test']) {
      const res = await fetch(`${keyed.url}/v1/models`, { headers: authorization ? { authorization } : {} });
      assert.equal(res.status, 401);
      assert.equal(await res.text(), '{"error":"Unauthorized"}');
    }
  });

  test('the right key passes, with the scheme in any case', async () => {
    for (const authorization of ['Bearer sk-test', 'bearer sk-test']) {
      const res = await fetch(`${keyed.url}/v1/models`, { headers: { authorization } });
      assert.equal(res.status, 200);
    }
  });

  test('a CORS preflight needs no key', async () => {
    const res = await fetch(`${keyed.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'http://page.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-headers'), 'authorization,content-type');
  });
});

describe('CORS', () => {
  test('a preflight is answered like Starlette\'s CORSMiddleware with vLLM\'s defaults', async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'http://page.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'OK');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-allow-methods'), 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT');
    assert.equal(res.headers.get('access-control-allow-headers'), 'content-type');
    assert.equal(res.headers.get('access-control-max-age'), '600');
    assert.equal(res.headers.get('access-control-allow-credentials'), null);
  });

  test('a cross-origin response allows any origin, streams included', async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { origin: 'http://page.example' },
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: '[mock echo=1] x' }] }),
    });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    await res.text();
    const models = await fetch(`${server.url}/v1/models`, { headers: { origin: 'http://page.example' } });
    assert.equal(models.headers.get('access-control-allow-origin'), '*');
  });

  test('a 401 carries no CORS header, as vLLM\'s outermost auth middleware sends it', async () => {
    const res = await fetch(`${keyed.url}/v1/models`, { headers: { origin: 'http://page.example' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });
});

describe('request log', () => {
  test('keeps the last 100 requests, newest last, and clears on DELETE', async () => {
    await fetch(`${server.url}/__mock/requests`, { method: 'DELETE' });
    for (let i = 0; i < 103; i++) await (await fetch(`${server.url}/v1/models?i=${i}`)).text();
    const records = await (await fetch(`${server.url}/__mock/requests`)).json();
    assert.equal(records.length, 100);
    assert.ok(records[0].id < records[99].id);
    assert.equal(records[99].method, 'GET');
    assert.equal(records[99].path, '/v1/models');
    assert.ok(records[99].startedAt > 1.6e12 && records[99].endedAt >= records[99].startedAt);
    await fetch(`${server.url}/__mock/requests`, { method: 'DELETE' });
    assert.deepEqual(await (await fetch(`${server.url}/__mock/requests`)).json(), []);
  });

  test('records the body, headers, tokens sent and finish reason', async () => {
    await (await chat('[mock echo=1] a b c', { temperature: 0.2 })).text();
    const record = await lastRecord();
    assert.equal(record.body.temperature, 0.2);
    assert.equal(record.headers['content-type'], 'application/json');
    assert.equal(record.tokensSent, 3);
    assert.equal(record.finishReason, 'stop');
    assert.equal(record.aborted, false);
  });
});

describe('server lifecycle', () => {
  test('close() ends streams still open', async () => {
    const slow = await startMockServer({ rate: 5 });
    const res = await chat('[mock lines=100]', {}, slow.url);
    const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (res.body?.getReader());
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    await slow.close();
    try {
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    } catch {
      // the connection was destroyed: expected
    }
    assert.ok(text.startsWith('data: '));
    assert.ok(!text.includes('[DONE]'), 'the stream was cut, not completed');
  });
});

/** No lone surrogate (String.prototype.isWellFormed, absent from the ES2023 lib). @param {string} s */
function wellFormed(s) {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}
