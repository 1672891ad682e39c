// `npm test`: builds the bundle, runs the Node tests (embedded server,
// benchmark smoke test, package, deployment behind nginx), the browser tests
// (Chromium) and the consumer apps (the packed package built into Vue,
// Svelte and webpack apps: `npm run test:consumers`), then prints the totals
// of all as one line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'vllm-chat-test-'));
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' };
let passed = 0;
let failed = 0;
let skipped = 0;

/** @param {string} cmd @param {string[]} args @param {Record<string,string>} [extraEnv] */
function run(cmd, args, extraEnv = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  return result.status ?? 1;
}

// The benchmark smoke test, the embedding and deployment tests load the
// production bundle; the package tests read its type declarations too.
if (run('npx', ['vite', 'build', '--logLevel', 'warn']) !== 0 || run('npx', ['tsc', '-p', 'tsconfig.build.json']) !== 0) {
  console.error('build failed');
  failed++;
}

/**
 * Runs `node --test` on `paths` and adds its TAP totals.
 * @param {string} name @param {string[]} paths
 */
function nodeTests(name, paths) {
  const tap = join(dir, `${name}.tap`);
  const status = run('node', [
    '--test',
    // One file at a time, as on a two-core machine: with more cores node runs
    // files side by side, and the quick benchmark's browser would load the
    // deployment tests that time tokens through nginx.
    '--test-concurrency=1',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...paths,
  ]);
  if (!existsSync(tap)) {
    failed++;
    return;
  }
  const text = readFileSync(tap, 'utf8');
  const count = (/** @type {string} */ key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped');
  if (status !== 0 && count('fail') + count('cancelled') === 0) failed++;
}

nodeTests('node', ['test/server/', 'test/bench/', 'test/package/', 'test/deploy/']);

const totals = join(dir, 'wtr.json');
const wtrStatus = run('npx', ['wtr'], { WTR_TOTALS_FILE: totals });
if (existsSync(totals)) {
  const t = JSON.parse(readFileSync(totals, 'utf8'));
  passed += t.passed;
  failed += t.failed;
  skipped += t.skipped;
  if (wtrStatus !== 0 && t.failed === 0) failed++;
} else {
  failed++;
}

// Last: they pack the package (its `prepack` rebuilds dist/) and install
// each app's dependencies from the npm registry.
nodeTests('consumers', ['test/consumers/']);

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
