// A @web/test-runner command: the test page's main-thread tasks, measured by
// the CPU time of the thread (Chrome tracing's `tdur`), not by the wall clock.
//
// Why: on a machine shared with other work, a task's wall-clock duration
// grows with the load (the thread waits for a core), so a `longtask` bound is
// either loose or flaky. The thread's own CPU time is what the page's code
// and the browser's style, layout and paint cost it; it still varies with
// the load (caches, frequency), far less.
//
// From a test: `executeServerCommand('main-thread-trace', { action: 'start' })`,
// the work, `{ action: 'stop' }`, then `{ action: 'result' }` until it is not
// false: `{ tasks, over50, totalMs }`, every task of the page's main thread
// over 10 ms of CPU, in ms, in order, how many took over 50 ms, and the
// thread's CPU time in all. One trace at a time, for the page that asked.

/** The page's tasks: `RunTask` events of the renderer main thread with the most CPU time. */
const CATEGORIES = ['disabled-by-default-devtools.timeline'];

/** @param {Buffer} buffer */
export function mainThreadTasks(buffer) {
  const parsed = JSON.parse(buffer.toString('utf8'));
  /** @type {{ name: string, ph: string, pid: number, tid: number, ts: number, tdur?: number, args?: { name?: string } }[]} */
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mains = new Set();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mains.add(`${e.pid}:${e.tid}`);
  /** @type {Map<string, { ts: number, cpu: number }[]>} */
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || e.name !== 'RunTask' || !mains.has(`${e.pid}:${e.tid}`)) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key)?.push({ ts: e.ts, cpu: (e.tdur ?? 0) / 1000 });
  }
  const total = (/** @type {{ cpu: number }[]} */ list) => list.reduce((n, t) => n + t.cpu, 0);
  const page = [...byThread.values()].sort((a, b) => total(b) - total(a))[0] ?? [];
  page.sort((a, b) => a.ts - b.ts);
  return {
    tasks: page.filter(t => t.cpu > 10).map(t => Math.round(t.cpu)),
    over50: page.filter(t => t.cpu > 50).length,
    totalMs: Math.round(total(page)),
  };
}

/** @returns {import('@web/test-runner').TestRunnerPlugin} */
export function mainThreadTracePlugin() {
  /** @type {import('playwright-core').Browser | undefined} */
  let tracing;
  /** The summary of the last trace stopped, while it is read (a trace can take longer than a command may). */
  /** @type {Promise<ReturnType<typeof mainThreadTasks>> | undefined} */
  let stopped;
  /** @type {ReturnType<typeof mainThreadTasks> | undefined} */
  let result;
  return {
    name: 'main-thread-trace',
    async executeCommand({ command, payload, session }) {
      if (command !== 'main-thread-trace') return undefined;
      const action = /** @type {{ action?: string }} */ (payload)?.action;
      if (action === 'start') {
        const page = /** @type {{ getPage(id: string): import('playwright-core').Page }} */ (/** @type {unknown} */ (session.browser)).getPage(session.id);
        const browser = page.context().browser();
        if (!browser) throw new Error('main-thread-trace: the page has no browser to trace');
        if (tracing) await tracing.stopTracing().catch(() => undefined);
        await stopped?.catch(() => undefined);
        stopped = result = undefined;
        await browser.startTracing(page, { categories: CATEGORIES });
        tracing = browser;
        return true;
      }
      if (action === 'stop') {
        // Answers at once; `result` answers the summary once the trace is read.
        if (!tracing) throw new Error('main-thread-trace: stop without start');
        const browser = tracing;
        tracing = undefined;
        stopped = browser.stopTracing().then(mainThreadTasks);
        stopped.then(r => (result = r)).catch(() => undefined);
        return true;
      }
      if (action === 'result') {
        if (!stopped) throw new Error('main-thread-trace: result without stop');
        // Rejects here when the trace could not be read.
        if (!result) await Promise.race([stopped, new Promise(r => setTimeout(r, 5_000))]);
        // Not `null`: the runner takes a null answer for a command nobody handles.
        return result ?? false;
      }
      throw new Error(`main-thread-trace: unknown action ${String(action)}`);
    },
  };
}
