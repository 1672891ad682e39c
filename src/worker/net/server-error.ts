/**
 * Failures of a chat request as `ChatError` data, in words a user can act on.
 *
 * docs/api.md: "`error.message` is the server's own message when it sent one
 * (vLLM's `{"error":{"message":…}}`, a string `error`, or a top-level
 * `message`), otherwise a clear sentence of ours; `error.status` is the HTTP
 * status when the failure had one." Nothing here throws: every input, however
 * malformed, gives an error. Our own sentences are in shared/errors.ts.
 */
import { chatError, httpHint, httpMessage } from '../../shared/errors.js';
import { isRecord } from '../../shared/is-record.js';
import type { ChatError } from '../../shared/protocol.js';

/** Longest server message kept: a proxy may answer with a whole page. */
const MAX_MESSAGE = 2_000;

/**
 * The server's own error message in a parsed JSON body, if it has one:
 * vLLM ≥ 0.10, OpenAI, llama.cpp and Ollama's OpenAI layer `{"error":{"message"}}`;
 * vLLM's auth middleware and Ollama's native API `{"error":"…"}`; vLLM < 0.10
 * `{"object":"error","message"}` and other top-level `message`s; FastAPI's
 * `{"detail":"…"}` or `{"detail":[{"msg"}]}`.
 */
export function serverMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const { error } = body;
  if (typeof error === 'string' && error.trim()) return clip(error);
  if (isRecord(error) && typeof error.message === 'string' && error.message.trim()) return clip(error.message);
  if (typeof body.message === 'string' && body.message.trim()) return clip(body.message);
  const { detail } = body;
  if (typeof detail === 'string' && detail.trim()) return clip(detail);
  if (Array.isArray(detail) && isRecord(detail[0]) && typeof detail[0].msg === 'string') return clip(detail[0].msg);
  return undefined;
}

/** Whether a parsed SSE payload is an error event rather than a chunk. */
export function isErrorPayload(body: unknown): boolean {
  return isRecord(body) && ((body.error !== undefined && body.error !== null) || body.object === 'error');
}

/**
 * An HTTP error answer (status ≥ 400, or a 2xx that is not the API) from its
 * body text. `endpoint` is the API base URL, named in our sentences.
 */
export function httpError(status: number, contentType: string, text: string, endpoint: string): ChatError {
  const trimmed = text.trimStart();
  if (/html/i.test(contentType) || /^<(!doctype|html|head|body)\b/i.test(trimmed)) {
    return { ...chatError('htmlPage', { endpoint, status }), status };
  }
  const own = serverMessage(parseJson(text));
  return { code: 'http', status, message: own ?? httpMessage(status, endpoint), hint: httpHint(status, contextLimit(own ?? '')) };
}

/** Reads a failed `Response` whole and describes it. */
export async function responseError(response: Response, endpoint: string): Promise<ChatError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // The body broke too: the status alone still says what happened.
  }
  return httpError(response.status, response.headers.get('content-type') ?? '', text, endpoint);
}

/** An `{"error":…}` event inside a 200 stream (vLLM reports engine failures this way). */
export function streamError(body: unknown): ChatError {
  const own = serverMessage(body);
  const error = chatError('streamFailed', { contextFull: contextLimit(own ?? '') });
  return own === undefined ? error : { ...error, message: own };
}

/**
 * `fetch` itself failed: no answer at all (down, wrong host), or an answer
 * the browser withheld (CORS). `answered`: something answers HTTP there, so
 * CORS is the cause; `withKey`: an api-key was sent, and vLLM refuses a wrong
 * key without CORS headers, so the browser shows a key error as this one.
 */
export function unreachable(endpoint: string, cause: { answered?: boolean; withKey?: boolean } = {}): ChatError {
  if (!cause.answered) return chatError('unreachable', { endpoint });
  return chatError('withheldByCors', { endpoint, withKey: cause.withKey === true });
}

/** The body broke after the reply began. */
export function connectionLost(endpoint: string): ChatError {
  return chatError('connectionLost', { endpoint });
}

/** The body ended cleanly but without `[DONE]` or a `finish_reason`. */
export function unfinished(endpoint: string): ChatError {
  return chatError('unfinished', { endpoint });
}

/** A payload that is not a chat completion chunk (or not JSON at all). */
export function notAChunk(data: string, endpoint: string): ChatError {
  return chatError('notAnAnswer', { endpoint, sample: data.length > 80 ? `${data.slice(0, 80)}…` : data });
}

/** The endpoint attribute cannot be a URL. */
export function badEndpoint(endpoint: string): ChatError {
  return chatError('badEndpoint', { endpoint });
}

/** vLLM, OpenAI and llama.cpp all word a context overflow with one of these. */
function contextLimit(message: string): boolean {
  return /context (length|size|window)|maximum model length|reduce the length|too many tokens/i.test(message);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
}
