// `npm run bench`: streaming speed of <vllm-chat> side by side with the naive
// approaches, in one run, on this machine.
//
// Method
// - Three origins on 127.0.0.1: the pages (bench/pages, bench/baselines,
//   bundled by Vite), the production bundle dist/vllm-chat.js (built first
//   when missing or older than src/, served with CORS) and the embedded
//   vLLM-compatible server (server/cli.js) in a process of its own, as a
//   real vLLM is (bench/api-process.js). Headless Debian Chromium
//   via playwright-core; each run in a fresh 900×700 context.
// - Workloads (bench/workloads.js): one fenced block of real TypeScript,
//   ~10 tokens a line, one token per SSE event: `cold` ~300 tokens at 200
//   tokens/s, the first reply of a page just opened; `long` 10,000 lines and
//   `huge` 40,000 lines unthrottled, `rate` ~2,000 tokens at 200 tokens/s, and
//   `scaling-1k` 1,000 lines to compare with `long`; `mixed`, the server's
//   rich `answer=mixed` reply (prose, three code blocks, math, table, task
//   list, mermaid) at 200 tokens/s.
// - Contenders: vllm-chat (worker renders, element applies patches); naive
//   (main thread: markdown-it + Shiki, whole reply to innerHTML each frame);
//   deep-chat (npm element, default settings, OpenAI stream via interceptors,
//   no highlighting since window.hljs is unset); classic (vLLM tutorial page:
//   split('\ndata: '), whole text into a <pre> every ≥ 50 ms, Prism).
// - Time: from just before the contender is asked to send until its DOM shows
//   the last token. A rAF loop compares the tail of the code element's text
//   (and of the reply's prose) with the expected reply's tail, whitespace
//   ignored; O(1) per frame (bench/pages/harness.js).
// - Floors, measured in the same page before the run: the network (a fetch of
//   the same request whose body is read and discarded) and, for vllm-chat,
//   the worker's one-shot `render` of the final reply in a worker started from
//   the same production chunk (grammar and theme loaded beforehand).
// - Main thread: `longtask` entries (count, longest, blocking = Σ(d − 50 ms)),
//   read with takeRecords(); rAF intervals by performance.now() inside the
//   callback; key presses (Playwright keyboard.press every 100 ms while
//   streaming `long` and `huge`) timed from the keydown's timestamp to the next frame.
// - `mixed` (vllm-chat): math cost per formula (worker one-shot render with
//   math minus without, ÷ formulas) and the diagram's render (last token →
//   `[part~="diagram"]` on screen, long tasks meanwhile; n/a when none appears).
// - Display lag (every code workload): each code token's server write time
//   (the server's timeline) vs the first frame whose code reaches it, one clock
//   (epoch ms); the page finds its code's last characters in the expected text
//   each frame, O(text added since the last frame).
// - Colour: send → the first frame whose code is all coloured (vllm-chat: its
//   `vllm-chat-done`, sent with the patch that colours the last plain lines;
//   lines of code groups the browser skips off screen get that colour when
//   they are shown, src/element/view/group-colour.ts).
// - First render: navigation → the first frame of the contender's ready UI (the
//   page sets itself up from its URL), and the bytes loaded before it
//   (Resource Timing transfer sizes).
// - End state, once the colour settled: JS heap after a forced GC (CDP
//   Runtime.getHeapUsage) of the page and of its workers, nodes of the document
//   with open shadow roots.
// - A run past its workload's time limit is `timeout`, with the share of the
//   code shown and what the page could still report.
//
// - Scenarios (bench/scenarios.js), run after the table: `ten` (ten chats on
//   one page, 200 tokens/s each), `session` (one element, 60 replies) and
//   `history` (a 1,000-message conversation opened, scrolled, answered);
//   alone with `--only=ten`, `--only=session` or `--only=history`.
//
// Usage: node bench/run.js [--quick] [--out=DIR] [--only=vllm-chat,naive,ten,session,history] [--workloads=long,rate] [--trace=DIR] [--baseline=DIR]
// `--baseline=DIR`: the session and history scenarios also run vllm-chat from DIR, a dist/ built from another commit.
// `--trace=DIR` writes a Chrome trace of each timed run (DIR/<workload>-<contender>.json,
// main thread and workers, JS sampled; history: DIR/history-<phase>-<contender>.json) to open in the Performance panel; tracing
// slows the page, so its figures are not comparable with an untraced run (they are written to DIR too,
// unless `--out` says where).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../test/support/chromium.js';
import { startApiProcess } from './api-process.js';
import { buildPages, distDir, ensureBundle, pagesDir, workerAssetFiles, workerChunk } from './build.js';
import { fetchExpected } from './expected.js';
import { measureRun } from './measure-run.js';
import { blockingSummary, markdownTables } from './report.js';
import { historyTable, runHistory, runSession, runTen, scenarioTables } from './scenarios.js';
import { startStaticServer } from './static-server.js';
import { FULL, QUICK, promptOf } from './workloads.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const args = new Map(
  process.argv.slice(2).map(a => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k ?? '', v ?? 'true'];
  }),
);
const quick = args.has('quick');
const traceDir = args.get('trace');
// A traced run's figures go with its traces: they are not comparable with the committed ones.
const outDir = args.get('out') ?? traceDir ?? join(repo, 'bench', 'results');
const MODEL = 'MyCoder';
if (traceDir) mkdirSync(traceDir, { recursive: true });

const CONTENDERS = /** @type {const} */ ([
  { name: 'vllm-chat', path: 'pages/vllm-chat.html', textModel: 'code' },
  { name: 'naive', path: 'baselines/naive.html', textModel: 'code' },
  { name: 'classic', path: 'baselines/classic.html', textModel: 'raw' },
  { name: 'deep-chat', path: 'baselines/deep-chat.html', textModel: 'code' },
]);
const only = args.get('only')?.split(',');
const contenders = CONTENDERS.filter(c => !only || only.includes(c.name));
const wanted = args.get('workloads')?.split(',');
const workloads = contenders.length ? (quick ? QUICK : FULL).filter(w => !wanted || wanted.includes(w.name)) : [];
/** Scenarios run when named in `--only`, or in a run that names nothing. */
const scenarios = ['ten', 'session', 'history'].filter(name => (only ? only.includes(name) : !wanted));

const started = Date.now();
const bundleProblem = contenders.some(c => c.name === 'vllm-chat') || scenarios.length ? ensureBundle() : null;
await buildPages();
const worker = workerChunk();
const assetFiles = workerAssetFiles();

// Big enough for a 40,000-line reply (the default 32,768 would cut it with "length").
const api = await startApiProcess({ model: MODEL, maxModelLen: 2_000_000 });
const pages = await startStaticServer(pagesDir);
const bundle = await startStaticServer(distDir, { cors: true });
const browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
const endpoint = `${api.url}/v1`;

/** @type {import('./report.js').Row[]} */
const rows = [];
/** @type {{ ten: any[], session: any, history: any[] }} */
const scenarioResults = { ten: [], session: null, history: [] };
try {
  for (const workload of workloads) {
    // The text does not depend on rate or timeline: read it unthrottled.
    const expected = await fetchExpected(endpoint, MODEL, promptOf({ ...workload, rate: 0, tokens: false }));
    for (const contender of contenders) {
      /** @type {Record<string, unknown>} */
      const figures =
        contender.name === 'vllm-chat' && bundleProblem
          ? { status: 'error', error: bundleProblem }
          : await measureRun({
              browser,
              contender,
              workload,
              expected,
              pagesUrl: pages.url,
              endpoint,
              apiUrl: api.url,
              model: MODEL,
              bundle: bundle.url,
              worker: worker ? `${bundle.url}/${worker}` : undefined,
              assets: {
                grammars: Object.fromEntries(Object.entries(assetFiles.grammars).map(([k, v]) => [k, `${bundle.url}/${v}`])),
                themes: Object.fromEntries(Object.entries(assetFiles.themes).map(([k, v]) => [k, `${bundle.url}/${v}`])),
              },
              trace: traceDir ? join(traceDir, `${workload.name}-${contender.name}.json`) : undefined,
            });
      const row = { workload: workload.name, contender: contender.name, lines: workload.lines, tokens: expected.tokens.length, figures };
      rows.push(row);
      console.log(progressLine(row));
    }
  }
  if (bundleProblem && scenarios.length) throw new Error(`The scenarios need the bundle: ${bundleProblem}`);
  const sctx = { browser, pagesUrl: pages.url, endpoint, apiUrl: api.url, model: MODEL, bundle: bundle.url, quick, ...(traceDir ? { trace: traceDir } : {}) };
  if (scenarios.includes('ten')) {
    for (const contender of /** @type {const} */ (['vllm-chat', 'plain'])) {
      const r = await runTen(sctx, contender);
      scenarioResults.ten.push(r);
      console.log(`ten        ${contender.padEnd(10)} ${r.status} frames p95 ${r.frames.p95.toFixed(1)} ms, write → DOM p95 ${r.latency.p95.toFixed(0)} ms, ${r.longTasks.count} long tasks, ${r.exact}/${r.count} exact`);
    }
  }
  if (scenarios.includes('session')) {
    /** @param {any} x @param {string} name */
    const line = (x, name) =>
      console.log(`session    ${name.padEnd(10)} ${x.done}/${x.replies} done, send → request first ${x.first5.requestMs.map(Math.round).join(',')} last ${x.last5.requestMs.map(Math.round).join(',')} ms, ${Math.round(x.nodesPerKB)} nodes/KB`);
    // `--baseline=DIR`: the same session with a dist/ built from another commit first, under the same load.
    const baselineDir = args.get('baseline');
    const baseline = baselineDir ? await startStaticServer(baselineDir, { cors: true }) : undefined;
    let before;
    try {
      if (baseline) line((before = await runSession({ ...sctx, bundle: baseline.url, trace: undefined })), 'baseline');
    } finally {
      await baseline?.close();
    }
    scenarioResults.session = await runSession(sctx);
    if (before) scenarioResults.session.baseline = before;
    line(scenarioResults.session, 'vllm-chat');
  }
  if (scenarios.includes('history')) {
    // `--baseline=DIR`: a dist/ built from another commit, run first in the same run so the two compare under the same load.
    const baselineDir = args.get('baseline');
    const baseline = baselineDir ? await startStaticServer(baselineDir, { cors: true }) : undefined;
    try {
      if (baseline) {
        const r = { ...(await runHistory({ ...sctx, bundle: baseline.url }, 'vllm-chat')), contender: 'vllm-chat (baseline)' };
        scenarioResults.history.push(r);
        console.log(`history    baseline   ${r.status}${r.open ? ` open ${(r.open.lastMs / 1000).toFixed(2)} / ${(r.open.settledMs / 1000).toFixed(2)} s, ${r.open.longTasks.count} long tasks` : ''}`);
      }
    } finally {
      await baseline?.close();
    }
    for (const name of ['vllm-chat', 'naive', 'classic', 'deep-chat']) {
      const r = await runHistory(sctx, name);
      scenarioResults.history.push(r);
      const o = r.open;
      console.log(`history    ${name.padEnd(10)} ${r.status}${o ? ` open ${(o.lastMs / 1000).toFixed(2)} / ${(o.settledMs / 1000).toFixed(2)} s, ${o.longTasks.count} long tasks, frame p95 ${o.frames.p95.toFixed(0)} ms` : ''}`);
    }
  }
} finally {
  await browser.close().catch(() => {});
  await Promise.all([api.close(), pages.close(), bundle.close()]);
}

/**
 * Time per token at 10,000 lines ÷ at 1,000 lines (`long` vs `scaling-1k`):
 * over the whole run, and from the first code character on screen to the last
 * (without the once-per-reply start: request, worker, grammar).
 * @type {Record<string, { whole: number, streaming: number | null } | null>}
 */
const scaling = {};
for (const c of contenders) {
  const big = rows.find(r => r.contender === c.name && r.workload === 'long');
  const small = rows.find(r => r.contender === c.name && r.workload === 'scaling-1k');
  if (big?.figures.status !== 'done' || small?.figures.status !== 'done') {
    scaling[c.name] = null;
    continue;
  }
  const per = (/** @type {import('./report.js').Row} */ r, /** @type {number} */ from) => (r.figures.ms - from) / r.tokens;
  // Under 50 ms (three frames) from first code to last, the 1,000-line reply
  // appeared at once and a per-token time would divide by rounding noise.
  const smallStreaming = typeof small.figures.firstMs === 'number' ? small.figures.ms - small.figures.firstMs : 0;
  const streaming =
    typeof big.figures.firstMs === 'number' && smallStreaming >= 50
      ? per(big, big.figures.firstMs) / per(small, small.figures.firstMs)
      : null;
  scaling[c.name] = { whole: per(big, 0) / per(small, 0), streaming };
}

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  chromium: browser.version(),
  node: process.version,
};
const date = new Date().toISOString();
const seconds = (Date.now() - started) / 1000;
const header = `${quick ? 'Quick run' : 'Run'} of ${date}: ${machine.cores} cores, ${machine.cpu}, Chromium ${machine.chromium}, Node ${machine.node}; ${Math.round(seconds)} s.`;
mkdirSync(outDir, { recursive: true });
const tableRan = rows.length > 0;
if (tableRan) {
  const table = markdownTables(rows, scaling);
  const summary = blockingSummary(rows);
  const result = { date, quick, machine, seconds, rows, scaling };
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(outDir, 'latest.md'), `${header}\n\n${summary}\n\n${table}\n`);
  console.log(`\n${header}\n\n${summary}\n\n${table}`);
  if (!quick && !args.has('out') && !only && !wanted && !traceDir) updateReadme(header, summary, table);
}
if (scenarios.length) {
  // Each scenario keeps its last figures when the other one runs alone.
  const path = join(outDir, 'scenarios.json');
  /** @type {any} */
  let kept = {};
  try {
    kept = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // first run into this directory
  }
  if (scenarios.includes('ten')) kept.ten = { date, quick, machine, rows: scenarioResults.ten };
  if (scenarios.includes('session')) kept.session = { date, quick, machine, figures: scenarioResults.session };
  if (scenarios.includes('history')) kept.history = { date, quick, machine, rows: scenarioResults.history };
  writeFileSync(path, JSON.stringify(kept, null, 2) + '\n');
  const text = scenariosMarkdown(kept);
  writeFileSync(join(outDir, 'scenarios.md'), `${text}\n`);
  console.log(`\n${text}`);
  if (!quick && !args.has('out') && !traceDir) updateReadmeScenarios(text);
}

/** @param {any} kept */
function scenariosMarkdown(kept) {
  const when = (/** @type {any} */ x) =>
    x ? `${x.quick ? 'Quick run' : 'Run'} of ${x.date}: ${x.machine.cores} cores, ${x.machine.cpu}, Chromium ${x.machine.chromium}.` : '';
  const parts = [];
  if (kept.ten) parts.push(when(kept.ten), '', scenarioTables(kept.ten.rows, null));
  if (kept.session) parts.push(...(parts.length ? [''] : []), when(kept.session), '', scenarioTables([], kept.session.figures));
  if (kept.history) parts.push(...(parts.length ? [''] : []), when(kept.history), '', historyTable(kept.history.rows));
  return parts.join('\n');
}

/** Replaces the scenarios' part of the README's benchmark section. @param {string} text */
function updateReadmeScenarios(text) {
  const path = join(repo, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const open = '<!-- bench:scenarios -->';
  const close = '<!-- /bench:scenarios -->';
  const a = readme.indexOf(open);
  const b = readme.indexOf(close);
  if (a < 0 || b < a) return;
  writeFileSync(path, readme.slice(0, a) + `${open}\n${text}\n` + readme.slice(b));
}

/** @param {import('./report.js').Row} row */
function progressLine(row) {
  const x = row.figures;
  const t = typeof x.ms === 'number' ? `${(x.ms / 1000).toFixed(2)} s` : '';
  return `${row.workload.padEnd(11)} ${row.contender.padEnd(10)} ${String(x.status).padEnd(8)} ${t}${x.error ? ` ${x.error}` : ''}`;
}

/**
 * Replaces the README's benchmark section with this run.
 * @param {string} header @param {string} summary @param {string} table
 */
function updateReadme(header, summary, table) {
  const path = join(repo, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const open = '<!-- section:benchmark -->';
  const close = '<!-- /section:benchmark -->';
  const a = readme.indexOf(open);
  const b = readme.indexOf(close);
  if (a < 0 || b < a) return;
  const intro = readFileSync(join(repo, 'bench', 'README-section.md'), 'utf8').trim();
  const body = `${open}\n${intro.replace('{{header}}', () => header).replace('{{summary}}', () => summary).replace('{{table}}', () => table)}\n${close}`;
  writeFileSync(path, readme.slice(0, a) + body + readme.slice(b + close.length));
}
