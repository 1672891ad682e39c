// Smoke test of the benchmark: `bench/run.js --quick` runs every contender on
// every workload, and the scenarios, and produces every figure. It asserts that figures exist and
// are finite numbers (or an explicit `timeout`), never what they are: timings
// belong to the benchmark, not to tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** @param {unknown} v */
const finite = v => typeof v === 'number' && Number.isFinite(v);

test('the quick benchmark produces every figure for every contender and workload', { timeout: 300_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'vllm-chat-bench-'));
  const run = spawnSync('node', ['bench/run.js', '--quick', `--out=${out}`], { cwd: repo, encoding: 'utf8', timeout: 290_000 });
  assert.equal(run.status, 0, `bench/run.js --quick failed:\n${run.stdout}\n${run.stderr}`);
  const result = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
  assert.ok(readFileSync(join(out, 'latest.md'), 'utf8').includes('| workload | contender |'));

  const contenders = ['vllm-chat', 'naive', 'classic', 'deep-chat'];
  const workloads = ['cold', 'long', 'huge', 'rate', 'scaling-1k', 'mixed'];
  for (const workload of workloads) {
    for (const contender of contenders) {
      const row = result.rows.find((/** @type {{ workload: string, contender: string }} */ r) => r.workload === workload && r.contender === contender);
      const where = `${contender} on ${workload}`;
      assert.ok(row, `no row for ${where}`);
      const x = row.figures;
      assert.ok(x.status === 'done' || x.status === 'timeout', `${where}: status ${x.status} ${x.error ?? ''}`);
      assert.ok(finite(x.ms) && finite(x.networkMs), `${where}: times`);
      // Every page is opened fresh and times its first render, whatever happens to its reply.
      assert.ok(finite(x.firstRender?.ms) && x.firstRender.bytes > 0 && x.firstRender.resources > 0, `${where}: first render ${JSON.stringify(x.firstRender)}`);
      // A page still frozen at its time limit reports `timeout` and how far it got; nothing more is owed.
      if (x.status === 'timeout') {
        assert.ok(finite(x.progress), `${where}: progress of a timeout`);
        continue;
      }
      assert.ok(finite(x.tokensPerSec) && finite(x.firstMs), `${where}: tokens/s, first code visible`);
      for (const key of ['count', 'longestMs', 'blockingMs']) assert.ok(finite(x.longTasks?.[key]), `${where}: longTasks.${key}`);
      for (const key of ['count', 'p50', 'p95', 'max', 'over50']) assert.ok(finite(x.frames?.[key]), `${where}: frames.${key}`);
      assert.ok(finite(x.heapMB) && finite(x.domNodes), `${where}: heap and DOM nodes`);
      if (workload === 'long' || workload === 'huge') for (const key of ['p95', 'max', 'sent']) assert.ok(finite(x.keys?.[key]), `${where}: keys.${key}`);
      if (workload !== 'mixed') {
        // Display lag of every code token, from the normal run.
        for (const key of ['p50', 'p95', 'max']) assert.ok(finite(x.latency?.[key]), `${where}: latency.${key}`);
        assert.ok(x.latency.count === x.latency.of && x.latency.of > 0, `${where}: latency covers ${x.latency.count} of ${x.latency.of} tokens`);
        // Colour complete: a time for those that colour, an explicit `none` for deep-chat (no highlighter here).
        const kind = { 'vllm-chat': 'progressive', naive: 'sync', classic: 'sync', 'deep-chat': 'none' }[contender];
        assert.equal(x.colour?.kind, kind, `${where}: colour ${JSON.stringify(x.colour)}`);
        if (kind === 'none') assert.equal(x.colour.ms, null, `${where}: colour of an uncoloured reply`);
        else assert.ok(finite(x.colour.ms) && x.colour.ms >= x.ms, `${where}: colour complete ${JSON.stringify(x.colour)} after the last token ${x.ms}`);
      }
      if (contender === 'vllm-chat') assert.ok(finite(x.renderMs), `${where}: one-shot render`);
      if (workload === 'mixed' && contender === 'vllm-chat') {
        assert.ok(x.math?.formulas > 0 && finite(x.math?.perFormulaMs), `${where}: math cost per formula`);
        // No diagram renderer, or one that did not finish in time: `n/a`, never a made-up figure.
        const d = x.diagram;
        assert.ok(d?.status === 'n/a' || (d?.status === 'done' && finite(d.ms) && finite(d.longTasks?.count)), `${where}: diagram ${JSON.stringify(d)}`);
      }
    }
  }
  for (const contender of contenders) {
    const s = result.scaling[contender];
    const done = (/** @type {string} */ w) =>
      result.rows.find((/** @type {{ workload: string, contender: string }} */ r) => r.workload === w && r.contender === contender)
        ?.figures.status === 'done';
    if (done('long') && done('scaling-1k')) assert.ok(finite(s?.whole) && (s?.streaming === null || finite(s?.streaming)), `${contender}: scaling`);
    else assert.equal(s, null, `${contender}: scaling of a timed-out run`);
  }
  assert.ok(result.machine.cores > 0 && result.machine.chromium, 'machine description');

  const scenarios = JSON.parse(readFileSync(join(out, 'scenarios.json'), 'utf8'));
  for (const contender of ['vllm-chat', 'plain']) {
    const row = scenarios.ten?.rows?.find((/** @type {{ contender: string }} */ r) => r.contender === contender);
    assert.ok(row, `ten: no row for ${contender}`);
    for (const key of ['p50', 'p95', 'max', 'over50']) assert.ok(finite(row.frames?.[key]), `ten ${contender}: frames.${key}`);
    for (const key of ['p50', 'p95', 'max']) assert.ok(finite(row.latency?.[key]), `ten ${contender}: latency.${key}`);
    assert.ok(finite(row.longTasks?.count) && finite(row.exact), `ten ${contender}: long tasks, exact replies`);
  }
  const session = scenarios.session?.figures;
  assert.ok(session, 'no session figures');
  for (const key of ['requestMs', 'syncMs', 'firstMs']) {
    for (const part of ['first5', 'last5']) assert.ok(session[part]?.[key]?.every(finite), `session: ${part}.${key}`);
  }
  for (const key of ['nodesPerKB', 'heapKBPerKB', 'textKB']) assert.ok(finite(session[key]), `session: ${key}`);
});
