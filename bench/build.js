// Builds what the benchmark serves: the production bundle (`vite build` into
// dist/, when it is missing or older than src/) and the contender pages
// (bundled by Vite into a cache directory, rebuilt when bench/ pages change).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const benchDir = join(repo, 'bench');
export const distDir = join(repo, 'dist');
export const pagesDir = join(repo, 'node_modules', '.cache', 'vllm-chat-bench', 'pages');

/** Newest modification time under `dir` (0 when absent). @param {string} dir @returns {number} */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/**
 * Makes dist/ current. Returns why the bundle cannot be used, or null.
 * @param {{ force?: boolean }} [options]
 * @returns {string | null}
 */
export function ensureBundle({ force = false } = {}) {
  const entry = join(distDir, 'vllm-chat.js');
  const stale = !existsSync(entry) || statSync(entry).mtimeMs < newest(join(repo, 'src'));
  if (force || stale) {
    const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: repo, stdio: 'inherit' });
    if (result.status !== 0) return 'vite build failed';
  }
  return existsSync(entry) ? null : 'dist/vllm-chat.js is missing after vite build';
}

/**
 * The production worker chunk, for the one-shot render floor, relative to dist/.
 * @returns {string | undefined}
 */
export function workerChunk() {
  /** @param {string} dir @returns {string | undefined} */
  const find = dir => {
    for (const entry of readdirSync(join(distDir, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        const found = find(rel);
        if (found) return found;
      } else if (/worker.*\.js$/.test(entry.name)) return rel;
    }
    return undefined;
  };
  return existsSync(distDir) ? find('') : undefined;
}

/**
 * Where the worker's grammars and themes are in dist/ (`WorkerAssets` of
 * src/shared/protocol.ts, relative to dist/): the page module tells its
 * worker the same (scripts/worker-assets.js names them
 * `chunks/lang-<name>-<hash>.js` and `chunks/theme-<name>-<hash>.js`).
 * @returns {{ grammars: Record<string, string>, themes: Record<string, string> }}
 */
export function workerAssetFiles() {
  /** @type {{ grammars: Record<string, string>, themes: Record<string, string> }} */
  const assets = { grammars: {}, themes: {} };
  const dir = join(distDir, 'chunks');
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const match = /^(lang|theme)-(.+)-[\w-]{8}\.js$/.exec(name);
    if (match) (match[1] === 'lang' ? assets.grammars : assets.themes)[match[2] ?? ''] = `chunks/${name}`;
  }
  return assets;
}

/** Bundles the contender pages (baselines with their npm libraries) unless they are current. */
export async function buildPages() {
  const sources = Math.max(newest(join(benchDir, 'pages')), newest(join(benchDir, 'baselines')));
  const marker = join(pagesDir, 'pages', 'vllm-chat.html');
  if (existsSync(marker) && statSync(marker).mtimeMs > sources) return;
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: benchDir,
    base: './',
    logLevel: 'warn',
    build: {
      outDir: pagesDir,
      emptyOutDir: true,
      target: 'es2022',
      // Readable stack traces when a baseline misbehaves; minifying changes no timing that matters here.
      minify: false,
      rolldownOptions: {
        input: {
          'vllm-chat': join(benchDir, 'pages', 'vllm-chat.html'),
          ten: join(benchDir, 'pages', 'ten.html'),
          session: join(benchDir, 'pages', 'session.html'),
          history: join(benchDir, 'pages', 'history.html'),
          naive: join(benchDir, 'baselines', 'naive.html'),
          classic: join(benchDir, 'baselines', 'classic.html'),
          'deep-chat': join(benchDir, 'baselines', 'deep-chat.html'),
        },
      },
    },
  });
}
