// Two scenarios beside the contender × workload table, each runnable alone
// (`--only=ten`, `--only=session`):
//
// - `ten`: ten chats on one 900×700 page stream a 300-line TypeScript reply
//   each at 200 tokens/s, all sent in the same task. vllm-chat (ten elements,
//   one shared worker) against `plain` (ten <pre>s that append each delta's
//   text as it arrives: no markdown, no colour, the floor of what a page can
//   do). Frame gaps and long tasks of the page; per token, the server's write
//   time to the first frame whose code text covers it (one clock, epoch ms);
//   every reply's code compared with the expected code.
// - `session`: one element, 60 replies of 1,000 lines, unthrottled, one after
//   the other. Per reply: `send()` to the server's arrival of the request
//   (both epoch ms), the synchronous part of `send()`, and `send()` to the
//   first frame after the reply's first text. At the end: DOM nodes and JS
//   heap (page + workers, after a forced GC) per KB of conversation text.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { codeTokenMarks, fetchExpected } from './expected.js';
import { heapUsage } from './heap-usage.js';
import { TRACE_CATEGORIES } from './measure-run.js';

/** @typedef {{ browser: import('playwright-core').Browser, pagesUrl: string, endpoint: string, apiUrl: string, model: string, bundle: string, quick: boolean, trace?: string }} ScenarioContext */

/** @param {number[]} values @param {number} q */
function quantile(values, q) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** @param {number[]} values */
const spread = values => ({ p50: quantile(values, 0.5), p95: quantile(values, 0.95), max: Math.max(0, ...values) });

/** @param {string} apiUrl */
async function serverLog(apiUrl) {
  return /** @type {{ path: string, body: any, startedAt: number, tokenTimes?: number[] }[]} */ (
    await (await fetch(`${apiUrl}/__mock/requests`)).json()
  );
}

/**
 * @param {ScenarioContext} ctx
 * @param {'vllm-chat' | 'plain'} contender
 */
export async function runTen(ctx, contender) {
  const count = 10;
  const lines = ctx.quick ? 20 : 300;
  const directive = `[mock lines=${lines} lang=ts rate=200 timeline=1]`;
  const expected = await fetchExpected(ctx.endpoint, ctx.model, `写一段 TypeScript 代码 ${directive.replace(' timeline=1', '').replace('rate=200', 'rate=0')}`);
  const model = contender === 'plain' ? 'raw' : 'code';
  const tracked = codeTokenMarks(expected, model);
  const context = await ctx.browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', error => errors.push(error.message));
  try {
    await page.goto(`${ctx.pagesUrl}/pages/ten.html`);
    await page.waitForFunction(() => 'ten' in window, undefined, { timeout: 30_000 });
    await page.evaluate(c => /** @type {any} */ (window).ten.setup(c), {
      endpoint: ctx.endpoint,
      model: ctx.model,
      bundle: ctx.bundle,
      contender,
      count,
    });
    // The chats start once the page has settled, as the single-reply workloads do: what a page just
    // opened pays for its first reply is the `cold` workload's figure, not this one's.
    await sleep(1000);
    await fetch(`${ctx.apiUrl}/__mock/requests`, { method: 'DELETE' });
    const prompts = Array.from({ length: count }, (_, i) => `写一段 TypeScript 代码 #${i} ${directive}`);
    // `--trace=DIR`: the timed run of each contender (DIR/ten-<contender>.json), every thread with sampled JS.
    const traced = ctx.trace ? join(ctx.trace, `ten-${contender}.json`) : undefined;
    if (traced) await ctx.browser.startTracing(page, { path: traced, categories: TRACE_CATEGORIES });
    const result = await page.evaluate(s => /** @type {any} */ (window).ten.run(s), {
      prompts,
      trackText: tracked.text,
      tokenEnds: tracked.ends,
      limitMs: ctx.quick ? 20_000 : 60_000,
    });
    if (traced) await ctx.browser.stopTracing();
    const codes = /** @type {string[]} */ (await page.evaluate(() => /** @type {any} */ (window).ten.codes()));
    const want = model === 'raw' ? expected.content : expected.code;
    const exact = codes.filter(c => c === want).length;
    const log = (await serverLog(ctx.apiUrl)).filter(r => r.path.endsWith('/chat/completions'));
    /** @type {number[]} */
    const latencies = [];
    prompts.forEach((prompt, i) => {
      const record = log.find(r => r.body?.messages?.at(-1)?.content === prompt);
      const times = record?.tokenTimes;
      if (!times) return;
      /** @type {number[]} */ (result.visibleAt[i]).forEach((at, k) => {
        latencies.push(at - /** @type {number} */ (times[/** @type {number} */ (tracked.index[k])]));
      });
    });
    return {
      contender,
      count,
      lines,
      status: result.status,
      ms: result.ms,
      exact,
      frames: result.frames,
      longTasks: result.longTasks,
      latency: { count: latencies.length, of: tracked.index.length * count, ...spread(latencies) },
      errors: errors.slice(0, 3),
    };
  } finally {
    await context.close().catch(() => {});
  }
}

/** @param {ScenarioContext} ctx */
export async function runSession(ctx) {
  const replies = ctx.quick ? 6 : 60;
  const lines = ctx.quick ? 50 : 1000;
  const context = await ctx.browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', error => errors.push(error.message));
  try {
    await page.goto(`${ctx.pagesUrl}/pages/session.html`);
    await page.waitForFunction(() => 'session' in window, undefined, { timeout: 30_000 });
    await page.evaluate(c => /** @type {any} */ (window).session.setup(c), { endpoint: ctx.endpoint, model: ctx.model, bundle: ctx.bundle });
    await fetch(`${ctx.apiUrl}/__mock/requests`, { method: 'DELETE' });
    /** @type {{ sentAt: number, syncMs: number, firstMs: number | null, status: string, requestMs: number | null, requestBytes: number | null }[]} */
    const rows = [];
    for (let i = 0; i < replies; i++) {
      const prompt = `第 ${i + 1} 轮：写一段 TypeScript 代码 [mock lines=${lines} lang=ts rate=0]`;
      // `--trace=DIR`: the second and the last reply, to compare what grew (DIR/session-<n>.json).
      const traced = ctx.trace && (i === 1 || i === replies - 1) ? join(ctx.trace, `session-${i + 1}.json`) : undefined;
      if (traced) await ctx.browser.startTracing(page, { path: traced, categories: TRACE_CATEGORIES });
      const r = await page.evaluate(p => /** @type {any} */ (window).session.reply(p), prompt);
      if (traced) await ctx.browser.stopTracing();
      const record = (await serverLog(ctx.apiUrl)).find(x => x.body?.messages?.at(-1)?.content === prompt);
      rows.push({
        ...r,
        requestMs: record ? record.startedAt - r.sentAt : null,
        requestBytes: record ? Buffer.byteLength(JSON.stringify(record.body)) : null,
      });
      // The server keeps the last 100 requests: keep its log short.
      await fetch(`${ctx.apiUrl}/__mock/requests`, { method: 'DELETE' });
    }
    const size = await page.evaluate(() => /** @type {any} */ (window).session.size());
    const cdp = await context.newCDPSession(page);
    const heap = await heapUsage(ctx.browser, cdp);
    const kb = size.textBytes / 1024;
    const pick = (/** @type {typeof rows} */ some) => ({
      requestMs: some.map(r => r.requestMs),
      syncMs: some.map(r => r.syncMs),
      firstMs: some.map(r => r.firstMs),
    });
    return {
      replies,
      lines,
      done: rows.filter(r => r.status === 'done').length,
      first5: pick(rows.slice(0, 5)),
      last5: pick(rows.slice(-5)),
      lastRequestBytes: rows.at(-1)?.requestBytes ?? null,
      textKB: kb,
      domNodes: size.domNodes,
      nodesPerKB: size.domNodes / kb,
      heapMB: heap.mainMB,
      workerHeapMB: heap.workersMB,
      heapKBPerKB: ((heap.mainMB + heap.workersMB) * 1024) / kb,
      errors: errors.slice(0, 3),
    };
  } finally {
    await context.close().catch(() => {});
  }
}

const f0 = (/** @type {unknown} */ v) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(0) : '–');
const f1 = (/** @type {unknown} */ v) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : '–');
/** @param {(number | null)[]} values */
const list = values => values.map(f0).join(', ');

/** @param {any[]} ten @param {any} session */
export function scenarioTables(ten, session) {
  const out = [];
  if (ten.length) {
    out.push(
      '| ten chats, 300 lines each at 200 tokens/s | replies exact | all shown after (s) | frame p50 / p95 / max (ms) | frames > 50 ms | long tasks (longest, ms) | server write → token in DOM, p50 / p95 / max (ms) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const r of ten) {
      out.push(
        `| ${r.contender} | ${r.exact} of ${r.count} | ${r.status === 'done' ? (r.ms / 1000).toFixed(2) : `timeout > ${(r.ms / 1000).toFixed(0)}`} | ${f0(r.frames.p50)} / ${f0(r.frames.p95)} / ${f0(r.frames.max)} | ${r.frames.over50} | ${r.longTasks.count} (${f0(r.longTasks.longestMs)}) | ${f0(r.latency.p50)} / ${f0(r.latency.p95)} / ${f0(r.latency.max)} |`,
      );
    }
  }
  for (const [s, label] of session ? [...(session.baseline ? [[session.baseline, ' (baseline)']] : []), [session, '']] : []) {
    if (out.length) out.push('');
    out.push(
      `| session${label}: ${s.replies} replies of ${s.lines.toLocaleString('en')} lines | replies 1–5 | replies ${s.replies - 4}–${s.replies} |`,
      '| --- | ---: | ---: |',
      `| \`send()\` → request at the server (ms) | ${list(s.first5.requestMs)} | ${list(s.last5.requestMs)} |`,
      `| synchronous part of \`send()\` (ms) | ${s.first5.syncMs.map(f1).join(', ')} | ${s.last5.syncMs.map(f1).join(', ')} |`,
      `| \`send()\` → first token on screen (ms) | ${list(s.first5.firstMs)} | ${list(s.last5.firstMs)} |`,
      '',
      `Replies done: ${s.done} of ${s.replies}; last request body ${f0((s.lastRequestBytes ?? 0) / 1024)} KB. At the end: ${f0(s.textKB)} KB of text, ${s.domNodes.toLocaleString('en')} DOM nodes (${f0(s.nodesPerKB)} per KB), JS heap ${f1(s.heapMB)} MB page + ${f1(s.workerHeapMB)} MB workers (${f1(s.heapKBPerKB)} KB per KB of text).`,
    );
  }
  return out.join('\n');
}

/**
 * `history`: a conversation of 500 user/assistant pairs (two answers in three
 * with a TypeScript block) opened, scrolled top to bottom and answered once
 * more at 200 tokens/s (bench/pages/history.js). vllm-chat restores it from
 * `storage-key`, deep-chat takes it as `history`; `naive` and `classic` show
 * one reply and hold no conversation.
 * @param {ScenarioContext} ctx
 * @param {string} contender
 */
export async function runHistory(ctx, contender) {
  const pairs = ctx.quick ? 50 : 500;
  if (contender === 'naive' || contender === 'classic') {
    return { contender, pairs, status: 'not able', reason: 'its page renders one reply and holds no conversation' };
  }
  const context = await ctx.browser.newContext({ viewport: { width: 900, height: 700 } });
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', error => errors.push(error.message));
  try {
    await page.goto(`${ctx.pagesUrl}/pages/history.html`);
    await page.waitForFunction(() => 'longHistory' in window, undefined, { timeout: 30_000 });
    await page.evaluate(c => /** @type {any} */ (window).longHistory.setup(c), { contender, bundle: ctx.bundle, pairs });
    // `--trace=DIR`: each phase apart (DIR/history-<phase>-<contender>.json).
    /** @template T @param {string} phase @param {() => Promise<T>} run @returns {Promise<T>} */
    const traced = async (phase, run) => {
      if (!ctx.trace) return run();
      await ctx.browser.startTracing(page, { path: join(ctx.trace, `history-${phase}-${contender}.json`), categories: TRACE_CATEGORIES });
      try {
        return await run();
      } finally {
        await ctx.browser.stopTracing();
      }
    };
    const open = await traced('open', () => page.evaluate(c => /** @type {any} */ (window).longHistory.open(c), { endpoint: ctx.endpoint, model: ctx.model }));
    const scroll = await traced('scroll', () => page.evaluate(() => /** @type {any} */ (window).longHistory.scroll()));
    const stream = await traced('reply', () =>
      page.evaluate(p => /** @type {any} */ (window).longHistory.stream(p), '写一段 TypeScript 代码 [mock lines=100 lang=ts rate=200]'),
    );
    return { contender, pairs, status: 'done', open, scroll, stream, errors: errors.slice(0, 3) };
  } catch (error) {
    return { contender, pairs, status: 'error', error: error instanceof Error ? error.message.split('\n')[0] : String(error), errors: errors.slice(0, 3) };
  } finally {
    await context.close().catch(() => {});
  }
}

/** @param {any[]} rows */
export function historyTable(rows) {
  if (!rows.length) return '';
  const phase = (/** @type {any} */ p) =>
    p?.longTasks ? `${p.status === 'done' ? '' : `${p.status}: `}${p.longTasks.count} (${f0(p.longTasks.longestMs)}) · ${f0(p.frames.p50)} / ${f0(p.frames.p95)}` : p ? `${p.status}${p.error ? `: ${p.error}` : ''}` : '–';
  const out = [
    `| history: ${((rows[0]?.pairs ?? 0) * 2).toLocaleString('en')} messages | open: last message shown / all shown (s) | open: long tasks (longest ms) · frame p50 / p95 (ms) | scroll top → bottom: same | stream a reply at 200 tokens/s: same | DOM nodes after |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    if (r.status !== 'done') {
      out.push(`| ${r.contender} | ${r.status}${r.reason ? `: ${r.reason}` : r.error ? `: ${r.error}` : ''} | | | | |`);
      continue;
    }
    const open = `${(r.open.lastMs / 1000).toFixed(2)} / ${r.open.status === 'done' ? (r.open.settledMs / 1000).toFixed(2) : `timeout > ${(r.open.settledMs / 1000).toFixed(0)}`}`;
    out.push(`| ${r.contender} | ${open} | ${phase(r.open)} | ${phase(r.scroll)} | ${phase(r.stream)} | ${r.stream?.domNodes?.toLocaleString('en') ?? '–'} |`);
  }
  return out.join('\n');
}
