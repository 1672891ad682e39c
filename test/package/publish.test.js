// What `npm publish` would ship: only the bundle (with its type
// declarations), custom-elements.json, the README and the licence; a semver
// version with its CHANGELOG section; the manifest referenced as IDEs and
// catalogues look for it (`customElements`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

test('the tarball holds dist/, its types, the manifest, README and LICENSE, and nothing else', () => {
  assert.ok(existsSync(`${root}dist/types/vllm-chat.d.ts`), 'dist/ with types is missing: run `npm run build` (npm test does)');
  // --ignore-scripts: list what is there now; `prepack` would rebuild it first.
  const [report] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], { cwd: root, encoding: 'utf8' }),
  );
  const files = /** @type {{ path: string }[]} */ (report.files).map(f => f.path);
  const outside = files.filter(f => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE', 'custom-elements.json'].includes(f));
  assert.deepEqual(outside, [], 'no file outside the published set');
  for (const needed of ['dist/vllm-chat.js', 'dist/types/vllm-chat.d.ts', 'custom-elements.json', 'README.md', 'LICENSE']) {
    assert.ok(files.includes(needed), `${needed} is published`);
  }
  assert.ok(files.some(f => /^dist\/chunks\/chat\.worker-[\w-]+\.js$/.test(f)), 'the worker chunk is published');
  assert.ok(!files.some(f => f.endsWith('.map') || f.includes('/test/') || f.startsWith('src/')), 'no sources, maps or tests');
  assert.equal(report.version, pkg.version);
});

test('package.json points at files the tarball has: entry, types, manifest', () => {
  for (const field of [pkg.main, pkg.module, pkg.types, pkg.exports['.'].default, pkg.exports['.'].types, pkg.customElements]) {
    assert.ok(existsSync(`${root}${field}`), `${field} exists`);
  }
  const manifest = JSON.parse(readFileSync(`${root}${pkg.customElements}`, 'utf8'));
  const tags = manifest.modules.flatMap((/** @type {{ declarations?: { tagName?: string }[] }} */ m) => m.declarations ?? []).map((/** @type {{ tagName?: string }} */ d) => d.tagName);
  assert.ok(tags.includes('vllm-chat'), 'custom-elements.json declares <vllm-chat>');
  assert.equal(pkg.exports['./custom-elements.json'], `./${pkg.customElements}`);
});

test('the version is semver and the changelog has its section and an Unreleased one', () => {
  assert.match(pkg.version, /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/);
  const changelog = readFileSync(`${root}CHANGELOG.md`, 'utf8');
  assert.match(changelog, /^## \[Unreleased\]$/m);
  assert.match(changelog, new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
});

test('LICENSE is the MIT licence package.json names', () => {
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(`${root}LICENSE`, 'utf8'), /^MIT License\n[\s\S]*Permission is hereby granted, free of charge/);
});
