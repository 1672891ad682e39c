// @web/test-runner: every browser test runs in Debian's Chromium, driven by
// Playwright, against embedded vLLM-compatible servers over real HTTP.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { startMockServer, createMockHandler } from './server/mock-server.js';
import { chromiumPath, chromiumArgs } from './test/support/chromium.js';
import { totalsReporter } from './test/support/totals-reporter.js';
import { mainThreadTracePlugin } from './test/support/main-thread-trace.js';
import { startStaticServer } from './test/embed/static-server.js';
import { readFile } from 'node:fs/promises';

// The dev server of the test runner also answers /v1/* like vLLM, so the
// element's default endpoint (`/v1`, same origin) is tested as embedders use it.
const sameOrigin = createMockHandler({ rate: 400 });
// Separate origins: CORS is exercised for real; one server requires an API key.
const crossOrigin = await startMockServer({ rate: 400 });
const keyed = await startMockServer({ rate: 400, apiKey: 'sk-test-key' });
const multiModel = await startMockServer({ rate: 400, models: ['MyCoder', 'MyCoder-Large'] });
// Embedding: the built bundle on a CDN-like origin (CORS), and a third-party
// page origin whose pages import it and answer with the CSP a test asks for;
// the API is `crossOrigin`. Three origins, as on a real site.
const bundleOrigin = await startStaticServer({ root: new URL('./dist', import.meta.url).pathname, cors: true });
const pageOrigin = await startStaticServer({
  root: new URL('./test/embed/pages', import.meta.url).pathname,
  vars: () => ({ BUNDLE: bundleOrigin.url, API: `${crossOrigin.url}/v1` }),
});

/** Handed to every test page as `globalThis.testServers`. */
const testServers = {
  crossOrigin: `${crossOrigin.url}/v1`,
  keyed: `${keyed.url}/v1`,
  keyedApiKey: 'sk-test-key',
  multiModel: `${multiModel.url}/v1`,
  bundleOrigin: bundleOrigin.url,
  pageOrigin: pageOrigin.url,
};

/**
 * Shiki's grammar and theme modules can be held back (`GET /__hold/shiki?on=1`)
 * until released (`?on=0`; `?release=themes` or `?release=langs` releases one
 * kind and stops holding it), so a test sees what a reply shows before the
 * highlighter can colour anything. `?fail=<theme>` makes that theme's module
 * answer 404 (a CDN that lost a file) until `?on=0`. Every answer says how
 * many requests are held and how many were held since the hold began.
 */
const shikiHold = {
  kinds: new Set(),
  held: /** @type {{ kind: string, release: () => void }[]} */ ([]),
  seen: 0,
  failing: /** @type {Set<string>} */ (new Set()),
};

/** @param {(kind: string) => boolean} which */
function releaseHeld(which) {
  const now = shikiHold.held.filter(h => which(h.kind));
  shikiHold.held = shikiHold.held.filter(h => !which(h.kind));
  for (const h of now) h.release();
}

/** @type {import('koa').Middleware} */
function holdShiki(ctx, next) {
  if (ctx.path === '/__hold/shiki') {
    const release = String(ctx.query.release ?? '');
    if (ctx.query.on === '1') {
      shikiHold.kinds = new Set(['langs', 'themes']);
      shikiHold.seen = 0;
    } else if (ctx.query.on === '0') {
      shikiHold.kinds.clear();
      shikiHold.failing.clear();
      releaseHeld(() => true);
    } else if (release) {
      shikiHold.kinds.delete(release);
      releaseHeld(kind => kind === release);
    }
    if (ctx.query.fail) shikiHold.failing.add(String(ctx.query.fail));
    ctx.set('cache-control', 'no-store');
    ctx.body = { held: shikiHold.held.length, seen: shikiHold.seen };
    return Promise.resolve();
  }
  const kind = /\/@shikijs\/(langs|themes)\//.exec(ctx.path)?.[1];
  const fails = kind === 'themes' && shikiHold.failing.has(/\/([^/]+)\.mjs$/.exec(ctx.path)?.[1] ?? '');
  const answer = () => {
    if (!fails) return next();
    ctx.status = 404;
    ctx.set('cache-control', 'no-store');
    return Promise.resolve();
  };
  if (kind && shikiHold.kinds.has(kind)) {
    shikiHold.seen++;
    return new Promise(resolve => shikiHold.held.push({ kind, release: () => resolve(undefined) })).then(answer);
  }
  if (fails) return answer();
  return next();
}

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['test/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 240_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    mainThreadTracePlugin(),
    {
      name: 'close-test-servers',
      async serverStop() {
        await Promise.all([crossOrigin.close(), keyed.close(), multiModel.close()]);
        await Promise.all([bundleOrigin.close(), pageOrigin.close()]);
      },
    },
  ],
  middleware: [
    holdShiki,
    // The diagram frame's page and the Mermaid script it loads, byte for byte
    // as published: the esbuild plugin would rewrite the page's inline script
    // (whose hash its policy names) and re-encode the script with a source map.
    /** @type {import('koa').Middleware} */
    async (ctx, next) => {
      const file = { '/src/element/view/diagram-frame.html': 'text/html', '/node_modules/mermaid/dist/mermaid.min.js': 'text/javascript' }[ctx.path];
      if (!file) return next();
      ctx.type = `${file}; charset=utf-8`;
      ctx.body = await readFile(new URL(`.${ctx.path}`, import.meta.url));
    },
    /** @type {import('koa').Middleware} */
    (ctx, next) => {
      if (!/^\/(v1|__mock)(\/|$)/.test(ctx.path)) return next();
      // The embedded server answers on the raw response; koa's own status, never sent, would
      // otherwise stay at its default 404 and the runner would list every such request as missing.
      ctx.status = 200;
      ctx.respond = false;
      sameOrigin(ctx.req, ctx.res);
    },
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: chromiumPath(), headless: true, args: chromiumArgs },
    }),
  ],
  testRunnerHtml: (/** @type {string} */ testFramework) => `<!doctype html>
<html><head><meta charset="utf-8"><script>globalThis.testServers = ${JSON.stringify(testServers)};</script></head>
<body><script type="module" src="${testFramework}"></script></body></html>`,
  reporters: [
    defaultReporter(),
    summaryReporter({ flatten: true }),
    ...(process.env.WTR_TOTALS_FILE ? [totalsReporter({ file: process.env.WTR_TOTALS_FILE })] : []),
  ],
};
