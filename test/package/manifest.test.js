// The published custom-elements.json is generated from the element's class
// JSDoc: it must be up to date and name every attribute, event, part and
// method of the public contract (docs/api.md), which IDEs and docs tools read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cli } from '@custom-elements-manifest/analyzer/cli.js';

const root = new URL('../../', import.meta.url).pathname;

/** @typedef {{ name: string }} Named */
/** @typedef {{ tagName?: string, attributes?: Named[], events?: Named[], cssParts?: Named[], members?: (Named & { kind: string })[] }} Declaration */

/** @param {{ modules: { declarations?: Declaration[] }[] }} manifest */
function element(manifest) {
  const found = manifest.modules.flatMap(m => m.declarations ?? []).find(d => d.tagName === 'vllm-chat');
  assert.ok(found, 'the manifest declares <vllm-chat>');
  return found;
}

const committed = JSON.parse(readFileSync(`${root}custom-elements.json`, 'utf8'));

test('custom-elements.json is what the analyzer makes of the current source', async () => {
  const fresh = await cli({
    argv: ['analyze', '--config', 'custom-elements-manifest.config.mjs', '--quiet'],
    cwd: root,
    noWrite: true,
  });
  assert.deepEqual(JSON.parse(JSON.stringify(fresh)), committed, 'run `npm run manifest` and commit the result');
});

test('the manifest names every attribute, event, part and method of the contract', () => {
  const el = element(committed);
  const names = (/** @type {Named[] | undefined} */ list) => new Set((list ?? []).map(x => x.name));
  const attributes = names(el.attributes);
  for (const a of ['endpoint', 'model', 'api-key', 'system-prompt', 'temperature', 'max-tokens', 'theme', 'storage-key']) {
    assert.ok(attributes.has(a), `attribute ${a}`);
  }
  const events = names(el.events);
  for (const e of ['vllm-chat-start', 'vllm-chat-done', 'vllm-chat-error']) assert.ok(events.has(e), `event ${e}`);
  const parts = names(el.cssParts);
  for (const p of ['message', 'user', 'assistant', 'code-block', 'copy-button', 'input', 'send-button', 'stop-button', 'reasoning', 'error']) {
    assert.ok(parts.has(p), `part ${p}`);
  }
  const methods = names(el.members?.filter(m => m.kind === 'method'));
  for (const m of ['send', 'stop', 'clear']) assert.ok(methods.has(m), `method ${m}`);
  assert.ok(names(el.members).has('messages'), 'member messages');
});
