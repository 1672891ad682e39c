// JS heap in use by a page and by its workers, after a forced garbage
// collection, through the DevTools protocol: the page's own session for the
// main thread, and the browser session attached to each worker of the same
// browser context (Playwright opens no protocol session on workers itself).

/**
 * @param {import('playwright-core').Browser} browser
 * @param {import('playwright-core').CDPSession} pageSession
 * @returns {Promise<{ mainMB: number, workersMB: number }>}
 */
export async function heapUsage(browser, pageSession) {
  await pageSession.send('HeapProfiler.collectGarbage');
  const main = await pageSession.send('Runtime.getHeapUsage');
  const { targetInfo } = await pageSession.send('Target.getTargetInfo');
  const session = await browser.newBrowserCDPSession();
  let workers = 0;
  try {
    const { targetInfos } = await session.send('Target.getTargets');
    let id = 0;
    /** @type {Map<number, (result: any) => void>} */
    const waiting = new Map();
    session.on('Target.receivedMessageFromTarget', event => {
      const message = JSON.parse(event.message);
      waiting.get(message.id)?.(message.result);
    });
    /** @param {string} sessionId @param {string} method */
    const call = (sessionId, method) =>
      new Promise(resolve => {
        const n = ++id;
        waiting.set(n, resolve);
        void session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: n, method }) });
      });
    for (const t of targetInfos) {
      if (t.type !== 'worker' || t.browserContextId !== targetInfo.browserContextId) continue;
      // flatten: false keeps the worker's messages on this session, the only way to reach them here.
      const { sessionId } = await session.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
      await call(sessionId, 'HeapProfiler.collectGarbage');
      const usage = /** @type {{ usedSize?: number }} */ (await call(sessionId, 'Runtime.getHeapUsage'));
      workers += usage?.usedSize ?? 0;
      await session.send('Target.detachFromTarget', { sessionId });
    }
  } finally {
    await session.detach().catch(() => {});
  }
  return { mainMB: main.usedSize / 2 ** 20, workersMB: workers / 2 ** 20 };
}
