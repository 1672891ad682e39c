// <vllm-chat> behind Debian's nginx, configured by the README's
// deploy/nginx.conf: replies stream through token by token, the API key is
// added by the proxy and never seen by the browser, stop() reaches vLLM, and
// an upstream 401 reaches the element as a status it can show.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../server/mock-server.js';
import { startNginx, skipWithoutNginx } from './nginx.js';
import { openPage, chatOnce, fetchTokenTimes } from './browser.js';

const apiKey = 'key-known-only-to-nginx';
/** @type {Awaited<ReturnType<typeof startMockServer>>} */
let vllm;
/** @type {Awaited<ReturnType<typeof startNginx>>} */
let proxy;
/** @type {Awaited<ReturnType<typeof openPage>>} */
let browser;

/** What the embedded server saw, newest last. */
async function requests() {
  const response = await fetch(`${vllm.url}/__mock/requests`);
  return /** @type {import('../../server/request-log.js').RequestRecord[]} */ (await response.json());
}

/**
 * The newest chat completion the server saw. An element also lists the
 * server's models when its endpoint is set, and that request may reach the
 * server after the reply's own, so the newest record is not always the reply.
 */
async function lastCompletion() {
  return (await requests()).findLast(r => r.path === '/v1/chat/completions');
}

/** @param {number[]} values @param {number} q */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

before(async () => {
  if (skipWithoutNginx) return;
  vllm = await startMockServer({ apiKey, rate: 0 });
  browser = await openPage();
  proxy = await startNginx({ upstreams: [`127.0.0.1:${vllm.port}`], apiKey, origin: browser.origin });
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await vllm?.close();
});

test('a reply streams through nginx into the element, highlighted, with the key added by nginx', { skip: skipWithoutNginx }, async () => {
  const reply = await chatOnce(browser.page, `${proxy.url}/v1`, '[mock lines=30 lang=py rate=0] a python script');
  assert.equal(reply.status, 'done', JSON.stringify(reply.error));
  assert.match(reply.content, /```python\n/);
  assert.ok(reply.spans > 30 && reply.colors > 2, `code highlighted (${reply.spans} spans, ${reply.colors} colours)`);
  const last = await lastCompletion();
  assert.ok(last, 'the server saw the reply');
  assert.equal(last?.headers.authorization, `Bearer ${apiKey}`, 'nginx added the key');
  assert.equal(last?.headers.origin, browser.origin, 'the request came from the page');
  assert.doesNotMatch(proxy.conf.replace(/proxy_set_header Authorization[^\n]*/, ''), new RegExp(apiKey), 'the key sits on one line of the config');
});

test('tokens pass nginx one by one: the first arrives long before the reply ends', { skip: skipWithoutNginx }, async () => {
  const { status, chunks, times } = await fetchTokenTimes(browser.page, `${proxy.url}/v1/chat/completions`, '[mock lines=8 lang=py rate=50 timeline=1] x');
  const record = (await requests()).at(-1);
  assert.equal(status, 200);
  assert.ok(record?.endedAt && record.tokenTimes, 'the server recorded the reply');
  assert.equal(times.length, record.tokenTimes.length, 'every token arrived');
  assert.ok(chunks > times.length / 2, `${chunks} reads for ${times.length} tokens: not buffered into a few big reads`);
  const first = times[0] ?? Infinity;
  assert.ok(first < record.endedAt - 500, `first token ${(record.endedAt - first).toFixed(0)} ms before the reply ended`);
});

test('server write → browser receipt through nginx stays within a frame of the direct path (p95)', { skip: skipWithoutNginx }, async () => {
  /** @param {string} url @param {Record<string, string>} headers */
  const latencies = async (url, headers) => {
    const { times } = await fetchTokenTimes(browser.page, url, '[mock lines=12 lang=py rate=100 timeline=1] x', headers);
    const written = (await requests()).at(-1)?.tokenTimes ?? [];
    assert.equal(times.length, written.length);
    return times.map((t, i) => t - (written[i] ?? NaN));
  };
  const directUrl = `${vllm.url}/v1/chat/completions`;
  const proxiedUrl = `${proxy.url}/v1/chat/completions`;
  // One round each to warm up connections and the page's JIT, not counted.
  await latencies(directUrl, { Authorization: `Bearer ${apiKey}` });
  await latencies(proxiedUrl, {});
  // Same run, alternating, so load on the machine hits both paths alike.
  /** @type {number[]} */ const direct = [];
  /** @type {number[]} */ const proxied = [];
  for (let round = 0; round < 3; round++) {
    direct.push(...(await latencies(directUrl, { Authorization: `Bearer ${apiKey}` })));
    proxied.push(...(await latencies(proxiedUrl, {})));
  }
  const p95Direct = quantile(direct, 0.95);
  const p95Proxied = quantile(proxied, 0.95);
  const summary = `p95 direct ${p95Direct.toFixed(1)} ms, through nginx ${p95Proxied.toFixed(1)} ms (${proxied.length} tokens each)`;
  console.log(`# ${summary}`);
  assert.ok(p95Proxied - p95Direct <= 17, summary);
});

test('stop() closes the request upstream: the server sees the client go away', { skip: skipWithoutNginx }, async () => {
  const outcome = await browser.page.evaluate(async endpoint => {
    const el = document.createElement('vllm-chat');
    el.setAttribute('endpoint', endpoint);
    el.setAttribute('model', 'MyCoder');
    document.body.append(el);
    const reply = el.send('[mock lines=400 lang=py rate=40] a long script');
    // Stop once some of the reply is on screen.
    await new Promise((resolve, reject) => {
      const deadline = performance.now() + 10_000;
      const poll = () => {
        if ((el.messages.at(-1)?.content.length ?? 0) > 20) resolve(undefined);
        else if (performance.now() > deadline) reject(new Error('no tokens within 10 s'));
        else setTimeout(poll, 20);
      };
      poll();
    });
    el.stop();
    const message = await reply;
    el.remove();
    return { status: message.status, length: message.content.length };
  }, `${proxy.url}/v1`);
  assert.equal(outcome.status, 'stopped');
  const deadline = Date.now() + 5000;
  let record = await lastCompletion();
  while (!record?.aborted && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 50));
    record = await lastCompletion();
  }
  assert.ok(record, 'the server saw the reply');
  assert.equal(record?.aborted, true, 'the server logged the disconnect');
  const sent = record?.tokensSent ?? 0;
  await new Promise(r => setTimeout(r, 300));
  assert.equal((await lastCompletion())?.tokensSent, sent, 'and stopped generating');
  assert.ok(sent < 2000, `stopped early (${sent} tokens written)`);
});

test('a 401 from upstream reaches the element as a readable error, not a CORS failure', { skip: skipWithoutNginx }, async () => {
  const wrongKey = await startNginx({ upstreams: [`127.0.0.1:${vllm.port}`], apiKey: 'not-the-key', origin: browser.origin });
  try {
    const reply = await chatOnce(browser.page, `${wrongKey.url}/v1`, 'hello');
    assert.equal(reply.status, 'error');
    assert.equal(reply.error?.status, 401, JSON.stringify(reply.error));
    // The server's own words (vLLM: "Unauthorized"), not "Failed to fetch".
    assert.equal(reply.error?.message, 'Unauthorized', JSON.stringify(reply.error));
  } finally {
    await wrongKey.close();
  }
});
