/**
 * Failures of a chat request as `ChatError` data, in words a user can act on.
 *
 * API.md: "`error.message` is the server's own message when it sent one
 * (vLLM's `{"error":{"message":…}}`, a string `error`, or a top-level
 * `message`), otherwise a clear sentence of ours; `error.status` is the HTTP
 * status when the failure had one." Nothing here throws: every input, however
 * malformed, gives an error.
 */
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
    return {
      code: 'http',
      status,
      message: `The server at ${endpoint} answered with an HTML page (HTTP ${status}), not the API: check the endpoint and any proxy in front of the server.`,
      hint: 'Check the endpoint attribute (it usually ends in /v1) and the proxy in front of the server.',
    };
  }
  const own = serverMessage(parseJson(text));
  return { code: 'http', status, message: own ?? ourSentence(status, endpoint), hint: hintFor(status, own ?? '') };
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
  return {
    code: 'stream',
    message: own ?? 'The server reported an error in the middle of the reply.',
    hint: 'The reply so far is kept. ' + (contextLimit(own ?? '') ? SHORTEN : 'Check the server’s log.'),
  };
}

/**
 * `fetch` itself failed: no answer at all (down, wrong host), or an answer
 * the browser withheld (CORS). `answered`: something answers HTTP there, so
 * CORS is the cause; `withKey`: an api-key was sent, and vLLM refuses a wrong
 * key without CORS headers, so the browser shows a key error as this one.
 */
export function unreachable(endpoint: string, cause: { answered?: boolean; withKey?: boolean } = {}): ChatError {
  const message = `Cannot reach ${endpoint}: is the server running and does it allow this origin (CORS)?`;
  if (!cause.answered) {
    return { code: 'network', message, hint: 'Check the endpoint attribute and that the server is running.' };
  }
  return {
    code: 'network',
    message,
    hint:
      'The server answered but the browser withheld the answer (CORS): allow this page’s origin on the server (vLLM: --allowed-origins)' +
      (cause.withKey ? ', and check the api-key attribute (vLLM refuses a wrong key without CORS headers).' : '.'),
  };
}

/** The body broke after the reply began. */
export function connectionLost(endpoint: string): ChatError {
  return {
    code: 'network',
    message: `The connection to ${endpoint} was lost during the reply; what arrived is kept.`,
    hint: 'Check the server and the network, then send again.',
  };
}

/** The body ended cleanly but without `[DONE]` or a `finish_reason`. */
export function unfinished(endpoint: string): ChatError {
  return {
    code: 'protocol',
    message: `The server at ${endpoint} ended the reply before finishing it (no finish_reason and no [DONE]); what arrived is kept.`,
    hint: 'Check the server’s log, or a proxy that may cut long responses.',
  };
}

/** A payload that is not a chat completion chunk (or not JSON at all). */
export function notAChunk(data: string, endpoint: string): ChatError {
  const sample = data.length > 80 ? `${data.slice(0, 80)}…` : data;
  return {
    code: 'protocol',
    message: `The server at ${endpoint} sent something that is not an OpenAI-compatible answer: ${JSON.stringify(sample)}. What arrived before it is kept.`,
    hint: 'Check that the endpoint is an OpenAI-compatible API (…/v1).',
  };
}

/** The endpoint attribute cannot be a URL. */
export function badEndpoint(endpoint: string): ChatError {
  return {
    code: 'protocol',
    message: `The endpoint ${JSON.stringify(endpoint)} is not a valid URL.`,
    hint: 'Set the endpoint attribute to the API base, e.g. http://gpu-box:8000/v1.',
  };
}

const SHORTEN = 'Shorten the conversation (clear it) or lower max-tokens.';

function ourSentence(status: number, endpoint: string): string {
  if (status === 401 || status === 403) return `The server rejected the API key (HTTP ${status}).`;
  if (status === 404) return `Not found at ${endpoint} (HTTP 404): wrong endpoint or model name.`;
  if (status === 429) return 'The server is busy or rate-limited (HTTP 429).';
  if (status >= 500) return `The server failed (HTTP ${status}).`;
  return `The server refused the request (HTTP ${status}).`;
}

function hintFor(status: number, message: string): string {
  if (status === 401 || status === 403) return 'Check the api-key attribute.';
  if (status === 404) return 'Check the endpoint attribute (it usually ends in /v1) and the model name.';
  if (contextLimit(message)) return SHORTEN;
  if (status === 429) return 'Wait a moment and send again.';
  if (status >= 500) return 'Check the server’s log.';
  if (status >= 400) return 'Check the request settings: model, temperature, max-tokens.';
  return 'Check the endpoint attribute (it usually ends in /v1).';
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
