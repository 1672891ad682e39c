// Message `content` as vLLM's ChatCompletionRequest validates it
// (vllm/entrypoints/openai/protocol.py, the OpenAI SDK's message TypedDicts):
// a string, or a list of parts, here `{type:'text', text}` and
// `{type:'image_url', image_url:{url}}`. A request that breaks that shape
// is a pydantic RequestValidationError, which vLLM's
// `validation_exception_handler` (entrypoints/serve/utils/server_utils.py)
// answers with 400 and an ErrorResponse whose message lists the errors as
// Python reprs of pydantic's error dicts and whose `param` is the error's
// location joined with dots.
//
// Difference from vLLM, on purpose: pydantic reports one error per branch of
// the message union (system, user, assistant, tool, developer… messages) for
// one bad part; this server reports the one error of the branch the message's
// role names, with the same type, location, msg and input.
import { json } from './error-bodies.js';

const PART_TYPES = ['text', 'image_url'];

/**
 * The first thing wrong with the messages' content parts, as vLLM's 400, or null.
 * @param {unknown[]} messages
 * @returns {import('./error-bodies.js').ErrorReply | null}
 */
export function contentPartsError(messages) {
  for (const [i, message] of messages.entries()) {
    if (!message || typeof message !== 'object') continue;
    const { role, content } = /** @type {Record<string, unknown>} */ (message);
    if (content === undefined || content === null || typeof content === 'string') continue;
    const at = ['body', 'messages', i, typeof role === 'string' ? role : 'user', 'content'];
    if (!Array.isArray(content)) {
      return validationError({ type: 'list_type', loc: at, msg: 'Input should be a valid list', input: content });
    }
    for (const [j, part] of content.entries()) {
      const loc = [...at, j];
      if (!part || typeof part !== 'object' || Array.isArray(part)) {
        return validationError({ type: 'dict_type', loc, msg: 'Input should be a valid dictionary', input: part });
      }
      const p = /** @type {Record<string, unknown>} */ (part);
      if (!PART_TYPES.includes(/** @type {string} */ (p.type))) {
        return validationError({
          type: p.type === undefined ? 'missing' : 'literal_error',
          loc: [...loc, 'type'],
          msg: p.type === undefined ? 'Field required' : "Input should be 'text' or 'image_url'",
          input: p.type === undefined ? part : p.type,
          ...(p.type === undefined ? {} : { ctx: { expected: "'text' or 'image_url'" } }),
        });
      }
      if (p.type === 'text' && typeof p.text !== 'string') {
        return validationError(fieldError([...loc, 'text'], p.text, part, 'string_type', 'Input should be a valid string'));
      }
      if (p.type === 'image_url') {
        const image = p.image_url;
        if (!image || typeof image !== 'object' || Array.isArray(image)) {
          return validationError(fieldError([...loc, 'image_url'], image, part, 'dict_type', 'Input should be a valid dictionary'));
        }
        const url = /** @type {Record<string, unknown>} */ (image).url;
        if (typeof url !== 'string') {
          return validationError(fieldError([...loc, 'image_url', 'url'], url, image, 'string_type', 'Input should be a valid string'));
        }
      }
    }
  }
  return null;
}

/**
 * `missing` when the field is absent, else a type error of `type`.
 * @param {(string|number)[]} loc @param {unknown} value @param {unknown} parent @param {string} type @param {string} msg
 */
function fieldError(loc, value, parent, type, msg) {
  return value === undefined ? { type: 'missing', loc, msg: 'Field required', input: parent } : { type, loc, msg, input: value };
}

/**
 * vLLM's 400 for one pydantic error.
 * @param {{ type: string, loc: (string|number)[], msg: string, input: unknown, ctx?: Record<string, unknown> }} error
 */
export function validationError(error) {
  const message = `1 validation error:\n  ${pyRepr(error)}`;
  return json(400, { error: { message, type: 'Bad Request', param: error.loc.join('.'), code: 400 } });
}

/**
 * Python's `repr` of a JSON-like value (dicts, tuples for `loc`, strings in
 * single quotes unless they hold one and no double quote).
 * @param {unknown} value @returns {string}
 */
export function pyRepr(value, asTuple = false) {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const body = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    return quote + (quote === "'" ? body.replace(/'/g, "\\'") : body) + quote;
  }
  if (Array.isArray(value)) {
    const items = value.map(v => pyRepr(v));
    return asTuple ? `(${items.join(', ')}${items.length === 1 ? ',' : ''})` : `[${items.join(', ')}]`;
  }
  return `{${Object.entries(/** @type {object} */ (value))
    .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v, k === 'loc')}`)
    .join(', ')}}`;
}

/**
 * What the `describe=1` directive answers: for each content part of the last
 * user message, the text's length or the image's MIME type and decoded size.
 * @param {unknown} content
 * @returns {string}
 */
export function describeContent(content) {
  if (typeof content === 'string') return `The message is a string of ${[...content].length} characters.`;
  if (!Array.isArray(content)) return 'The message has no content.';
  const lines = content.map((part, i) => {
    if (part.type === 'text') return `- part ${i + 1}: text, ${[...part.text].length} characters`;
    const url = String(part.image_url.url);
    const match = /^data:([^;,]*)((?:;[^,]*)?),(.*)$/s.exec(url);
    if (!match) return `- part ${i + 1}: image at a URL, not inline data`;
    const [, mime, params, data] = match;
    const bytes = /;base64$/.test(params ?? '') ? Buffer.from(data ?? '', 'base64').length : Buffer.from(decodeURIComponent(data ?? '')).length;
    return `- part ${i + 1}: image, ${mime || 'no type'}, ${bytes} bytes`;
  });
  return `The message has ${content.length} parts:\n\n${lines.join('\n')}`;
}
