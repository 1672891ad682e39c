// Screenshots of the element in a right-to-left and a left-to-right page,
// each with an English, a Chinese and an Arabic answer holding a code block.
// Needs `dist/` (`npm run build`); starts its own servers.
// Usage: `node docs/screenshots/take-direction-screenshots.js`.
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { chromiumPath, chromiumArgs } from '../../test/support/chromium.js';
import { startMockServer } from '../../server/mock-server.js';
import { startStaticServer } from '../../test/embed/static-server.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const api = await startMockServer({ rate: 0 });
const bundle = await startStaticServer({ root: fileURLToPath(new URL('../../dist', import.meta.url)), cors: true });
const pages = await startStaticServer({ root: dir.replace(/\/$/, ''), vars: () => ({ BUNDLE: bundle.url, API: `${api.url}/v1` }) });

const fence = '```python\ndef factorial(n: int) -> int:\n    return 1 if n < 2 else n * factorial(n - 1)\n```';
const answers = [
  `Here is a recursive factorial:\n\n${fence}\n\nCall \`factorial(5)\`:\n\n1. it returns 120\n2. it recurses down to 1`,
  `这是一个递归阶乘函数：\n\n${fence}\n\n调用 \`factorial(5)\`：\n\n1. 返回 120\n2. 递归到 1 为止`,
  `هذه دالة المضروب التعاودية:\n\n${fence}\n\nاستدعها بـ \`factorial(5)\`:\n\n1. تعيد 120\n2. تستدعي نفسها حتى 1`,
];

const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
try {
  for (const direction of /** @type {const} */ (['rtl', 'ltr'])) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 1652 }, deviceScaleFactor: 1, colorScheme: 'light' });
    await page.goto(`${pages.url}/direction.html`);
    await page.evaluate(d => (document.body.style.direction = d), direction);
    await page.waitForFunction(() => customElements.get('vllm-chat'));
    await page.evaluate(async texts => {
      const chat = /** @type {any} */ (document.querySelector('vllm-chat'));
      // The directive at the end, so each question reads in its own direction too.
      for (const text of texts) await chat.send(`${text} [mock echo=1]`);
    }, answers);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${dir}direction-${direction}.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await Promise.all([api.close(), bundle.close(), pages.close()]);
}
