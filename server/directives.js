// Test directives: `[mock key=value key=value …]` anywhere in the last user
// message steers the reply (see README.md). The bracket is removed from the
// text the server "understands".

/** `[mock]` or `[mock k=v …]`; values hold no whitespace and no `]`. */
const DIRECTIVE = /\[mock((?:\s+[A-Za-z_][\w-]*=[^\s\]]*)*)\s*\]/;

/**
 * @typedef {object} Directives
 * @property {Record<string, string>} values  raw `key=value` pairs
 * @property {string} text  the message without the directive
 */

/**
 * Finds the first directive in `text`.
 * @param {string} text
 * @returns {Directives}
 */
export function parseDirectives(text) {
  const match = DIRECTIVE.exec(text);
  if (!match) return { values: {}, text };
  /** @type {Record<string, string>} */
  const values = {};
  for (const pair of (match[1] ?? '').trim().split(/\s+/)) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    values[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { values, text: text.slice(0, match.index) + text.slice(match.index + match[0].length) };
}

/**
 * A non-negative number directive, or `fallback` when absent or not a number.
 * @param {Record<string, string>} values @param {string} key @param {number} fallback
 */
export function numberDirective(values, key, fallback) {
  const raw = values[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

/**
 * The text of a chat message's `content`: a string, or the `text` parts of an
 * OpenAI content-part array.
 * @param {unknown} content
 * @returns {string}
 */
export function messageText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map(part =>
      part && typeof part === 'object' && 'text' in part && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}
