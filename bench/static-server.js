// A static file server for the benchmark: one instance serves the pages (the
// embedding origin), another the production bundle (a second origin, with
// CORS, as a CDN would). Binds 127.0.0.1 on a free port; `close()` stops it.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/**
 * @param {string} root directory served at `/`
 * @param {{ cors?: boolean }} [options]
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startStaticServer(root, { cors = false } = {}) {
  const base = normalize(root + sep);
  const server = createServer(async (req, res) => {
    const headers = /** @type {Record<string, string>} */ ({ 'cache-control': 'no-store' });
    if (cors) {
      headers['access-control-allow-origin'] = '*';
      // Lets the embedding page read these files' transfer sizes (Resource Timing), as a CDN can allow.
      headers['timing-allow-origin'] = '*';
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(base, path.endsWith('/') ? path + 'index.html' : path));
    // Never serve outside the root, whatever `..` the URL holds.
    if (!file.startsWith(base)) {
      res.writeHead(403, headers).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { ...headers, 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
