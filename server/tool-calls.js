// Tool calling as `vllm serve --enable-auto-tool-choice --tool-call-parser
// hermes` does it: the request's `tools` / `tool_choice` checked as
// ChatCompletionRequest.check_tool_usage checks them, assistant `tool_calls`
// checked as chat_utils reads them, and a reply that calls tools streamed as
// serving_chat.py streams what Hermes2ProToolParser extracts:
//
//   1. delta {"role":"assistant","content":""}
//   2. per call, once its name is known: delta {"tool_calls":[{"id":"chatcmpl-tool-<32 hex>",
//      "type":"function","index":i,"function":{"name":"…"}}]}
//   3. then its arguments, `json.dumps(arguments, ensure_ascii=False)` (Python
//      separators), in fragments: delta {"tool_calls":[{"index":i,"function":{"arguments":"…"}}]}
//   4. the last fragment, which serving_chat sends as the "unstreamed" rest of
//      the call, in the finishing chunk: finish_reason "tool_calls", stop_reason null
//   5. the usage chunk, then [DONE]
import { randomUUID } from 'node:crypto';
import { pyJson, vllmError } from './error-bodies.js';
import { messageText } from './directives.js';
import { tokenize } from './tokenize.js';

/**
 * @typedef {object} PlannedCall
 * @property {string} id @property {string} name @property {string} arguments
 */

/**
 * vLLM's 400 for a request whose tool fields it rejects, or `undefined`.
 * @param {Record<string, unknown>} request
 * @returns {import('./error-bodies.js').ErrorReply | undefined}
 */
export function toolRequestError(request) {
  const { tools, tool_choice: choice } = request;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) return badRequest('tools: Input should be a valid list');
    for (const [i, tool] of tools.entries()) {
      const fn = isObject(tool) ? tool.function : undefined;
      if (!isObject(fn) || typeof fn.name !== 'string') return badRequest(`tools.${i}.function.name: Field required`);
    }
  }
  // check_tool_usage: "none" needs no tools; any other choice does.
  if (choice !== undefined && choice !== null && choice !== 'none') {
    if (!Array.isArray(tools)) return badRequest('When using `tool_choice`, `tools` must be set.');
    if (choice !== 'auto' && choice !== 'required' && !isObject(choice)) {
      return badRequest(`Invalid value for \`tool_choice\`: ${typeof choice === "string" ? choice : JSON.stringify(choice)}! Only named tools, "none", "auto" or "required" are supported.`);
    }
    if (isObject(choice)) {
      const fn = choice.function;
      if (!isObject(fn) || typeof fn.name !== 'string' || fn.name === '') {
        return badRequest('Invalid value for `function` in `tool_choice`! Correct usage: `{"type": "function", "function": {"name": "my_function"}}`');
      }
      if (!toolNames(tools).includes(fn.name)) {
        return badRequest('The tool specified in `tool_choice` does not match any of the specified `tools`');
      }
    }
  }
  const messages = Array.isArray(request.messages) ? request.messages : [];
  for (const [i, message] of messages.entries()) {
    if (!isObject(message) || message.role !== 'assistant' || message.tool_calls == null) continue;
    if (!Array.isArray(message.tool_calls)) return badRequest(`messages.${i}.tool_calls: Input should be a valid list`);
    for (const [j, call] of message.tool_calls.entries()) {
      const fn = isObject(call) ? call.function : undefined;
      if (!isObject(call) || typeof call.id !== 'string' || call.type !== 'function' || !isObject(fn) || typeof fn.name !== 'string' || typeof fn.arguments !== 'string') {
        return badRequest(`messages.${i}.tool_calls.${j}: id, type "function" and function {name, arguments} are required`);
      }
      // chat_utils parses each call's arguments as JSON before templating; a
      // ValueError there is serving_chat's 400 "<error> <cause>".
      if (fn.arguments !== '') {
        try {
          JSON.parse(fn.arguments);
        } catch {
          return badRequest('Expecting value: line 1 column 1 (char 0) None');
        }
      }
    }
  }
  return undefined;
}

/**
 * The calls a `[mock tools=N]` / `[mock tool=name]` reply makes, or
 * `undefined` when the request asks for none (no directive, no tools,
 * `tool_choice: "none"`, or the turn already has the tools' results).
 * @param {Record<string, unknown>} request
 * @param {Record<string, string>} directives
 * @returns {PlannedCall[] | undefined}
 */
export function plannedCalls(request, directives) {
  const tools = Array.isArray(request.tools) ? request.tools.filter(isObject) : [];
  if (tools.length === 0 || request.tool_choice === 'none' || answersTools(request)) return undefined;
  const choice = request.tool_choice;
  const forced = isObject(choice) && isObject(choice.function) ? String(choice.function.name) : undefined;
  const wanted = forced ?? directives.tool ?? (directives.tools !== undefined || choice === 'required' ? '' : undefined);
  if (wanted === undefined) return undefined;
  const tool = tools.find(t => isObject(t.function) && t.function.name === wanted) ?? tools[0];
  const fn = /** @type {Record<string, unknown>} */ (tool?.function);
  const count = Math.min(8, Math.max(1, Math.floor(Number(directives.tools ?? 1)) || 1));
  let args = plausibleArguments(fn.parameters);
  if (directives.args !== undefined) {
    try {
      args = JSON.parse(decodeURIComponent(directives.args));
    } catch {
      // A malformed `args=` keeps the plausible arguments.
    }
  }
  /** @type {PlannedCall[]} */
  const calls = [];
  for (let i = 0; i < count; i++) {
    calls.push({ id: `chatcmpl-tool-${randomUUID().replaceAll('-', '')}`, name: String(fn.name), arguments: pyJsonUnicode(args) });
  }
  return calls;
}

/**
 * The `delta` JSON of each streamed event for `calls` (step 2 and 3 of the
 * header); the finishing chunk is the last one.
 * @param {PlannedCall[]} calls
 */
export function toolCallDeltas(calls) {
  /** @type {string[]} */
  const deltas = [];
  calls.forEach((call, index) => {
    deltas.push(`{"tool_calls":[{"id":${JSON.stringify(call.id)},"type":"function","index":${index},"function":{"name":${JSON.stringify(call.name)}}}]}`);
    for (const piece of argumentPieces(call.arguments)) {
      deltas.push(`{"tool_calls":[{"index":${index},"function":{"arguments":${JSON.stringify(piece)}}}]}`);
    }
  });
  return deltas;
}

/**
 * The text that answers a turn whose last messages are tool results: it
 * quotes each result, so the round trip shows. `undefined` otherwise.
 * @param {Record<string, unknown>} request
 */
export function toolResultsReply(request) {
  if (!answersTools(request)) return undefined;
  const messages = /** @type {unknown[]} */ (request.messages);
  /** @type {Map<string, string>} */
  const names = new Map();
  for (const m of messages) {
    if (!isObject(m) || !Array.isArray(m.tool_calls)) continue;
    for (const call of m.tool_calls) {
      if (isObject(call) && typeof call.id === 'string' && isObject(call.function)) names.set(call.id, String(call.function.name));
    }
  }
  /** @type {string[]} */
  const results = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!isObject(m) || m.role !== 'tool') break;
    const id = typeof m.tool_call_id === 'string' ? m.tool_call_id : '';
    results.unshift(`- \`${names.get(id) ?? 'tool'}\` returned: ${messageText(m.content)}`);
  }
  return `The tool${results.length > 1 ? 's' : ''} answered:\n\n${results.join('\n')}\n\nThat is the result of the call${results.length > 1 ? 's' : ''}.`;
}

/** The request's last message is a tool result: the model now answers with text. @param {Record<string, unknown>} request */
function answersTools(request) {
  const messages = request.messages;
  const last = Array.isArray(messages) ? messages.at(-1) : undefined;
  return isObject(last) && last.role === 'tool';
}

/**
 * Fragments of the arguments as a tokenizer would cut them; the first ends
 * after the first key's opening quote, as the Hermes parser's partial-JSON
 * diff first sends it.
 * @param {string} text
 */
function argumentPieces(text) {
  const head = /^\{"[^"\\]*": "?/.exec(text)?.[0];
  if (!head) return tokenize(text);
  return [head, ...tokenize(text.slice(head.length))];
}

/** Arguments that fit a JSON schema's properties, as a model would make up. @param {unknown} parameters */
function plausibleArguments(parameters) {
  const properties = isObject(parameters) && isObject(parameters.properties) ? parameters.properties : {};
  /** @type {Record<string, unknown>} */
  const args = {};
  for (const [name, schema] of Object.entries(properties)) {
    const type = isObject(schema) ? schema.type : undefined;
    if (type === 'number' || type === 'integer') args[name] = 42;
    else if (type === 'boolean') args[name] = true;
    else if (/expr|formula|calc/i.test(name)) args[name] = '6 * 7';
    else if (/zone/i.test(name)) args[name] = 'Europe/Paris';
    else if (/city|location|place/i.test(name)) args[name] = 'Paris';
    else args[name] = 'example';
  }
  return args;
}

/** `json.dumps(value, ensure_ascii=False)`: Python separators, non-ASCII kept. @param {unknown} value */
function pyJsonUnicode(value) {
  // An escape is one preceded by an even number of backslashes (`\\u…` is a backslash, then `u`).
  return pyJson(value).replace(/(?<!\\)((?:\\\\)*)\\u([0-9a-f]{4})/g, (all, slashes, hex) => {
    const c = parseInt(hex, 16);
    // Surrogates and control characters stay escaped, as Python writes them.
    return c < 0x20 || (c >= 0xd800 && c <= 0xdfff) ? all : slashes + String.fromCharCode(c);
  });
}

/** @param {unknown} tools */
function toolNames(tools) {
  return Array.isArray(tools) ? tools.map(t => (isObject(t) && isObject(t.function) ? t.function.name : undefined)) : [];
}

/** @param {string} message */
function badRequest(message) {
  return vllmError(message, 'BadRequestError', 400);
}

/** @param {unknown} value @returns {value is Record<string, any>} */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
