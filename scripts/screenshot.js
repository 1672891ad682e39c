// `npm run screenshots`: the demo page (index.html) on the production bundle,
// answered by the embedded vLLM-compatible server, with the rich
// `[mock answer=mixed]` reply in light and dark; writes
// docs/images/mixed-light.png and docs/images/mixed-dark.png. Then a
// conversation with an attached image and file, a tool call answered by the
// page, and a regenerated reply (`2 / 2`): docs/images/conversation.png.
//
// One origin on 127.0.0.1 (a free port): `/` is index.html with its module
// script pointed at dist/vllm-chat.js (built first when missing or older than
// src/), `/dist/*` the bundle, everything else the embedded server (`/v1`, the
// element's default endpoint). The picture is taken once the reply has ended
// and, when the element renders diagrams, once the diagram is on screen (up to
// DIAGRAM_WAIT_MS; without a renderer the mermaid block stays code).
import { createServer } from 'node:http';
import { mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { distDir, ensureBundle } from '../bench/build.js';
import { createMockHandler } from '../server/mock-server.js';
import { chromiumArgs, chromiumPath } from '../test/support/chromium.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(repo, 'docs', 'images');
const PROMPT = '[mock answer=mixed] 从浏览器到 vLLM，流式回答是怎么一步步显示出来的？';
const DIAGRAM_WAIT_MS = 5_000;
/** Tall enough for the whole answer without scrolling. */
const VIEWPORT = { width: 1100, height: 2250 };

/** @type {Record<string, string>} */
const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml' };

const problem = ensureBundle();
if (problem) throw new Error(`The screenshots need the bundle: ${problem}`);
const demo = readFileSync(join(repo, 'index.html'), 'utf8').replace('src="/src/vllm-chat.ts"', 'src="/dist/vllm-chat.js"');
if (!demo.includes('/dist/vllm-chat.js')) throw new Error('index.html no longer loads /src/vllm-chat.ts: update scripts/screenshot.js.');

// Unthrottled: the picture is of the finished answer.
const api = createMockHandler({ rate: 0 });
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (path === '/' || path === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(demo);
    return;
  }
  if (path.startsWith('/dist/')) {
    const file = normalize(join(distDir, path.slice('/dist/'.length)));
    if (!file.startsWith(distDir)) return void res.writeHead(403).end();
    readFile(file).then(
      body => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
    return;
  }
  api(req, res);
});
await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)));
const address = server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;

mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
try {
  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    const page = await browser.newPage({ viewport: VIEWPORT, deviceScaleFactor: 1, colorScheme: scheme });
    // `?scheme=` sets the page's colours and the element's theme (github-light / github-dark) together.
    await page.goto(`${base}?scheme=${scheme}`);
    await page.waitForFunction(() => customElements.get('vllm-chat'));
    const theme = await page.evaluate(async prompt => {
      const chat = /** @type {any} */ (document.querySelector('vllm-chat'));
      chat.clear();
      const reply = await chat.send(prompt);
      if (reply.status !== 'done') throw new Error(`The reply ended ${reply.status}: ${reply.error?.message ?? ''}`);
      return chat.theme;
    }, PROMPT);
    const diagram = await page
      .waitForFunction(() => {
        const chat = /** @type {any} */ (document.querySelector('vllm-chat'));
        return !!chat?.shadowRoot?.querySelector('[part~="diagram"]');
      }, undefined, { timeout: DIAGRAM_WAIT_MS })
      .then(() => true, () => false);
    // Fonts, MathML layout and the last patch's paint.
    await page.evaluate(() => document.fonts.ready);
    await page.waitForTimeout(300);
    const path = join(outDir, `mixed-${scheme}.png`);
    await page.screenshot({ path });
    console.log(`${path}: theme ${theme}, ${diagram ? 'diagram rendered' : 'no diagram part (the mermaid block is code)'}`);
    await page.close();
  }
  await conversationShot();
} finally {
  await browser.close();
  server.close();
}

/** Attachments, a tool call and its result, and two versions of a reply, in the light scheme. */
async function conversationShot() {
  const page = await browser.newPage({ viewport: { width: 1100, height: 1150 }, deviceScaleFactor: 1, colorScheme: 'light' });
  await page.goto(`${base}?scheme=light`);
  await page.waitForFunction(() => customElements.get('vllm-chat'));
  await page.evaluate(async () => {
    const chat = /** @type {any} */ (document.querySelector('vllm-chat'));
    chat.clear();
    // A drawn PNG and a small Python file, as a reader would attach them.
    const canvas = document.createElement('canvas');
    canvas.width = 240;
    canvas.height = 150;
    const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    const fill = g.createLinearGradient(0, 0, 240, 150);
    fill.addColorStop(0, '#4f8ef7');
    fill.addColorStop(1, '#9b5de5');
    g.fillStyle = fill;
    g.fillRect(0, 0, 240, 150);
    g.fillStyle = '#fff';
    g.font = 'bold 28px sans-serif';
    g.fillText('GPU 0 · 1', 40, 85);
    const png = await new Promise(resolve => canvas.toBlob(resolve, 'image/png'));
    const files = [new File([png], 'cluster.png', { type: 'image/png' }), new File(['def add(a, b):\n    return a + b\n'], 'add.py', { type: 'text/x-python' })];
    const first = await chat.send('这两个文件是什么？ [mock describe=1]', { attachments: files });
    if (first.status !== 'done') throw new Error(`The reply ended ${first.status}`);
    chat.tools = [
      {
        type: 'function',
        function: { name: 'calculate', description: 'Evaluates an arithmetic expression', parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] } },
      },
    ];
    const answered = new Promise(resolve => chat.addEventListener('vllm-chat-done', e => e.detail.message.role === 'assistant' && !e.detail.message.toolCalls && resolve(undefined)));
    chat.addEventListener('vllm-chat-tool-call', e => {
      for (const call of e.detail.calls) chat.addToolResult(call.id, '42');
    });
    await chat.send('6 乘以 7 是多少？ [mock tool=calculate]');
    await answered;
    await chat.regenerate();
  });
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  const path = join(outDir, 'conversation.png');
  await page.screenshot({ path });
  console.log(`${path}: attachments, a tool call, two versions of a reply`);
  await page.close();
}
