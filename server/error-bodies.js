// Error responses exactly as the servers we stand in for send them. Each
// returns { status, headers, body } so a test can ask for any of them.

/**
 * @typedef {object} ErrorReply
 * @property {number} status
 * @property {string} contentType
 * @property {string} body
 */

/**
 * vLLM's `ErrorResponse` (`{"error": ErrorInfo}`), serialized by Starlette's
 * JSONResponse (compact separators).
 * @param {string} message @param {string} type @param {number} code
 * @returns {ErrorReply}
 */
export function vllmError(message, type, code) {
  return json(code, { error: { message, type, param: null, code } });
}

/**
 * The body of vLLM's in-stream error event, `data: {…}`: Python's
 * `json.dumps(ErrorResponse(...).model_dump())`, whose default separators put
 * a space after `,` and `:`.
 * @param {string} message @param {string} type @param {number} code
 */
export function vllmStreamError(message, type, code) {
  return pyJson({ error: { message, type, param: null, code } });
}

/** vLLM's AuthenticationMiddleware answer to a missing or wrong key. */
export function unauthorized() {
  return json(401, { error: 'Unauthorized' });
}

/** @param {string} model */
export function modelNotFound(model) {
  return vllmError(`The model \`${model}\` does not exist.`, 'NotFoundError', 404);
}

/**
 * vLLM's context-length check (serving_engine `_validate_input`).
 * @param {number} maxModelLen @param {number} promptTokens @param {number} maxTokens
 */
export function contextTooLong(maxModelLen, promptTokens, maxTokens) {
  return vllmError(
    `This model's maximum context length is ${maxModelLen} tokens. However, you requested ` +
      `${maxTokens + promptTokens} tokens (${promptTokens} in the messages, ${maxTokens} in the completion). ` +
      'Please reduce the length of the messages or completion.',
    'BadRequestError',
    400,
  );
}

/** The error shape of vLLM before 0.10 (flat, with `object: "error"`). */
export function flatVllmError() {
  return json(400, {
    object: 'error',
    message: "This model's maximum context length is 32768 tokens. Please reduce the length of the messages.",
    type: 'BadRequestError',
    param: null,
    code: 400,
  });
}

/** OpenAI's API: pretty-printed, string `code`. */
export function openaiError() {
  return {
    status: 400,
    contentType: 'application/json',
    body:
      JSON.stringify(
        {
          error: {
            message:
              "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. Please reduce the length of the messages.",
            type: 'invalid_request_error',
            param: 'messages',
            code: 'context_length_exceeded',
          },
        },
        null,
        4,
      ) + '\n',
  };
}

/**
 * llama.cpp server: `{"error": format_error_response(...)}` (tools/server),
 * an ordered JSON with code, message, type, then the context numbers.
 */
export function llamacppError() {
  return json(400, {
    error: {
      code: 400,
      message: 'request (40000 tokens) exceeds the available context size (32768 tokens), try increasing it',
      type: 'exceed_context_size_error',
      n_prompt_tokens: 40000,
      n_ctx: 32768,
    },
  });
}

/** @param {string} model */
export function ollamaError(model) {
  return json(404, { error: `model "${model}" not found, try pulling it first` });
}

/** What nginx sends when the upstream is down: an HTML page, CRLF lines. */
export function badGatewayHtml() {
  return {
    status: 502,
    contentType: 'text/html',
    body:
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
      '<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n',
  };
}

/**
 * @param {number} status @param {unknown} value
 * @returns {ErrorReply}
 */
export function json(status, value) {
  return { status, contentType: 'application/json', body: JSON.stringify(value) };
}

/**
 * JSON with Python's `json.dumps` default separators (`, ` and `: `) and
 * `ensure_ascii=True` (non-ASCII as `\uXXXX`).
 * @param {unknown} value
 * @returns {string}
 */
export function pyJson(value) {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, c => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  }
  if (Array.isArray(value)) return '[' + value.map(pyJson).join(', ') + ']';
  return '{' + Object.entries(value).map(([k, v]) => `${pyJson(k)}: ${pyJson(v)}`).join(', ') + '}';
}
