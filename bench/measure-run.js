// One contender on one workload, in a fresh browser context (900×700): load
// its page (which sets itself up from its URL, timing its first render), time
// the network floor (after the run for a `cold` workload, whose reply is the
// page's very first), stream the reply while pressing keys if asked, wait for
// its colour, then collect figures, heap and DOM size. Never hangs: every wait on
// the page is bounded, and a page still frozen after its time limit is
// reported as `timeout` with whatever could be read.
import { codeTokenMarks, requestBody } from './expected.js';
import { heapUsage } from './heap-usage.js';
import { promptOf } from './workloads.js';

/**
 * `promise`'s value, or `fallback` when it rejects or takes longer than `ms`.
 * @template T @param {Promise<T>} promise @param {number} ms @param {T} fallback
 * @returns {Promise<T>}
 */
function within(promise, ms, fallback) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  return Promise.race([
    promise.catch(() => fallback),
    new Promise(resolve => (timer = setTimeout(() => resolve(fallback), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** What `--trace` records: the timeline of every thread of the page, with sampled JS. */
export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
  'blink.user_timing',
  'loading',
];

const sleep = (/** @type {number} */ ms) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * @param {object} ctx
 * @param {import('playwright-core').Browser} ctx.browser
 * @param {{ name: string, path: string, textModel: 'code' | 'raw' }} ctx.contender
 * @param {import('./workloads.js').Workload} ctx.workload
 * @param {import('./expected.js').Expected} ctx.expected
 * @param {string} ctx.pagesUrl  origin of the pages
 * @param {string} ctx.endpoint  the API, on its own origin
 * @param {string} ctx.apiUrl  the API server's root (for /__mock/requests)
 * @param {string} ctx.model
 * @param {string} [ctx.bundle]  origin of the production bundle
 * @param {string} [ctx.worker]  URL of its worker chunk
 * @param {{ grammars: Record<string, string>, themes: Record<string, string> }} [ctx.assets]  URLs of its grammars and themes
 * @param {string} [ctx.trace]  path of a Chrome trace of the timed run
 * @returns {Promise<Record<string, unknown>>}
 */
export async function measureRun(ctx) {
  const { browser, contender, workload, expected } = ctx;
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', error => errors.push(error.message));
  page.on('console', message => {
    if (message.type() === 'error') errors.push(message.text());
  });
  /** @type {any} */
  let snapshot;
  await page.exposeBinding('__benchSnapshot', (_source, value) => void (snapshot = value));
  try {
    // The page sets itself up from this config, given before its scripts run, as a page loads for
    // its user: no round trip through this process between navigation and the contender's first render.
    const config = { endpoint: ctx.endpoint, model: ctx.model, bundle: ctx.bundle, worker: ctx.worker, assets: ctx.assets };
    await page.addInitScript(c => Object.assign(window, { __benchConfig: c }), config);
    await page.goto(`${ctx.pagesUrl}/${contender.path}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => /** @type {any} */ (window).bench?.ready === true, undefined, { timeout: 30_000, polling: 'raf' });
    // Read now, while the page surely answers (one frozen by its reply could not say later).
    const firstRender = await page.evaluate(() => /** @type {any} */ (window).bench.firstRender());
    const prompt = promptOf(workload);
    const tracked = workload.tokens ? codeTokenMarks(expected, contender.textModel) : undefined;
    const raw = contender.textModel === 'raw';
    const spec = {
      endpoint: ctx.endpoint,
      prompt,
      body: JSON.stringify(requestBody(ctx.model, prompt)),
      // A rich reply has several blocks, and its last fenced block may not stay
      // a code block (a diagram): its end is told by the prose after them.
      codeTail: raw ? expected.rawTail : workload.rich ? '' : expected.codeTail,
      rawTail: expected.rawTail,
      proseTail: expected.proseTail,
      trackText: tracked?.text,
      keys: !!workload.keys,
      colourWaitMs: workload.limitMs,
      diagramWaitMs: workload.rich ? workload.diagramWaitMs ?? 10_000 : undefined,
    };
    const networkFloor = () => page.evaluate(s => /** @type {any} */ (window).bench.networkFloor(s), spec);
    // A cold run sends at once: its floor is measured after it.
    const floor = workload.cold ? undefined : await networkFloor();
    await fetch(`${ctx.apiUrl}/__mock/requests`, { method: 'DELETE' });
    const cdp = await context.newCDPSession(page);
    // Let the floor's garbage and layout settle before the timed run.
    if (!workload.cold) await sleep(300);

    if (ctx.trace) await browser.startTracing(page, { path: ctx.trace, categories: TRACE_CATEGORIES });
    let finished = false;
    const runStart = Date.now();
    const run = page.evaluate(s => /** @type {any} */ (window).bench.run(s), spec).finally(() => (finished = true));
    const presses = workload.keys ? pressKeys(page, () => finished) : Promise.resolve(0);
    /** @type {any} */
    let result = await within(run, workload.limitMs, null);
    if (!result) {
      // Past the limit: ask the page to report what it has; a page frozen in one task may take a while to answer.
      void page.evaluate(() => /** @type {any} */ (window).bench.abort()).catch(() => {});
      // A reply that became visible while the abort waited is `done`, with its real time.
      result = await within(run, 20_000, null);
      if (!result) {
        // Still frozen: report the last figures the page sent while it could.
        const shown = raw ? expected.content : expected.code;
        const at = snapshot?.tail ? squash(shown).lastIndexOf(snapshot.tail) : -1;
        // No frame came from the last snapshot until now: that span was one
        // block (or tasks back to back), so the figures below are lower bounds.
        const frozenMs = Date.now() - runStart - (snapshot?.ms ?? 0);
        const lt = snapshot?.longTasks ?? { count: 0, longestMs: 0, blockingMs: 0 };
        const fr = snapshot?.frames ?? { count: 0, p50: 0, p95: 0, max: 0, over50: 0 };
        result = {
          ...snapshot,
          status: 'timeout',
          ms: workload.limitMs,
          unresponsive: true,
          frozenMs,
          lastFrameMs: snapshot?.ms ?? 0,
          longTasks: { count: lt.count + 1, longestMs: Math.max(lt.longestMs, frozenMs), blockingMs: lt.blockingMs + frozenMs - 50 },
          frames: { ...fr, count: fr.count + 1, max: Math.max(fr.max, frozenMs), over50: fr.over50 + 1 },
          visibleCodeChars: at < 0 ? 0 : at + snapshot.tail.length,
        };
      }
    }
    finished = true;
    const keysSent = await within(presses, 5_000, 0);
    // Before anything else touches the page (the heap figure forces a GC, a
    // long task): the diagram's window counts the page's own long tasks.
    const diagram =
      workload.rich && result.status === 'done'
        ? await within(page.evaluate(() => /** @type {any} */ (window).bench.diagram()), (spec.diagramWaitMs ?? 0) + 5_000, null)
        : null;
    // Until the code is all coloured (at once for a contender that colours as it shows).
    const colour =
      result.status === 'done'
        ? await within(page.evaluate(() => /** @type {any} */ (window).bench.colour()), workload.limitMs + 5_000, null)
        : null;
    if (ctx.trace) await within(browser.stopTracing(), 30_000, undefined);
    // Latency needs the server's write times of this run: read before the floor adds a request.
    const latency = tracked && result.shownAt ? await tokenLatency(ctx.apiUrl, tracked, result.shownAt) : null;
    // The end state, once the colour settled (a page frozen past its limit keeps its last count).
    const end = await within(page.evaluate(() => /** @type {any} */ (window).bench.endState()), 10_000, null);
    const networkMs = floor ? floor.ms : (await within(networkFloor(), workload.limitMs, null))?.ms ?? null;

    const heap = await within(heapUsage(browser, cdp), 10_000, null);
    const tokens = expected.tokens.length;
    /** @type {Record<string, unknown>} */
    const figures = {
      status: result.status,
      ms: result.ms,
      firstMs: result.firstMs ?? null,
      unresponsive: !!result.unresponsive,
      frozenMs: result.frozenMs ?? null,
      lastFrameMs: result.lastFrameMs ?? null,
      tokensPerSec: result.status === 'done' ? tokens / (result.ms / 1000) : null,
      progress: expected.code ? Math.min(1, (result.visibleCodeChars ?? 0) / squashLength(raw ? expected.content : expected.code)) : null,
      networkMs,
      colour,
      firstRender,
      longTasks: result.longTasks ?? null,
      frames: result.frames ?? null,
      keys: workload.keys ? { ...(result.keys ?? {}), sent: keysSent } : undefined,
      heapMB: heap?.mainMB ?? null,
      workerHeapMB: heap?.workersMB ?? null,
      domNodes: end?.domNodes ?? result.domNodes ?? null,
      errors: errors.slice(0, 3),
    };
    if (diagram) figures.diagram = diagram;
    if (latency) figures.latency = latency;
    if (ctx.contender.name === 'vllm-chat' && result.status === 'done') {
      const render = await within(
        page.evaluate(c => /** @type {any} */ (window).bench.renderFloor(c), expected.content),
        60_000,
        undefined,
      );
      figures.renderMs = render ?? null;
      if (workload.rich) {
        figures.math = await within(
          page.evaluate(c => /** @type {any} */ (window).bench.mathCost(c), expected.content),
          60_000,
          null,
        );
      }
    }
    return figures;
  } catch (error) {
    return { status: 'error', error: error instanceof Error ? error.message : String(error), errors };
  } finally {
    await within(context.close(), 10_000, undefined);
  }
}

/** Text without whitespace, as the page compares it. @param {string} s */
const squash = s => s.replace(/\s+/g, '');
/** @param {string} s */
const squashLength = s => squash(s).length;

/**
 * Real key presses into the page's probe input every 100 ms until `done()`.
 * A press waits while the page is blocked; that wait is the delay measured in the page.
 * @param {import('playwright-core').Page} page @param {() => boolean} done
 */
async function pressKeys(page, done) {
  let sent = 0;
  while (!done()) {
    await within(page.keyboard.press('a'), 5_000, undefined);
    sent++;
    await sleep(100);
  }
  return sent;
}

/**
 * Server write time → visible in the DOM, per code token, on one clock (both
 * are epoch ms of this machine: the server's `timeOrigin + now()`, the page's
 * `performance.timeOrigin + performance.now()`). A token is visible at the
 * first frame whose code reached its end (`shownAt`: epoch ms, squashed end,
 * pair after pair, ends increasing); tokens never shown are left out (`count`
 * of `of`).
 * @param {string} apiUrl @param {{ index: number[], ends: number[] }} tracked @param {number[]} shownAt
 */
async function tokenLatency(apiUrl, tracked, shownAt) {
  const records = /** @type {{ path?: string, tokenTimes?: number[] }[]} */ (
    await (await fetch(`${apiUrl}/__mock/requests`)).json()
  );
  const record = records.filter(r => r.tokenTimes).at(-1);
  if (!record?.tokenTimes) return null;
  const times = record.tokenTimes;
  /** @type {number[]} */
  const latencies = [];
  let pair = 0;
  for (let k = 0; k < tracked.ends.length; k++) {
    const end = /** @type {number} */ (tracked.ends[k]);
    while (pair < shownAt.length && /** @type {number} */ (shownAt[pair + 1]) < end) pair += 2;
    if (pair >= shownAt.length) break;
    const written = times[/** @type {number} */ (tracked.index[k])];
    if (written !== undefined) latencies.push(/** @type {number} */ (shownAt[pair]) - written);
  }
  latencies.sort((a, b) => a - b);
  const q = (/** @type {number} */ p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return { count: latencies.length, of: tracked.index.length, p50: q(0.5), p95: q(0.95), max: latencies.at(-1) ?? 0 };
}
