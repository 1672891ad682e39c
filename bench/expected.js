// The reply a workload will stream, read once from the server over HTTP as
// any client sees it: its text, its tokens, where its code block lies, and
// the tails that tell the in-page probe the last token is visible.

/**
 * @typedef {object} Expected
 * @property {string} content  the reply text
 * @property {string[]} tokens  one item per SSE content delta
 * @property {string} code  the text of the fenced block
 * @property {number} codeStart  offset of the code in `content`
 * @property {string} codeTail  last non-whitespace characters of the code
 * @property {string} rawTail  last non-whitespace characters of the reply text
 * @property {string} proseTail  last non-whitespace characters of the rendered prose after the code
 * @property {number} bytes  size of the SSE stream
 */

const squash = (/** @type {string} */ s) => s.replace(/\s+/g, '');

/**
 * @param {string} endpoint  e.g. http://127.0.0.1:1234/v1
 * @param {string} model
 * @param {string} prompt
 * @returns {Promise<Expected>}
 */
export async function fetchExpected(endpoint, model, prompt) {
  const response = await fetch(`${endpoint}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(requestBody(model, prompt)),
  });
  if (!response.ok) throw new Error(`The server answered HTTP ${response.status} to the workload prompt.`);
  const sse = await response.text();
  /** @type {string[]} */
  const tokens = [];
  for (const event of sse.split('\n\n')) {
    const data = event.startsWith('data: ') ? event.slice(6) : '';
    if (!data || data === '[DONE]') continue;
    const delta = JSON.parse(data).choices?.[0]?.delta?.content;
    if (typeof delta === 'string' && delta !== '') tokens.push(delta);
  }
  const content = tokens.join('');
  const open = /```[^\n]*\n/.exec(content);
  if (!open) throw new Error('The workload reply has no fenced code block.');
  const codeStart = open.index + open[0].length;
  const close = content.indexOf('\n```', codeStart);
  const codeEnd = close < 0 ? content.length : close;
  const code = content.slice(codeStart, codeEnd);
  const after = close < 0 ? '' : content.slice(content.indexOf('\n', close + 1) + 1);
  return {
    content,
    tokens,
    code,
    codeStart,
    codeTail: squash(code).slice(-40),
    rawTail: squash(content).slice(-40),
    // The prose here is plain text: no markdown marks to strip.
    proseTail: squash(after.replace(/[*_`#>]/g, '')).slice(-24),
    bytes: Buffer.byteLength(sse),
  };
}

/**
 * The body every contender sends, give or take its own extra fields.
 * @param {string} model @param {string} prompt
 */
export function requestBody(model, prompt) {
  return { model, stream: true, messages: [{ role: 'user', content: prompt }] };
}

/**
 * What the page's cheap display-lag probe needs (bench/pages/harness.js): the
 * text the contender's code element shows, whitespace removed, and for each
 * token wholly inside the code its index and its end in that squashed text.
 * @param {Expected} e @param {'code' | 'raw'} model
 * @returns {{ text: string, index: number[], ends: number[] }}
 */
export function codeTokenMarks(e, model) {
  /** @type {number[]} */
  const index = [];
  /** @type {number[]} */
  const ends = [];
  let offset = 0;
  // Squashed length of the shown text up to `offset` (the raw reply, or the code alone).
  let squashed = 0;
  e.tokens.forEach((token, i) => {
    const start = offset;
    offset += token.length;
    const codeEnd = e.codeStart + e.code.length;
    const inCode = start >= e.codeStart && offset <= codeEnd;
    // A token across the fence's edge counts with its code part only.
    const shown = model === 'raw' ? token : token.slice(Math.max(0, e.codeStart - start), Math.max(0, codeEnd - start));
    squashed += squash(shown).length;
    if (inCode) {
      index.push(i);
      ends.push(squashed);
    }
  });
  return { text: squash(model === 'raw' ? e.content : e.code), index, ends };
}
