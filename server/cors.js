// CORS as vLLM configures Starlette's CORSMiddleware by default
// (--allowed-origins '*' --allowed-methods '*' --allowed-headers '*',
// --allow-credentials off).
// https://fetch.spec.whatwg.org/#http-cors-protocol

/** Starlette expands `allow_methods=["*"]` to this list. */
const ALL_METHODS = 'DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT';

/**
 * A CORS-preflight request: OPTIONS with `Origin` and
 * `Access-Control-Request-Method` (Fetch §3.2.2).
 * @param {import('node:http').IncomingMessage} req
 */
export function isPreflight(req) {
  return req.method === 'OPTIONS' && !!req.headers.origin && !!req.headers['access-control-request-method'];
}

/**
 * Headers of a simple (non-preflight) cross-origin response: any origin, as
 * `*` since credentials are not allowed.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 */
export function applyCors(req, res) {
  if (req.headers.origin) res.setHeader('access-control-allow-origin', '*');
}

/**
 * Starlette's preflight answer: 200 "OK", every method, the requested
 * headers echoed, cached 600 s.
 * @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res
 */
export function answerPreflight(req, res) {
  res.statusCode = 200;
  res.setHeader('server', 'uvicorn');
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-allow-methods', ALL_METHODS);
  res.setHeader('access-control-max-age', '600');
  const requested = req.headers['access-control-request-headers'];
  if (requested) res.setHeader('access-control-allow-headers', requested);
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('content-length', '2');
  res.end('OK');
}
