// `vllmApiPlugin` in a real Vite dev server: the embedded server by default,
// or a streaming proxy to VLLM_URL that forwards SSE without buffering.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'vite';
import { vllmApiPlugin } from '../../server/vite-plugin.js';
import { startMockServer } from '../../server/mock-server.js';

/** @type {Array<() => Promise<void>>} */
const cleanups = [];
after(async () => {
  for (const close of cleanups.reverse()) await close();
});

/**
 * A Vite dev server on a random port with the plugin; returns its origin.
 * @param {Parameters<typeof vllmApiPlugin>[0]} options
 */
async function startVite(options) {
  const vite = await createServer({
    configFile: false,
    root: new URL('.', import.meta.url).pathname,
    logLevel: 'silent',
    plugins: [vllmApiPlugin(options)],
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, ws: false },
    optimizeDeps: { noDiscovery: true, include: [] },
  });
  await vite.listen();
  cleanups.push(() => vite.close());
  const address = vite.httpServer?.address();
  assert.ok(address && typeof address === 'object');
  return `http://127.0.0.1:${address.port}`;
}

describe('vllmApiPlugin', () => {
  test('serves /v1 from the embedded server by default', async () => {
    const origin = await startVite({ rate: 0 });
    const models = await (await fetch(`${origin}/v1/models`)).json();
    assert.equal(models.data[0].id, 'MyCoder');
    const res = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: '[mock echo=1] hi' }] }),
    });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.match(await res.text(), /"content":"hi"[\s\S]*data: \[DONE\]\n\n$/);
    const records = await (await fetch(`${origin}/__mock/requests`)).json();
    assert.equal(records.at(-1).path, '/v1/chat/completions');
  });

  test('with VLLM_URL, proxies /v1 and the first token arrives before the upstream has finished', async () => {
    const upstream = await startMockServer({ rate: 5, apiKey: 'sk-upstream' });
    cleanups.push(() => upstream.close());
    const origin = await startVite({ vllmUrl: upstream.url, apiKey: 'sk-upstream' });

    const res = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: '[mock echo=1] one two three four five six' }] }),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (res.body?.getReader());
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('"content":"one"')) text += decoder.decode((await reader.read()).value, { stream: true });

    const during = (await (await fetch(`${upstream.url}/__mock/requests`)).json()).at(-1);
    assert.equal(during.headers.authorization, 'Bearer sk-upstream', 'VLLM_API_KEY is sent upstream');
    assert.equal(during.endedAt, null, 'the upstream is still generating');
    assert.ok(during.tokensSent < 6);

    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
    assert.ok(text.endsWith('data: [DONE]\n\n'));
  });

  test('with VLLM_URL, passes upstream errors through with their status', async () => {
    const upstream = await startMockServer({ rate: 0, apiKey: 'sk-right' });
    cleanups.push(() => upstream.close());
    const origin = await startVite({ vllmUrl: upstream.url, apiKey: 'sk-wrong' });
    const res = await fetch(`${origin}/v1/models`);
    assert.equal(res.status, 401);
    assert.equal(await res.text(), '{"error":"Unauthorized"}');
  });

  test('with VLLM_URL, aborting the browser request aborts the upstream one', async () => {
    const upstream = await startMockServer({ rate: 20 });
    cleanups.push(() => upstream.close());
    const origin = await startVite({ vllmUrl: upstream.url });
    const res = await fetch(`${origin}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: '[mock lines=500]' }] }),
    });
    const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (res.body?.getReader());
    await reader.read();
    await reader.cancel();
    let record;
    for (let i = 0; i < 50; i++) {
      record = (await (await fetch(`${upstream.url}/__mock/requests`)).json()).at(-1);
      if (record.aborted) break;
      await new Promise(r => setTimeout(r, 20));
    }
    assert.equal(record.aborted, true);
  });

  test('with an unreachable VLLM_URL, answers 502 with a message naming it', async () => {
    const origin = await startVite({ vllmUrl: 'http://127.0.0.1:9' });
    const res = await fetch(`${origin}/v1/models`);
    assert.equal(res.status, 502);
    assert.match((await res.json()).error.message, /127\.0\.0\.1:9.*VLLM_URL/);
  });
});
