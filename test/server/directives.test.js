// Each `[mock …]` directive of server/README.md, over real HTTP.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startMockServer } from '../../server/mock-server.js';

/** @type {Awaited<ReturnType<typeof startMockServer>>} */
let server;
before(async () => {
  server = await startMockServer({ rate: 0 });
});
after(() => server.close());

/** @param {string} content @param {Record<string, unknown>} [extra] */
function chat(content, extra = {}) {
  return fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stream: true, messages: [{ role: 'user', content }], ...extra }),
  });
}

/** `data:` payloads in order. @param {string} text */
function events(text) {
  return text.split('\n\n').filter(Boolean).map(e => e.slice('data: '.length));
}

/** @param {string} text */
function chunks(text) {
  return events(text)
    .filter(e => e !== '[DONE]')
    .map(e => JSON.parse(e));
}

/** @param {string} text @param {string} [field] */
function joined(text, field = 'content') {
  return chunks(text)
    .map(c => c.choices?.[0]?.delta?.[field] ?? '')
    .join('');
}

async function lastRecord() {
  return (await (await fetch(`${server.url}/__mock/requests`)).json()).at(-1);
}

describe('lines=N', () => {
  for (const lang of ['ts', 'js', 'css', 'json', 'md', 'html', 'py', 'c']) {
    test(`lang=${lang} gives one fenced block of exactly N lines of real code between two lines of prose`, async () => {
      const content = joined(await (await chat(`[mock lines=137 lang=${lang}]`)).text());
      const lines = content.split('\n');
      const open = lines.findIndex(l => /^`{3,}[a-z]+$/.test(l));
      assert.ok(open > 0, 'prose before the block');
      const fence = /** @type {string} */ (/^`+/.exec(lines[open] ?? '')?.[0]);
      const close = lines.indexOf(fence, open + 1);
      assert.equal(close - open - 1, 137);
      assert.equal(lines.filter(l => l.startsWith(fence)).length, 2, 'one block');
      assert.match(lines.slice(close + 1).join('\n'), /\S/, 'prose after the block');
      assert.ok(lines.slice(open + 1, close).join('').length > 1000, 'real code, not filler');
    });
  }

  test('the default kind is TypeScript from typescript/lib', async () => {
    const content = joined(await (await chat('[mock lines=40]')).text());
    assert.match(content, /```typescript\n/);
    assert.match(content, /Microsoft Corporation/);
  });

  test('10,000 lines arrive whole, unthrottled', async () => {
    const content = joined(await (await chat('[mock lines=10000 rate=0]')).text());
    const lines = content.split('\n');
    const open = lines.findIndex(l => l.startsWith('```'));
    assert.equal(lines.indexOf('```', open + 1) - open - 1, 10000);
    assert.equal((await lastRecord()).finishReason, 'stop');
  });
});

describe('echo=1', () => {
  test('replies with the message minus the directive and one space at each end', async () => {
    const hostile = '<img src=x onerror=alert(1)> **b** `c`\n```js\nlet x = "</pre>";\n';
    assert.equal(joined(await (await chat(`[mock echo=1]  ${hostile} `)).text()), ` ${hostile}`);
    assert.equal(joined(await (await chat(`before [mock echo=1] after`)).text()), 'before  after');
  });
});

describe('answer=ID', () => {
  test('answer=mixed is prose in Chinese and English, three code blocks, math, a table, a task list and a mermaid flowchart', async () => {
    const content = joined(await (await chat('[mock answer=mixed] anything')).text());
    assert.match(content, /\p{Script=Han}/u, 'Chinese prose');
    assert.match(content, /\bthe whole pipeline\b/, 'English prose');
    const fences = [...content.matchAll(/^```(\w+)\n[\s\S]*?\n```$/gm)].map(m => m[1]);
    assert.deepEqual(fences, ['ts', 'python', 'bash', 'mermaid']);
    assert.match(content, /^\$\$\n[^$]+\n\$\$$/m, 'display math between $$');
    assert.match(content, /^\\\[\n[^\]]+\n\\\]$/m, 'display math between \\[ \\]');
    assert.match(content, /(^|[^$])\$[^\s$][^$\n]*[^\s$]\$(?!\d)/, 'inline $…$');
    assert.match(content, /\\\([^)\n]+\)\\\)/, 'inline \\(…\\)');
    assert.match(content, /^\| :--- \| :---: \| ---: \|$/m, 'a GFM table with aligned columns');
    assert.match(content, /^- \[x\] /m, 'a done task');
    assert.match(content, /^- \[ \] /m, 'an open task');
    assert.match(content, /```mermaid\nflowchart LR\n(\s+\S.*-->.*\n)+/, 'a flowchart with edges');
  });

  test('answer=mixed streams token by token at rate=N like any answer', async () => {
    const text = await (await chat('[mock answer=mixed rate=200 timeline=1]')).text();
    const tokens = chunks(text).slice(1, -1).map(c => c.choices[0].delta.content);
    assert.ok(tokens.length > 500, `${tokens.length} tokens`);
    assert.ok(tokens.every(t => [...t].length <= 4 || /^\s+$/.test(t)), 'tokenizer-sized pieces');
    const { tokenTimes, finishReason } = await lastRecord();
    assert.equal(finishReason, 'stop');
    // A lower bound only: the server can never be faster than its schedule.
    assert.ok(tokenTimes.at(-1) - tokenTimes[0] >= ((tokenTimes.length - 1) / 200) * 1000 - 5);
  });

  test('answer=ID gives a canned answer by id, whatever the prompt; an unknown id falls back to the keywords', async () => {
    assert.match(joined(await (await chat('[mock answer=sql] write a factorial')).text()), /```sql\n/);
    assert.match(joined(await (await chat('[mock answer=nope] write a factorial')).text()), /```python\ndef factorial/);
    assert.match(joined(await (await chat('[mock answer=factorial] 你好')).text()), /^好的/);
  });
});

describe('rate and delay', () => {
  test('rate=N paces token events at N per second', async () => {
    await (await chat('[mock echo=1 rate=40 timeline=1] one two three four five six seven eight nine ten')).text();
    const { tokenTimes, startedAt } = await lastRecord();
    assert.ok(tokenTimes.length >= 10);
    // A lower bound only: the server can never be faster than its schedule. Token i is due (i + 1) / rate
    // after the stream starts: measured from the first write, a first write that a busy event loop made
    // late (the rest then catch up) shortened the span, and the test failed on a loaded machine.
    assert.ok(tokenTimes.at(-1) - startedAt >= (tokenTimes.length / 40) * 1000 - 5);
  });

  test('delay=MS waits before the first byte', async () => {
    const sent = performance.timeOrigin + performance.now();
    const res = await chat('[mock echo=1 delay=300] hi');
    const firstByte = performance.timeOrigin + performance.now();
    await res.text();
    assert.ok(firstByte - sent >= 290, `${firstByte - sent} ms`);
  });

  test('timeline=1 records one write time per token event, in order', async () => {
    await (await chat('[mock echo=1 timeline=1] a b c d')).text();
    const record = await lastRecord();
    assert.equal(record.tokenTimes.length, record.tokensSent);
    assert.equal(record.tokensSent, 4);
    for (let i = 1; i < record.tokenTimes.length; i++) assert.ok(record.tokenTimes[i] >= record.tokenTimes[i - 1]);
    assert.ok(record.tokenTimes[0] >= record.startedAt);
  });
});

describe('reasoning', () => {
  test('reasoning=N sends N reasoning_content tokens before the answer', async () => {
    const list = chunks(await (await chat('[mock reasoning=25] write a factorial')).text());
    const deltas = list.slice(1).map(c => c.choices[0]?.delta).filter(Boolean);
    const firstContent = deltas.findIndex(d => 'content' in d && d.content !== '');
    assert.equal(firstContent, 25);
    assert.ok(deltas.slice(0, 25).every(d => Object.keys(d).join() === 'reasoning_content'));
    assert.ok(deltas.slice(25).every(d => !('reasoning_content' in d)));
  });

  test('reasoning_field=reasoning uses delta.reasoning', async () => {
    const text = await (await chat('[mock reasoning=5 reasoning_field=reasoning] hi')).text();
    assert.equal(chunks(text).filter(c => c.choices[0]?.delta.reasoning).length, 5);
    assert.ok(!text.includes('reasoning_content'));
  });

  test('think=1 opens the content with a <think> block', async () => {
    const content = joined(await (await chat('[mock think=1] 写一个递归阶乘函数')).text());
    assert.match(content, /^<think>\n[^<]+\n<\/think>\n\n好的/);
  });
});

describe('error=…', () => {
  /** @type {Array<[string, number, (body: string) => void]>} */
  const cases = [
    ['400', 400, b => assert.match(JSON.parse(b).error.message, /maximum context length/)],
    ['404', 404, b => assert.equal(JSON.parse(b).error.type, 'NotFoundError')],
    ['401', 401, b => assert.equal(b, '{"error":"Unauthorized"}')],
    ['500', 500, b => assert.equal(JSON.parse(b).error.type, 'InternalServerError')],
    ['html', 502, b => assert.match(b, /^<html>\r\n<head><title>502 Bad Gateway<\/title>/)],
    ['flat', 400, b => assert.deepEqual(Object.keys(JSON.parse(b)), ['object', 'message', 'type', 'param', 'code'])],
    ['openai', 400, b => assert.equal(JSON.parse(b).error.code, 'context_length_exceeded')],
    ['llamacpp', 400, b => assert.deepEqual(Object.keys(JSON.parse(b).error), ['code', 'message', 'type', 'n_prompt_tokens', 'n_ctx'])],
    ['ollama', 404, b => assert.equal(b, '{"error":"model \\"MyCoder\\" not found, try pulling it first"}')],
  ];
  for (const [kind, status, check] of cases) {
    test(`error=${kind} answers HTTP ${status} before the stream`, async () => {
      const res = await chat(`[mock error=${kind}] hi`, { model: 'MyCoder' });
      assert.equal(res.status, status);
      check(await res.text());
    });
  }

  test('error=mid sends N tokens, one data: {"error": …} event, then [DONE]', async () => {
    const text = await (await chat('[mock error=mid after=5] write a factorial')).text();
    const all = events(text);
    assert.equal(all.at(-1), '[DONE]');
    const error = /** @type {string} */ (all.at(-2));
    assert.match(error, /^\{"error": \{"message": "[^"]+", "type": "InternalServerError", "param": null, "code": 500\}\}$/);
    assert.equal(all.length, 1 + 5 + 2);
    assert.equal((await lastRecord()).tokensSent, 5);
  });

  test('error=cut drops the connection after N tokens, without [DONE]', async () => {
    const res = await chat('[mock error=cut after=4] write a factorial');
    let text = '';
    const decoder = new TextDecoder();
    await assert.rejects(async () => {
      for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (/** @type {unknown} */ (res.body))) text += decoder.decode(chunk);
    });
    assert.ok(!text.includes('[DONE]'));
    const record = await lastRecord();
    assert.equal(record.tokensSent, 4);
    assert.equal(record.aborted, false);
  });
});

describe('client disconnect', () => {
  test('an aborted request stops generating and is recorded as aborted', async () => {
    const res = await chat('[mock lines=2000 rate=50]');
    const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (res.body?.getReader());
    const decoder = new TextDecoder();
    let text = '';
    while ((text.match(/"content"/g) ?? []).length < 6) text += decoder.decode((await reader.read()).value);
    await reader.cancel();
    await sleep(300);
    const record = await lastRecord();
    assert.equal(record.aborted, true);
    assert.ok(record.endedAt !== null);
    assert.ok(record.tokensSent < 15, `${record.tokensSent} tokens sent of thousands`);
    const sentAtAbort = record.tokensSent;
    await sleep(300);
    assert.equal((await lastRecord()).tokensSent, sentAtAbort, 'no writes after the abort');
  });
});
