// `error=…` directives answered before any byte of the stream.
import {
  vllmError,
  unauthorized,
  modelNotFound,
  flatVllmError,
  openaiError,
  llamacppError,
  ollamaError,
  badGatewayHtml,
} from './error-bodies.js';

/**
 * The error reply that `error=<kind>` asks for before the stream, or null
 * (no error, or a kind that fails mid-stream: `mid`, `cut`).
 * @param {Record<string, string>} directives
 * @param {string} model
 * @returns {import('./error-bodies.js').ErrorReply | null}
 */
export function directiveError(directives, model) {
  switch (directives.error) {
    case '400':
      return vllmError(
        "This model's maximum context length is 32768 tokens. However, you requested 40000 tokens " +
          '(36000 in the messages, 4000 in the completion). Please reduce the length of the messages or completion.',
        'BadRequestError',
        400,
      );
    case '404':
      return modelNotFound(model === 'MyCoder' ? 'MyCoder-XL' : `${model}-XL`);
    case '401':
      return unauthorized();
    case '500':
      return vllmError('The engine encountered an internal error; the request could not be completed.', 'InternalServerError', 500);
    case 'html':
      return badGatewayHtml();
    case 'flat':
      return flatVllmError();
    case 'openai':
      return openaiError();
    case 'llamacpp':
      return llamacppError();
    case 'ollama':
      return ollamaError(model);
    default:
      return null;
  }
}
