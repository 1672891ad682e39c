// `npm test`: builds the bundle, runs the Node tests (embedded server,
// benchmark smoke test) and the browser tests (Chromium), then prints the
// totals of both as one line: "N passed, N failed".
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

// The benchmark smoke test and the embedding tests load the production bundle.
if (run('npx', ['vite', 'build', '--logLevel', 'warn']) !== 0) {
  console.error('vite build failed');
  failed++;
}

const tap = join(dir, 'node.tap');
const nodeStatus = run('node', [
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tap}`,
  'test/server/',
  'test/bench/',
  'test/package/',
]);
if (existsSync(tap)) {
  const text = readFileSync(tap, 'utf8');
  const count = (/** @type {string} */ key) => Number(new RegExp(`^# ${key} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  passed += count('pass');
  failed += count('fail') + count('cancelled');
  skipped += count('skipped');
  if (nodeStatus !== 0 && count('fail') + count('cancelled') === 0) failed++;
} else {
  failed++;
}

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

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
