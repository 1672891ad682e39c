/**
 * `GET {endpoint}/models`: the ids the server serves. The element offers them
 * in its model picker, and its first id is the model of a request that names
 * none (docs/api.md: "empty: the first id from `GET {endpoint}/models`").
 */
import type { ModelList } from '../../shared/protocol.js';
import { apiFetch } from './api-fetch.js';
import { notAChunk, responseError } from './server-error.js';

/** Lists the models; never rejects unless `signal` aborts. */
export async function listModels(endpoint: string, apiKey: string, signal?: AbortSignal): Promise<ModelList> {
  const response = await apiFetch(endpoint, 'models', apiKey, signal ? { method: 'GET', signal } : { method: 'GET' });
  if (!(response instanceof Response)) return { ok: false, error: response };
  if (!response.ok || /html/i.test(response.headers.get('content-type') ?? '')) {
    return { ok: false, error: await responseError(response, endpoint) };
  }
  let text = '';
  try {
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw error;
  }
  const models = modelIds(text);
  if (!models) return { ok: false, error: notAChunk(text, endpoint) };
  return { ok: true, models };
}

/**
 * Ids of an OpenAI model list `{"data":[{"id"}]}`, or of Ollama's native
 * `{"models":[{"name"}]}` when the endpoint points there; undefined when the
 * text is neither.
 */
function modelIds(text: string): string[] | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { data, models } = body as { data?: unknown; models?: unknown };
  const list = Array.isArray(data) ? data : Array.isArray(models) ? models : undefined;
  if (!list) return undefined;
  const ids: string[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, name } = item as { id?: unknown; name?: unknown };
    if (typeof id === 'string') ids.push(id);
    else if (typeof name === 'string') ids.push(name);
  }
  return ids;
}
