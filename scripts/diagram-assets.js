// Build helper: ships the diagram frame's page and the Mermaid script it
// loads so that an app's bundler carries them into its output with no
// configuration, as scripts/worker-assets.js does for the worker's files.
//
// Both become assets named by a plain `new URL('./chunks/<file>',
// import.meta.url)` in the page module (in place of
// src/element/view/diagram-assets.ts), the form Vite, webpack 5 and Rollup's
// import-meta-assets plugin copy and rewrite. Neither refers to the other by
// a relative path (a bundler may rename either): the element puts the
// script's URL in the frame's query string.
//   chunks/diagram-frame-<hash>.html  the frame's page (its script allowed by nonce)
//   chunks/mermaid-<hash>.js          Mermaid's classic (IIFE) build, one file
//
// Why the classic build: a module script in a frame of opaque origin is
// fetched with CORS (`Origin: null`), which an app's own server seldom
// answers; a classic script needs none. Its size is about that of Mermaid's
// ES chunks, in one file.
//
// The page is padded to Vite's `assetsInlineLimit`: a smaller asset would
// become a `data:` URL, and a frame of a `data:` URL inherits the embedding
// page's policy (which is what the frame is there to avoid).
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetTablePlugin, inlineLimit } from './asset-table.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const assetsModule = `${src}element/view/diagram-assets.ts`;
const framePage = `${src}element/view/diagram-frame.html`;
const mermaidScript = fileURLToPath(new URL('../node_modules/mermaid/dist/mermaid.min.js', import.meta.url));
const marker = '__vllm_chat_diagram_assets__';

/**
 * The frame page, checked: its one inline script must carry the nonce its
 * policy allows (else the frame would stay dead, with the violation reported
 * only inside it). A nonce, not a hash: bundlers minify HTML assets.
 * @param {string} html
 */
export function checkedFramePage(html) {
  const scripts = [...html.matchAll(/<script\b([^>]*)>[\s\S]*?<\/script>/g)];
  const allowed = [...html.matchAll(/'nonce-([\w-]+)'/g)].map(m => m[1]);
  if (scripts.length !== 1) throw new Error(`diagram-assets: the frame page has ${scripts.length} inline scripts, not one`);
  const carried = /\bnonce="([\w-]+)"/.exec(scripts[0]?.[1] ?? '')?.[1];
  if (allowed.length !== 1 || allowed[0] !== carried) {
    throw new Error(`diagram-assets: the frame page's policy allows 'nonce-${allowed.join(', ')}', its script carries ${carried ? `nonce "${carried}"` : 'no nonce'}`);
  }
  const bytes = Buffer.byteLength(html);
  return bytes >= inlineLimit ? html : `${html}<!--${' '.repeat(inlineLimit - bytes - 7)}-->\n`;
}

/**
 * The dev server serves the frame page as it is in the bundle. Left to
 * Vite, it would get Vite's client script, which the frame's opaque origin
 * cannot load (a CORS error in the console of every page with a diagram).
 * @param {import('vite').ViteDevServer} server
 */
function serveFramePage(server) {
  const path = `/${relative(server.config.root, framePage).split(sep).join('/')}`;
  server.middlewares.use((req, res, next) => {
    if ((req.url ?? '').split('?')[0] !== path) return next();
    readFile(framePage, 'utf8').then(
      html => {
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(checkedFramePage(html));
      },
      error => next(error),
    );
  });
}

/** @returns {import('vite').Plugin[]} */
export function diagramAssets() {
  return [
    assetTablePlugin({
      name: 'vllm-chat:diagram-assets',
      module: assetsModule,
      exportName: 'diagramAssets',
      marker,
      async table(emit) {
        const page = checkedFramePage(await readFile(framePage, 'utf8'));
        const script = await readFile(mermaidScript, 'utf8');
        return `{frame:${emit('diagram-frame', 'html', page)},script:${emit('mermaid', 'js', script)}}`;
      },
    }),
    { name: 'vllm-chat:diagram-frame-page', apply: 'serve', configureServer: serveFramePage },
  ];
}
