// The package as apps meet it: `npm pack` the project, install the tarball
// into each example app of examples/ (Vue 3 and Svelte 5 built by Vite with
// its default configuration, plain apps built by webpack 5 and by Rollup 4),
// type-check and build it with its own
// toolchain, serve its output, and stream a reply with highlighted code in
// Chromium. The worker, its network thread, the grammar and the theme must
// come from the app's own output, each a file of its own: every file the
// page asked for was served, none 404. A mermaid diagram is drawn too, in
// the sandboxed frame page the package ships, with Mermaid's script from the
// app's output. The Vue app also runs under `vite dev`,
// where Vite pre-bundles the package and the worker's files are served from
// node_modules.
//
// Each app installs its own pinned dependencies from the npm registry (its
// package-lock.json); only `vllm-chat` is swapped for the tarball.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdtempSync, readFileSync, statSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { chromiumPath, chromiumArgs } from '../support/chromium.js';
import { serveApp } from './serve-app.js';
import { createMockHandler } from '../../server/mock-server.js';

const root = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'vllm-chat-consumers-'));
/** @type {string} */
let tarball;
/** @type {import('playwright-core').Browser} */
let browser;

const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

/** @param {string} cwd @param {string[]} args */
function npm(cwd, args) {
  try {
    return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: npmEnv });
  } catch (error) {
    const e = /** @type {{ stdout?: string, stderr?: string }} */ (error);
    throw new Error(`npm ${args.join(' ')} in ${cwd} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error });
  }
}

/** `npm(…)` without blocking: the apps' installs wait on the network, so they run side by side. @param {string} cwd @param {string[]} args */
async function npmAsync(cwd, args) {
  try {
    await promisify(execFile)('npm', args, { cwd, encoding: 'utf8', env: npmEnv, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const e = /** @type {{ stdout?: string, stderr?: string }} */ (error);
    throw new Error(`npm ${args.join(' ')} in ${cwd} failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: error });
  }
}

before(async () => {
  // `prepack` builds dist/ (bundle and type declarations) first.
  const out = npm(root, ['pack', '--pack-destination', work, '--silent']);
  tarball = join(work, out.trim().split('\n').at(-1) ?? '');
  assert.ok(existsSync(tarball), `npm pack wrote ${tarball}`);
  browser = await chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

/**
 * Copies examples/<name> next to the tarball and installs it there.
 * @param {string} name
 */
async function installApp(name) {
  const dir = join(work, name);
  cpSync(join(root, 'examples', name), dir, {
    recursive: true,
    filter: source => !/[\\/](node_modules|dist)$/.test(source),
  });
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  manifest.dependencies['vllm-chat'] = `file:${tarball}`;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await npmAsync(dir, ['install', '--no-audit', '--no-fund', '--loglevel=error']);
  return dir;
}

/**
 * Opens the served app, asks for Python code (then, with `diagram`, for a
 * mermaid diagram) and reports what the page showed.
 * @param {string} url @param {boolean} [diagram]
 */
async function askInBrowser(url, diagram = false) {
  const page = await browser.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  try {
    await page.goto(url);
    await page.waitForFunction(() => customElements.get('vllm-chat') && 'askForCode' in window, undefined, { timeout: 15_000 });
    const result = await page.evaluate(async () => {
      // Each app puts its typed `askForCode` (src/ask.ts) on window.
      const app = /** @type {{ askForCode(prompt: string): Promise<import('../../src/shared/chat-message.js').ChatMessage> }} */ (
        /** @type {unknown} */ (window)
      );
      const reply = await app.askForCode('[mock lines=40 lang=py rate=0] a python script');
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      const chat = document.querySelector('vllm-chat');
      const spans = [...(chat?.shadowRoot?.querySelectorAll('pre[part="code-block"] span') ?? [])];
      return {
        status: reply.status,
        error: reply.error ?? null,
        fence: reply.content.includes('```python'),
        spans: spans.length,
        colors: new Set(spans.map(s => getComputedStyle(s).color)).size,
      };
    });
    // The framework saw the element's event (its binding re-rendered the counter).
    await page.waitForFunction(() => document.getElementById('replies')?.textContent?.includes('1'), undefined, { timeout: 5000 });
    if (!diagram) return { ...result, errors, diagramNodes: 0 };
    // A diagram: drawn in the sandboxed frame of the package's page, from the app's output.
    await page.evaluate(() =>
      /** @type {{ askForCode(prompt: string): Promise<unknown> }} */ (/** @type {unknown} */ (window)).askForCode(
        '[mock echo=1 rate=0] ```mermaid\ngraph TD\n  A[Start] --> B[Done]\n```',
      ),
    );
    const image = await page.waitForFunction(
      () => {
        const img = document.querySelector('vllm-chat')?.shadowRoot?.querySelector('[part~="diagram"] img');
        return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0 ? img.src : undefined;
      },
      undefined,
      { timeout: 90_000 },
    );
    const src = /** @type {string} */ (await image.jsonValue());
    const diagramNodes = decodeURIComponent(src.slice(src.indexOf(',') + 1)).match(/<g\b[^>]*\bclass="[^"]*\bnode\b/g)?.length ?? 0;
    return { ...result, errors, diagramNodes };
  } finally {
    await page.close();
  }
}

/**
 * `served`: the folder the app is served from.
 * @type {{ name: string, served: string }[]}
 */
const apps = [
  { name: 'vue', served: 'dist' },
  { name: 'svelte', served: 'dist' },
  { name: 'webpack', served: '.' },
  { name: 'rollup', served: '.' },
];

/**
 * The grammars the worker loads when the page is first idle (src/worker/render/warm-up.ts
 * `WARM_LANGUAGES`: ts, js, python, bash, json, by their Shiki names); any other grammar or theme
 * is fetched only when a reply uses it.
 */
const WARM_GRAMMARS = ['typescript', 'javascript', 'shellscript', 'json'];

/**
 * What each served path holds of the package's worker files. They are
 * assets to every bundler, copied under a name of the bundler's choosing (and
 * re-minified by webpack), so they are told apart by what survives that: the
 * strings in them.
 * @param {string} servedDir @param {string[]} paths
 * @returns {string[]}
 */
function packageFilesServed(servedDir, paths) {
  /** @param {string} name */
  const named = name => new RegExp(`JSON\\.parse\\(.*\\\\?"name\\\\?":\\\\?"${name}\\\\?"`);
  return paths.flatMap(path => {
    const file = join(servedDir, decodeURIComponent(path));
    if (!existsSync(file) || !statSync(file).isFile()) return [];
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.html') && text.includes('<title>vllm-chat diagrams</title>')) return ['diagram frame'];
    if (!file.endsWith('.js')) return [];
    if (text.includes('vllm-chat: no URL for')) return ['chat worker'];
    if (/type:["'`]delta["'`]/.test(text) && !text.includes('customElements')) return ['network worker'];
    if (named('python').test(text)) return ['python grammar'];
    if (named('github-dark').test(text)) return ['github-dark theme'];
    if (WARM_GRAMMARS.some(name => named(name).test(text))) return ['grammar started in idle time'];
    // The diagram's reply: its block is highlighted as mermaid code too (shown by the source button).
    if (named('mermaid').test(text)) return ['mermaid grammar'];
    if (/^export default JSON\.parse\(/.test(text)) return ['other grammar or theme'];
    // Mermaid's classic build sets its global (`globalThis["mermaid"] =`, `globalThis.mermaid=` once re-minified).
    if (/globalThis(\.mermaid|\["mermaid"\])\s*=[^=]/.test(text)) return ['mermaid script'];
    return [];
  });
}

/** @type {Map<string, Promise<string>>} */
const installs = new Map();

for (const app of apps) {
  test(`${app.name}: the packed package type-checks, builds and streams highlighted code from the app's own output`, async () => {
    // The first test starts every app's install; each test waits for its own.
    if (installs.size === 0) {
      for (const { name } of apps) {
        const install = installApp(name);
        install.catch(() => {}); // reported by the test that awaits it
        installs.set(name, install);
      }
    }
    const dir = await /** @type {Promise<string>} */ (installs.get(app.name));
    npm(dir, ['run', 'typecheck']);
    npm(dir, ['run', 'build']);
    const server = await serveApp(join(dir, app.served));
    try {
      const shown = await askInBrowser(server.url, true);
      assert.deepEqual(shown.errors, [], 'no uncaught error in the page');
      assert.equal(shown.status, 'done', JSON.stringify(shown.error));
      assert.ok(shown.fence, 'the reply has the python block');
      assert.equal(shown.diagramNodes, 2, 'the diagram was drawn (its SVG has both nodes)');
      assert.ok(shown.spans > 40 && shown.colors > 2, `code highlighted (${shown.spans} spans, ${shown.colors} colours)`);
      const paths = server.served.map(s => s.path);
      assert.deepEqual(server.served.filter(s => s.status !== 200), [], 'every file the page asked for was in the build');
      const files = packageFilesServed(join(dir, app.served), paths);
      const seen = `${paths.join(', ')}: ${files.join(', ')}`;
      for (const kind of ['chat worker', 'network worker', 'python grammar', 'github-dark theme', 'diagram frame', 'mermaid script']) {
        assert.ok(files.includes(kind), `the ${kind} came from the app's output as a file of its own (${seen})`);
      }
      // Only what this reply used, and the grammars started in idle time.
      assert.ok(!files.includes('other grammar or theme'), `no other grammar or theme was fetched (${seen})`);
    } finally {
      await server.close();
    }
  });
}

test("vue: `vite dev` (dependency pre-bundling) serves a working chat from the installed package", async () => {
  if (!installs.has('vue')) installs.set('vue', installApp('vue'));
  const dir = await /** @type {Promise<string>} */ (installs.get('vue'));
  // The app's own Vite and vite.config.js; the test adds only the API under /v1 and a log of requests.
  const vite = /** @type {typeof import('vite')} */ (await import(join(dir, 'node_modules', 'vite', 'dist', 'node', 'index.js')));
  const api = createMockHandler({ rate: 0 });
  /** @type {string[]} */
  const requested = [];
  const server = await vite.createServer({
    root: dir,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: 0, strictPort: false },
    plugins: [
      {
        name: 'test:api-and-log',
        configureServer(dev) {
          dev.middlewares.use((req, res, next) => {
            requested.push(req.url ?? '');
            if (req.url?.startsWith('/v1/')) return void api(req, res);
            next();
          });
        },
      },
    ],
  });
  try {
    await server.listen();
    const url = server.resolvedUrls?.local[0];
    assert.ok(url, 'the dev server listens');
    const shown = await askInBrowser(url);
    assert.deepEqual(shown.errors, [], 'no uncaught error in the page');
    assert.equal(shown.status, 'done', JSON.stringify(shown.error));
    assert.ok(shown.spans > 40 && shown.colors > 2, `code highlighted (${shown.spans} spans, ${shown.colors} colours)`);
    const seen = requested.join(', ');
    assert.ok(requested.some(p => p.startsWith('/node_modules/.vite/deps/vllm-chat.js')), `the package was pre-bundled (${seen})`);
    for (const file of ['chat.worker-', 'network.worker-', 'lang-python-', 'theme-github-dark-']) {
      assert.ok(requested.some(p => p.startsWith(`/node_modules/vllm-chat/dist/chunks/${file}`)), `${file}… came from the installed package (${seen})`);
    }
  } finally {
    for (const res of api.openStreams) res.destroy();
    await server.close();
  }
});
