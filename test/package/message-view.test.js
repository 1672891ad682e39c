// A message's nodes are edited by its MessageView only: the helpers that edit
// them (block ops, re-colouring) are imported by the view and by each other,
// by no other module of the source. The one read-only export of apply-patch,
// `codeBlockSource`, may be used anywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** @param {string} dir @returns {string[]} */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/**
 * Names imported from modules whose path ends with `module`, in each import statement of `text`.
 * @param {string} text
 * @param {string} module
 * @returns {string[]}
 */
function importedNames(text, module) {
  const names = [];
  for (const match of text.matchAll(/import\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)'/g)) {
    if (match[1] || !(match[3] ?? '').endsWith(module)) continue;
    const clause = match[2] ?? '';
    const braces = /\{([\s\S]*)\}/.exec(clause);
    if (braces) names.push(...(braces[1] ?? '').split(',').map(n => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0] ?? '').filter(Boolean));
    else names.push(clause.trim());
  }
  return names;
}

const editors = {
  '/recolour-code.js': { names: ['recolourCode'], allowed: ['src/element/view/message-view.ts'] },
  '/diagrams.js': { names: ['drawDiagrams', 'redrawDiagrams', 'relabelDiagrams'], allowed: ['src/element/view/message-view.ts'] },
  '/apply-patch.js': { names: ['applyPatch', 'restyleCodeBlock'], allowed: ['src/element/view/message-view.ts', 'src/element/view/recolour-code.ts'] },
};

test('only the message view (and its helpers) import what edits a message', () => {
  const offenders = [];
  for (const file of sources(join(root, 'src'))) {
    const path = relative(root, file);
    const text = readFileSync(file, 'utf8');
    for (const [module, { names, allowed }] of Object.entries(editors)) {
      if (allowed.includes(path)) continue;
      const used = importedNames(text, module).filter(name => names.includes(name) || name.startsWith('*'));
      if (used.length) offenders.push(`${path}: ${used.join(', ')} from ${module}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('the check sees an import of applyPatch', () => {
  assert.deepEqual(importedNames("import { applyPatch, codeBlockSource as src } from '../view/apply-patch.js';", '/apply-patch.js'), [
    'applyPatch',
    'codeBlockSource',
  ]);
  assert.deepEqual(importedNames("import * as patch from './apply-patch.js';", '/apply-patch.js'), ['* as patch']);
});
