// Turns benchmark results into the markdown tables of bench/results/latest.md
// and of the README's benchmark section.

/** @typedef {{ workload: string, contender: string, tokens: number, lines: number, figures: Record<string, any> }} Row */

const f1 = (/** @type {unknown} */ v, digits = 1) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '–');
const f0 = (/** @type {unknown} */ v) => f1(v, 0);
const s = (/** @type {unknown} */ ms) => (typeof ms === 'number' ? f1(ms / 1000, 2) : '–');

/** @param {Row} row */
function time(row) {
  const { figures } = row;
  if (figures.status === 'done') return s(figures.ms);
  if (figures.status === 'timeout')
    return `timeout > ${s(figures.ms)} (${f0((figures.progress ?? 0) * 100)} % shown${figures.unresponsive ? ', page frozen' : ''})`;
  return `${figures.status}: ${figures.error ?? ''}`.trim();
}

/** @param {Row} row */
function ratio(row, /** @type {unknown} */ floor) {
  const ms = row.figures.ms;
  return row.figures.status === 'done' && typeof floor === 'number' && floor > 0 ? `${f1(ms / floor)}×` : '–';
}

/**
 * Send → the first frame whose code is all coloured (see harness.js): the same
 * as the last token for a contender that colours as it shows.
 * @param {Row} row
 */
function colourCell(row) {
  const c = row.figures.colour;
  if (row.figures.status !== 'done' || !c) return '–';
  if (c.kind === 'none') return 'no colour';
  if (typeof c.ms !== 'number') return 'not all coloured in time';
  return s(c.ms);
}

/** `p50 / p95` (and `/ max`) of a latency figure, or `–`. @param {{ count: number, of: number, p50: number, p95: number, max: number } | null | undefined} lat @param {boolean} [max] */
function latencyCell(lat, max = false) {
  if (!lat || !lat.count) return '–';
  // Some tokens never shown (a timeout): say how many the figure covers.
  const part = lat.count < lat.of ? ` (${lat.count.toLocaleString('en')} of ${lat.of.toLocaleString('en')} tokens)` : '';
  return `${f0(lat.p50)} / ${f0(lat.p95)}${max ? ` / ${f0(lat.max)}` : ''}${part}`;
}

/** @param {{ count: number, sent: number, p95: number, max: number } | undefined} keys */
function keysCell(keys) {
  if (!keys) return '–';
  // A press whose frame never came before the run ended has no delay to show: say so.
  if (keys.count === 0) return `none of ${keys.sent} presses got a frame`;
  return `${f0(keys.p95)} / ${f0(keys.max)} (${keys.count} of ${keys.sent} presses got a frame)`;
}

/**
 * @param {Row[]} rows
 * @param {Record<string, { whole: number, streaming: number | null } | null>} scaling  per contender: time per token at 10,000 lines ÷ at 1,000
 */
export function markdownTables(rows, scaling) {
  const out = [];
  out.push(
    '| workload | contender | send → last token visible (s) | send → last token coloured (s) | first code visible (s) | server write → token in DOM, p50 / p95 (ms) | tokens/s | network floor (s) | ÷ network | one-shot render (s) | ÷ render | long tasks | longest (ms) | blocking (ms) | frame p50 / p95 / max (ms) | frames > 50 ms | key press → next frame, p95 / max (ms) | heap: page + workers (MB) | DOM nodes |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const row of rows) {
    const x = row.figures;
    const fr = x.frames;
    // A page frozen at the limit: its block outlasted the run, the figures are lower bounds.
    const ge = x.unresponsive ? '≥ ' : '';
    out.push(
      `| ${row.workload} (${row.lines ? `${row.lines.toLocaleString('en')} lines` : 'rich answer'}, ${row.tokens.toLocaleString('en')} tokens) | ${row.contender} | ${time(row)} | ${colourCell(row)} | ${s(x.firstMs)} | ${latencyCell(x.latency)} | ${f0(x.tokensPerSec)} | ${s(x.networkMs)} | ${ratio(row, x.networkMs)} | ${s(x.renderMs)} | ${ratio(row, x.renderMs)} | ${ge}${x.longTasks?.count ?? '–'} | ${ge}${f0(x.longTasks?.longestMs)} | ${ge}${f0(x.longTasks?.blockingMs)} | ${fr ? `${f0(fr.p50)} / ${f0(fr.p95)} / ${ge}${f0(fr.max)}` : '–'} | ${ge}${fr?.over50 ?? '–'} | ${keysCell(x.keys)} | ${f1(x.heapMB)} + ${f1(x.workerHeapMB)} | ${x.domNodes?.toLocaleString('en') ?? '–'} |`,
    );
  }
  // Per contender, from the rows of the workloads these figures come from (`–`: not in this run).
  const contenders = [...new Set(rows.map(r => r.contender))];
  const of = (/** @type {string} */ name, /** @type {string} */ workload) => rows.find(r => r.contender === name && r.workload === workload);
  const has = (/** @type {string} */ workload) => rows.some(r => r.workload === workload);
  if (['cold', 'rate', 'long', 'huge', 'scaling-1k'].some(has)) {
    out.push(
      '',
      '| contender | cold: first reply of a new page, server write → token in DOM, p50 / p95 / max (ms) | at 200 tokens/s, p50 / p95 / max (ms) | `long`, p50 / p95 (ms) | `huge`, p50 / p95 (ms) | time per token, 10,000 ÷ 1,000 lines: whole run / after the first code |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const name of contenders) {
      const lat = (/** @type {string} */ w, max = false) => latencyCell(of(name, w)?.figures.latency, max);
      const sc = scaling[name];
      const scalingCell = !has('long') || !has('scaling-1k') ? '–' : sc ? `${f1(sc.whole, 2)}× / ${sc.streaming === null ? 'all at once at 1,000' : `${f1(sc.streaming, 2)}×`}` : 'timeout';
      out.push(`| ${name} | ${lat('cold', true)} | ${lat('rate', true)} | ${lat('long')} | ${lat('huge')} | ${scalingCell} |`);
    }
  }
  // Time to the first render: every run opens a fresh page; the `cold` run's is the figure (its page does nothing else first).
  const loads = contenders.map(name => ({ name, first: (of(name, 'cold') ?? rows.find(r => r.contender === name && r.figures.firstRender))?.figures.firstRender }));
  if (loads.some(l => l.first)) {
    out.push(
      '',
      '| contender | navigation → first render of the chat UI (ms) | bytes loaded before it (KB) | resources | after `huge`: DOM nodes | after `huge`: heap, page + workers (MB) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const { name, first } of loads) {
      const huge = of(name, 'huge')?.figures;
      // A run that did not finish is labelled; one whose page stayed frozen could not be asked.
      const label = huge && huge.status !== 'done' ? `${huge.status}${huge.unresponsive ? ', page frozen' : ''}` : '';
      const nodes = typeof huge?.domNodes === 'number' ? huge.domNodes.toLocaleString('en') : '';
      const heap = typeof huge?.heapMB === 'number' ? `${f1(huge.heapMB)} + ${f1(huge.workerHeapMB)}` : '';
      const cell = (/** @type {string} */ v) => (v ? (label ? `${label}: ${v}` : v) : label || '–');
      const endState = huge ? `${cell(nodes)} | ${cell(heap)}` : '– | –';
      out.push(`| ${name} | ${f0(first?.ms)} | ${first ? f1(first.bytes / 1024) : '–'} | ${first?.resources ?? '–'} | ${endState} |`);
    }
  }
  const rich = rows.filter(r => r.figures.math !== undefined || r.figures.diagram !== undefined);
  if (rich.length) {
    out.push(
      '',
      '| rich answer | contender | math: worker time per formula (ms) | formulas | one-shot render with / without math (ms) | diagram: last token → diagram on screen (ms) | long tasks meanwhile: count / longest (ms) |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const row of rich) {
      const m = row.figures.math;
      out.push(`| ${row.workload} | ${row.contender} | ${f1(m?.perFormulaMs, 2)} | ${m?.formulas ?? '–'} | ${m ? `${f0(m.withMs)} / ${f0(m.withoutMs)}` : '–'} | ${diagramCells(row.figures.diagram)} |`);
    }
  }
  return out.join('\n');
}

/**
 * The diagram's two cells: `n/a` when no diagram part appeared in time (no
 * renderer, or it failed), "before the last token" when it was already there.
 * @param {{ status: string, ms?: number, longTasks?: { count: number, longestMs: number } } | null | undefined} d
 */
function diagramCells(d) {
  if (!d || d.status !== 'done') return 'n/a | n/a';
  const when = (d.ms ?? 0) <= 0 ? `${f0(d.ms)} (before the last token)` : f0(d.ms);
  return `${when} | ${d.longTasks?.count ?? '–'} / ${f0(d.longTasks?.longestMs)}`;
}

/**
 * One sentence per contender on how long it blocked the main thread on the
 * unthrottled long replies, from the figures themselves.
 * @param {Row[]} rows
 */
export function blockingSummary(rows) {
  const sec = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;
  const out = [];
  for (const name of [...new Set(rows.map(r => r.contender))]) {
    const parts = [];
    for (const workload of ['long', 'huge']) {
      const row = rows.find(r => r.contender === name && r.workload === workload);
      if (!row) continue;
      const x = row.figures;
      const lt = x.longTasks;
      const label = `\`${workload}\` (${row.lines.toLocaleString('en')} lines)`;
      if (x.status === 'error' || !lt) {
        parts.push(`${label}: ${x.status === 'timeout' ? `not finished after ${sec(x.ms)}, nothing measurable` : `error (${x.error ?? 'unknown'})`}`);
        continue;
      }
      const blocked = x.unresponsive
        ? `no frame after ${sec(x.lastFrameMs)}: the page was still frozen ${sec(x.lastFrameMs + x.frozenMs)} after send, when it was closed`
        : lt.count === 0
          ? 'no long task'
          : `main thread blocked ${sec(lt.blockingMs)} beyond 50 ms per task, longest task ${sec(lt.longestMs)}`;
      const end = x.status === 'done' ? `done in ${sec(x.ms)}` : `not finished after ${sec(x.ms)} (${Math.round((x.progress ?? 0) * 100)} % shown)`;
      parts.push(`${label}: ${end}, ${blocked}`);
    }
    if (parts.length) out.push(`- **${name}**: ${parts.join('; ')}.`);
  }
  return out.join('\n');
}
