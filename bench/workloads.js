// The benchmark's workloads. Most replies are the embedded server's `lines=N
// lang=ts` answer: Chinese prose, one fenced block of N lines of real
// TypeScript read from node_modules (code nobody here wrote), more prose;
// one ~4-character token per SSE event, about 10 tokens a line. `mixed` is
// the server's `answer=mixed` reply instead: every kind of rich content
// (prose in two languages, three code blocks, math, a table, a task list,
// a mermaid diagram) in one answer of about 1,200 tokens.

/**
 * @typedef {object} Workload
 * @property {string} name
 * @property {number} lines  code lines of the reply (0 for a canned `answer`)
 * @property {string} [answer]  the server's canned answer of that id (`answer=ID`) instead of `lines` of code
 * @property {number} rate  tokens per second written by the server; 0 = unthrottled
 * @property {number} limitMs  time limit of one contender on it; past it the run is reported as `timeout`
 * @property {boolean} [keys]  press keys every 100 ms while streaming and time their delay
 * @property {boolean} [tokens]  time each code token from the server's write to the DOM (the server records
 *   its write times, `timeline=1`; the page samples how far the code it shows reaches, see harness.js)
 * @property {boolean} [cold]  the first reply of a page just opened: sent as soon as the contender's UI is
 *   first rendered, with nothing before it (the network floor is measured after the run instead)
 * @property {boolean} [rich]  the reply ends in prose after several blocks: its end is told by the prose
 *   alone, and vllm-chat's math cost per formula and diagram render are measured too
 * @property {number} [diagramWaitMs]  how long after the last token the diagram may take before it counts as absent
 * @property {string} [note]
 */

/**
 * Full runs. `scaling` is `long` (10,000 lines) against `scaling-1k`: the
 * 10,000-line figure is the `long` run itself, measured once.
 * @type {Workload[]}
 */
export const FULL = [
  // 25 lines and the prose around them are about 300 tokens; the exact count is reported.
  { name: 'cold', lines: 25, rate: 200, limitMs: 20_000, tokens: true, cold: true },
  { name: 'long', lines: 10_000, rate: 0, limitMs: 90_000, keys: true, tokens: true },
  { name: 'huge', lines: 40_000, rate: 0, limitMs: 60_000, keys: true, tokens: true },
  // 160 lines is about 2,000 tokens; the exact count is reported.
  { name: 'rate', lines: 160, rate: 200, limitMs: 40_000, tokens: true },
  { name: 'scaling-1k', lines: 1_000, rate: 0, limitMs: 40_000, tokens: true },
  { name: 'mixed', lines: 0, answer: 'mixed', rate: 200, limitMs: 40_000, rich: true, diagramWaitMs: 10_000 },
];

/** `--quick`: the same shapes, small enough for a smoke test of every figure. */
/** @type {Workload[]} */
export const QUICK = [
  // Cold as in a full run, shorter: what it measures is the first reply's start.
  { name: 'cold', lines: 12, rate: 200, limitMs: 10_000, tokens: true, cold: true },
  { name: 'long', lines: 150, rate: 0, limitMs: 10_000, keys: true, tokens: true },
  { name: 'huge', lines: 300, rate: 0, limitMs: 10_000, keys: true, tokens: true },
  { name: 'rate', lines: 12, rate: 400, limitMs: 10_000, tokens: true },
  { name: 'scaling-1k', lines: 15, rate: 0, limitMs: 10_000, tokens: true },
  // The answer's size is fixed: only faster.
  { name: 'mixed', lines: 0, answer: 'mixed', rate: 1_000, limitMs: 10_000, rich: true, diagramWaitMs: 3_000 },
];

/** The prompt of a workload: a Chinese request, as the typical user writes, with the server directive. */
/** @param {Workload} w */
export function promptOf(w) {
  if (w.answer) return `讲讲流式回答的完整流程 [mock answer=${w.answer} rate=${w.rate}${w.tokens ? ' timeline=1' : ''}]`;
  return `写一段很长的 TypeScript 代码 [mock lines=${w.lines} lang=ts rate=${w.rate}${w.tokens ? ' timeline=1' : ''}]`;
}
