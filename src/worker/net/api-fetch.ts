/**
 * One request to the OpenAI-compatible API: URL joining, the API key, and a
 * failure to connect turned into data. Shared by the model list and the
 * completion stream so both send the key the same way (docs/api.md: "`api-key`
 * goes on every request to the endpoint, `GET /models` included").
 */
import type { ChatError } from '../../shared/protocol.js';
import { badEndpoint, unreachable } from './server-error.js';

/** `{endpoint}/{path}` with exactly one slash between them. */
export function apiUrl(endpoint: string, path: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${path}`;
}

/**
 * Sends the request; resolves with the `Response` (any status) or with the
 * `ChatError` of a request that got no answer. Rejects only when `signal`
 * aborted it, with the abort reason, so callers tell a stop from a failure.
 */
export async function apiFetch(
  endpoint: string,
  path: string,
  apiKey: string,
  init: { method: 'GET' | 'POST'; body?: string | Blob; signal?: AbortSignal },
): Promise<Response | ChatError> {
  let url: URL;
  try {
    url = new URL(apiUrl(endpoint, path), self.location.href);
  } catch {
    return badEndpoint(endpoint);
  }
  const headers: Record<string, string> = { Accept: init.body === undefined ? 'application/json' : 'text/event-stream' };
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
  try {
    return await fetch(url, { method: init.method, headers, body: init.body ?? null, signal: init.signal ?? null });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    // Fetch rejects with a bare TypeError for every transport failure (refused,
    // DNS, CORS, mixed content) and by design does not say which one.
    return unreachable(endpoint, { answered: await answers(url, init.signal), withKey: apiKey !== '' });
  }
}

/**
 * Whether anything answers HTTP at `url`: a `no-cors` request resolves with
 * an opaque response whatever the CORS headers (Fetch, "opaque filtered
 * response"), and rejects only when there was no answer at all. This tells
 * "server down" from "answer blocked by CORS", e.g. vLLM's 401 for a wrong
 * key, which its auth middleware sends without CORS headers.
 */
async function answers(url: URL, signal?: AbortSignal): Promise<boolean> {
  try {
    await fetch(url, { mode: 'no-cors', method: 'GET', signal: signal ?? null });
    return true;
  } catch {
    return false;
  }
}
