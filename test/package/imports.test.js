// The folders of src/ draw the pipeline, and imports run one way along it:
// the element and the worker meet only in src/shared/ (the contract), and
// inside the worker the network does not know the renderer, nor the renderer
// the network. Every reference counts: static and type imports, re-exports,
// dynamic `import()`, and `new URL('…', import.meta.url)`, except a URL of a
// `*.worker.ts` entry, which starts that module as a thread of its own
// rather than importing its code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = new URL('../../', import.meta.url).pathname;
const src = join(root, 'src');

/** [layer, the layers it must not reference], folders relative to src/. */
const forbidden = /** @type {const} */ ([
  ['element/', ['worker/']],
  ['worker/', ['element/']],
  ['shared/', ['element/', 'worker/']],
  ['worker/net/', ['worker/render/', 'worker/session/']],
  ['worker/render/', ['worker/net/', 'worker/session/']],
]);

/** @typedef {{ specifier: string, kind: 'import' | 'export' | 'dynamic' | 'url', line: number }} Reference */

/**
 * Every module reference in a TypeScript source.
 * @param {string} fileName
 * @param {string} text
 * @returns {Reference[]}
 */
function references(fileName, text) {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  /** @type {Reference[]} */
  const found = [];
  /** @param {ts.Node} node @param {Reference['kind']} kind @param {ts.Expression} literal */
  const add = (node, kind, literal) => {
    if (!ts.isStringLiteralLike(literal)) return;
    found.push({ specifier: literal.text, kind, line: file.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  /** @param {ts.Node} node */
  const visit = node => {
    if (ts.isImportDeclaration(node)) add(node, 'import', node.moduleSpecifier);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node, 'export', node.moduleSpecifier);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, 'import', node.argument.literal);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0]) {
      add(node, 'dynamic', node.arguments[0]);
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'URL' &&
      node.arguments?.length === 2 &&
      node.arguments[1]?.getText(file) === 'import.meta.url' &&
      node.arguments[0]
    ) {
      add(node, 'url', node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** @param {string} dir @returns {string[]} */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.ts$/.test(entry.name) ? [path] : [];
  });
}

/**
 * The src/-relative path a relative specifier names (`.js` is the emitted
 * name of a `.ts` source); undefined for packages.
 * @param {string} from absolute path of the importing file
 * @param {string} specifier
 */
function target(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const path = resolve(dirname(from), specifier.replace(/\?.*$/, '')).replace(/\.js$/, '.ts');
  return relative(src, path);
}

/**
 * The references of `file` (src/-relative) that cross a forbidden line, as messages.
 * @param {string} file
 * @param {string} text
 */
function violations(file, text) {
  const rules = forbidden.filter(([layer]) => file.startsWith(layer));
  return references(file, text).flatMap(ref => {
    const to = target(join(src, file), ref.specifier);
    if (to === undefined) return [];
    if (ref.kind === 'url' && /\.worker\.ts$/.test(to)) return [];
    return rules
      .filter(([, banned]) => banned.some(prefix => to.startsWith(prefix)))
      .map(([layer]) => `src/${file}:${ref.line} (${layer}) references src/${to}`);
  });
}

test('finds every kind of module reference', () => {
  const text = [
    "import a from './a.js';",
    "import type { B } from './b.js';",
    "import './c.js';",
    "export { d } from './d.js';",
    "export * from './e.js';",
    "const f = await import('./f.js');",
    "const g = new URL('./g.worker.ts', import.meta.url);",
    "type H = import('./h.js').H;",
    "const ignored = new URL('./i.js', location.href);",
  ].join('\n');
  assert.deepEqual(
    references('x.ts', text).map(r => `${r.kind} ${r.specifier}`),
    ['import ./a.js', 'import ./b.js', 'import ./c.js', 'export ./d.js', 'export ./e.js', 'dynamic ./f.js', 'url ./g.worker.ts', 'import ./h.js'],
  );
});

test('flags a reference across each forbidden line, and allows starting a worker entry', () => {
  assert.equal(violations('element/view/x.ts', "import { a } from '../../worker/render/code-block.js';").length, 1);
  assert.equal(violations('element/x.ts', "const m = import('../worker/net/models.js');").length, 1);
  assert.equal(violations('worker/session/x.ts', "import type { V } from '../../element/strings.js';").length, 1);
  assert.equal(violations('shared/x.ts', "export * from '../element/emit.js';").length, 1);
  assert.equal(violations('worker/net/x.ts', "import { r } from '../render/markdown.js';").length, 1);
  assert.equal(violations('worker/render/x.ts', "import { s } from '../session/stream-session.js';").length, 1);
  assert.equal(violations('worker/render/x.ts', "import { n } from '../net/sse.js';").length, 1);
  assert.equal(violations('element/x.ts', "new Worker(new URL('../worker/chat.worker.ts', import.meta.url));").length, 0);
  assert.equal(violations('worker/session/x.ts', "import { n } from '../net/sse.js'; import { r } from '../render/markdown.js';").length, 0);
  assert.equal(violations('element/x.ts', "import type { P } from '../shared/protocol.js'; import { html } from 'lit';").length, 0);
});

test('src/ imports run one way: element and worker meet only in shared, net and render do not know each other', () => {
  const files = sources(src);
  assert.ok(files.length > 20, `found ${files.length} sources`);
  const found = files.flatMap(path => violations(relative(src, path), readFileSync(path, 'utf8')));
  assert.deepEqual(found, []);
});
