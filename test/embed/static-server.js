// A static file server for the embedding tests: one instance per origin
// (127.0.0.1 on its own port). It serves files from `root`, fills in
// `%NAME%` placeholders of HTML pages from `vars`, and sets the response
// headers a test asks for in the query string, so each test states the exact
// Content-Security-Policy it runs under:
//   /page.html?csp=<policy>   →  Content-Security-Policy: <policy>
// The same placeholders may appear in the policy (`script-src %BUNDLE%`).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

/** @type {Record<string, string>} */
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * @typedef {object} StaticServerOptions
 * @property {string} root directory served at `/`
 * @property {boolean} [cors] answer any origin (`Access-Control-Allow-Origin: *`), as a CDN does
 * @property {() => Record<string, string>} [vars] placeholder values, read per request (origins are known only once every server listens)
 */

/**
 * @param {StaticServerOptions} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startStaticServer({ root, cors = false, vars = () => ({}) }) {
  /** @param {string} text */
  const fill = text => text.replace(/%([A-Z_]+)%/g, (whole, name) => vars()[name] ?? whole);
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    /** @type {Record<string, string>} */
    const headers = { 'Cache-Control': 'no-store' };
    if (cors) headers['Access-Control-Allow-Origin'] = '*';
    const csp = url.searchParams.get('csp');
    if (csp) headers['Content-Security-Policy'] = fill(csp);
    if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) {
      res.writeHead(403, headers).end('forbidden');
      return;
    }
    try {
      const type = types[extname(path)] ?? 'application/octet-stream';
      const body = await readFile(path);
      res.writeHead(200, { ...headers, 'Content-Type': type });
      res.end(type.startsWith('text/html') ? fill(body.toString('utf8')) : body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server: no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
