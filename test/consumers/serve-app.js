// Serves a consumer app's built output on 127.0.0.1 with the embedded
// vLLM-compatible server under /v1 (same origin, as an app behind one proxy
// would have it), and notes every path it was asked for and its status.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { createMockHandler } from '../../server/mock-server.js';

/** @type {Record<string, string>} */
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * @param {string} root directory served at `/` (`/` itself is index.html)
 * @returns {Promise<{ url: string, served: { path: string, status: number }[], close(): Promise<void> }>}
 */
export async function serveApp(root) {
  const api = createMockHandler({ rate: 0 });
  /** @type {{ path: string, status: number }[]} */
  const served = [];
  const base = root.endsWith(sep) ? root : root + sep;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/v1/') || url.pathname.startsWith('/__mock/')) return api(req, res);
    // The browser asks for it on its own; the apps have none.
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    const file = normalize(join(root, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    let status = 200;
    try {
      if (!file.startsWith(base)) throw new Error('outside the app');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
      res.end(body);
    } catch {
      status = 404;
      res.writeHead(404).end('not found');
    }
    served.push({ path: url.pathname, status });
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise(resolve => {
        for (const res of api.openStreams) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
