// Screenshots of the demo page (`npm start`) in light and dark mode, each
// with a reply streamed in. Usage: `npx vite` in one shell, then
// `node docs/screenshots/take-screenshots.js [http://127.0.0.1:5173/]`.
import { chromium } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { chromiumPath, chromiumArgs } from '../../test/support/chromium.js';

const base = process.argv[2] ?? 'http://127.0.0.1:5173/';
const dir = fileURLToPath(new URL('.', import.meta.url));
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
try {
  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    const page = await browser.newPage({ viewport: { width: 1200, height: 860 }, deviceScaleFactor: 1, colorScheme: scheme });
    await page.goto(`${base}?scheme=${scheme}`);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForFunction(() => customElements.get('vllm-chat'));
    await page.evaluate(async () => {
      const chat = /** @type {any} */ (document.querySelector('vllm-chat'));
      chat.clear();
      await chat.send('写一个递归阶乘函数');
    });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${dir}${scheme}.png` });
    await page.close();
  }
} finally {
  await browser.close();
}
