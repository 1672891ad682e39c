// The diagram frame's page under the dev server (`npm start`): served as the
// bundle ships it, without Vite's client script, which the frame's opaque
// origin could not load.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'vite';
import { checkedFramePage, diagramAssets } from '../../scripts/diagram-assets.js';

const root = new URL('../../', import.meta.url).pathname;
const vite = await createServer({
  configFile: false,
  root,
  logLevel: 'silent',
  plugins: [diagramAssets()],
  server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, ws: false },
  optimizeDeps: { noDiscovery: true, include: [] },
});
await vite.listen();
after(() => vite.close());

test('serves the diagram frame page untouched', async () => {
  const address = vite.httpServer?.address();
  assert.ok(address && typeof address === 'object');
  const res = await fetch(`http://127.0.0.1:${address.port}/src/element/view/diagram-frame.html?script=x`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const html = await res.text();
  assert.doesNotMatch(html, /@vite\/client/);
  const source = await readFile(new URL('../../src/element/view/diagram-frame.html', import.meta.url), 'utf8');
  assert.equal(html, checkedFramePage(source));
});
