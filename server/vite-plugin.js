// `npm start` / `vite preview`: serves `/v1` (and `/__mock`) next to the
// demo page, either from the embedded vLLM-compatible server or, when
// VLLM_URL is set, as a streaming proxy to a real server.
import { createMockHandler } from './mock-server.js';
import { createProxyHandler } from './proxy.js';

/**
 * @param {{ vllmUrl?: string, apiKey?: string, rate?: number }} [options]
 *   default: VLLM_URL and VLLM_API_KEY from the environment
 * @returns {import('vite').Plugin}
 */
export function vllmApiPlugin(options = {}) {
  const vllmUrl = options.vllmUrl ?? process.env.VLLM_URL;
  const apiKey = options.apiKey ?? process.env.VLLM_API_KEY;
  /** @type {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => void} */
  let middleware;
  let backend;
  if (vllmUrl) {
    // Requests keep their /v1 prefix: a VLLM_URL given with /v1 must not double it.
    const target = vllmUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
    const proxy = createProxyHandler({ target, ...(apiKey ? { apiKey } : {}) });
    backend = `streaming proxy to ${target}/v1`;
    middleware = (req, res, next) => (isApi(req.url, false) ? proxy(req, res) : next());
  } else {
    const mock = createMockHandler(options.rate === undefined ? {} : { rate: options.rate });
    backend = 'embedded vLLM-compatible server (set VLLM_URL=http://host:8000 to use a real one)';
    middleware = (req, res, next) => (isApi(req.url, true) || isPreflightOf(req) ? mock(req, res) : next());
  }

  /** @param {import('vite').ViteDevServer | import('vite').PreviewServer} server */
  const mount = server => {
    server.middlewares.use(middleware);
    server.httpServer?.once('listening', () => {
      // `vite preview` resolves its URLs after this event: fall back to the socket.
      const address = server.httpServer?.address();
      const page =
        server.resolvedUrls?.local[0] ??
        (address && typeof address === 'object' ? `http://${address.address}:${address.port}/` : '(see below)');
      server.config.logger.info(`\n  vllm-chat API: ${backend}\n  page: ${page}\n`);
    });
  };

  return {
    name: 'vllm-api',
    configureServer: mount,
    configurePreviewServer: mount,
  };
}

/**
 * @param {string | undefined} url @param {boolean} withMock
 */
function isApi(url, withMock) {
  const path = (url ?? '').split('?')[0] ?? '';
  return path === '/v1' || path.startsWith('/v1/') || (withMock && path.startsWith('/__mock/'));
}

/** @param {import('node:http').IncomingMessage} req */
function isPreflightOf(req) {
  return req.method === 'OPTIONS' && isApi(req.url, true);
}
