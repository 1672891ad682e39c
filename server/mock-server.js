// An embedded server that speaks vLLM's OpenAI-compatible API on the wire
// (`vllm serve`): `/v1/models`, `/v1/chat/completions` (streamed or not),
// vLLM's errors, `--api-key` auth and CORS defaults. Replies are canned
// markdown or what the test directives of README.md ask for. `/__mock/*`
// exposes what it saw, for tests and the benchmark.
import http from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { RequestLog } from './request-log.js';
import { chatCompletions } from './chat-completions.js';
import { modelsList } from './models-list.js';
import { vllmError, unauthorized, json } from './error-bodies.js';
import { sendJson, sendError } from './send.js';
import { applyCors, isPreflight, answerPreflight } from './cors.js';

/**
 * @typedef {object} MockOptions
 * @property {string} [model]  served model name (default 'MyCoder')
 * @property {string[]} [models]  served names; the first is the default
 * @property {string} [apiKey]  when set, /v1 routes need `Authorization: Bearer <apiKey>`
 * @property {number} [rate]  tokens per second (default 60; 0 = unthrottled)
 * @property {number} [maxModelLen]  context length (default 32768)
 */

/** Request bodies larger than this are refused (413), as a proxy would. */
const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * A `(req, res)` handler for `/v1/*`, `/__mock/*` and CORS preflights; any
 * other path gets FastAPI's 404. Mountable as Connect/Koa-raw middleware.
 * @param {MockOptions} [options]
 * @returns {((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) & { openStreams: Set<import('node:http').ServerResponse>, log: RequestLog }}
 */
export function createMockHandler(options = {}) {
  const models = options.models?.length ? [...options.models] : [options.model ?? 'MyCoder'];
  const maxModelLen = options.maxModelLen ?? 32768;
  const rate = options.rate ?? 60;
  const apiKey = options.apiKey;
  const created = Math.floor(Date.now() / 1000);
  const log = new RequestLog(100);
  /** @type {Set<import('node:http').ServerResponse>} */
  const openStreams = new Set();

  /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} */
  const handle = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    applyCors(req, res);
    // Starlette's CORSMiddleware answers a preflight itself, before any route
    // or auth: a preflight never carries credentials.
    if (isPreflight(req)) return answerPreflight(req, res);

    if (path === '/__mock/requests') {
      if (req.method === 'DELETE') {
        log.clear();
        res.statusCode = 204;
        return void res.end();
      }
      return sendJson(res, null, 200, log.records);
    }

    const record = path.startsWith('/v1') ? log.start(req, path) : null;
    // vLLM's AuthenticationMiddleware: only paths under /v1, never OPTIONS.
    if (apiKey !== undefined && path.startsWith('/v1') && req.method !== 'OPTIONS') {
      if (!bearerMatches(req.headers.authorization, apiKey)) {
        // vLLM adds AuthenticationMiddleware after CORSMiddleware, so it is
        // the outer one: its 401 never gets CORS headers, and a browser on
        // another origin sees a network error instead of the status.
        res.removeHeader('access-control-allow-origin');
        return sendError(res, record, unauthorized());
      }
    }

    if (path === '/v1/models') {
      if (req.method !== 'GET') return sendError(res, record, methodNotAllowed());
      return sendJson(res, record, 200, modelsList(models, maxModelLen, created));
    }
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') return sendError(res, record, methodNotAllowed());
      return void readBody(req).then(
        body => {
          if (body === null) return sendError(res, record, vllmError('Request body too large.', 'BadRequestError', 413));
          if (record) {
            return chatCompletions(req, res, body, { models, maxModelLen, rate, record, openStreams }).catch(e => {
              if (!res.headersSent) sendError(res, record, vllmError(String(e), 'InternalServerError', 500));
              else res.destroy();
            });
          }
        },
        () => {
          if (record) record.aborted = true;
        },
      );
    }
    // FastAPI's default for an unknown route.
    sendError(res, record, json(404, { detail: 'Not Found' }));
  };
  return Object.assign(handle, { openStreams, log });
}

/**
 * AuthenticationMiddleware.verify_token: scheme `bearer` in any case, then
 * the token compared in constant time (sha256 digests).
 * @param {string | undefined} header @param {string} apiKey
 */
function bearerMatches(header, apiKey) {
  if (!header) return false;
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') return false;
  const digest = (/** @type {string} */ s) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(space < 0 ? '' : header.slice(space + 1)), digest(apiKey));
}

/** FastAPI's answer to a known path with the wrong method. */
function methodNotAllowed() {
  return json(405, { detail: 'Method Not Allowed' });
}

/**
 * The request body as text, or null when it exceeds MAX_BODY_BYTES.
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<string | null>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', chunk => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts the handler on its own HTTP server bound to 127.0.0.1.
 * @param {MockOptions & { port?: number }} [options]
 * @returns {Promise<{ url: string, port: number, server: import('node:http').Server, close(): Promise<void> }>}
 */
export function startMockServer(options = {}) {
  const handler = createMockHandler(options);
  const server = http.createServer(handler);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        server,
        close() {
          // Open streams would keep the server alive: end them first.
          for (const res of handler.openStreams) res.destroy();
          server.closeAllConnections();
          return new Promise(done => server.close(() => done()));
        },
      });
    });
  });
}
