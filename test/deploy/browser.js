// Chromium (playwright-core) on a page of its own origin that loads the
// production bundle (dist/, built by `npm test`), plus the in-page helpers
// the deployment tests share.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { chromiumPath, chromiumArgs } from '../support/chromium.js';
import { startStaticServer } from '../embed/static-server.js';

const root = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');

/** Opens test/deploy/page.html on its own origin; `close()` ends browser and server. */
export async function openPage() {
  if (!existsSync(`${root}/dist/vllm-chat.js`)) throw new Error('dist/vllm-chat.js is missing: run `npm run build` (npm test does)');
  const site = await startStaticServer({ root });
  const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
  const page = await browser.newPage();
  await page.goto(`${site.url}/test/deploy/page.html`);
  await page.waitForFunction(() => customElements.get('vllm-chat') !== undefined);
  return {
    page,
    origin: site.url,
    async close() {
      await browser.close();
      await site.close();
    },
  };
}

/**
 * In the page: sends `prompt` from a new `<vllm-chat endpoint=…>` and resolves
 * with the finished reply and what the code blocks show.
 * @param {import('playwright-core').Page} page @param {string} endpoint @param {string} prompt
 */
export function chatOnce(page, endpoint, prompt) {
  return page.evaluate(
    async ([endpoint, prompt]) => {
      const el = document.createElement('vllm-chat');
      el.setAttribute('endpoint', String(endpoint));
      el.setAttribute('model', 'MyCoder');
      document.body.append(el);
      const reply = await el.send(String(prompt));
      // The last patch is applied on the frame after the reply ends.
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      const spans = [...(el.shadowRoot?.querySelectorAll('pre[part="code-block"] span') ?? [])];
      const colors = new Set(spans.map(s => getComputedStyle(s).color));
      el.remove();
      return { status: reply.status, content: reply.content, error: reply.error ?? null, spans: spans.length, colors: colors.size };
    },
    [endpoint, prompt],
  );
}

/**
 * In the page: streams a chat completion with fetch and notes when each
 * token event arrived (epoch ms, the server's clock base), in order.
 * @param {import('playwright-core').Page} page @param {string} url @param {string} prompt @param {Record<string, string>} [headers]
 */
export function fetchTokenTimes(page, url, prompt, headers = {}) {
  return page.evaluate(
    async ([url, prompt, headers]) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'MyCoder', stream: true, messages: [{ role: 'user', content: prompt }] }),
      });
      const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (response.body?.getReader());
      const decoder = new TextDecoder();
      /** @type {number[]} */
      const times = [];
      let chunks = 0;
      let buffer = '';
      let first = true;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const at = performance.timeOrigin + performance.now();
        chunks++;
        buffer += decoder.decode(value, { stream: true });
        const events = buffer.split('\n\n');
        buffer = events.pop() ?? '';
        for (const event of events) {
          if (!event.startsWith('data: {')) continue;
          const delta = JSON.parse(event.slice(6)).choices?.[0]?.delta;
          // The first event carries only the role; the server's token times start after it.
          if (first) {
            first = false;
            continue;
          }
          if (delta?.content) times.push(at);
        }
      }
      return { status: response.status, chunks, times };
    },
    /** @type {[string, string, Record<string, string>]} */ ([url, prompt, headers]),
  );
}
