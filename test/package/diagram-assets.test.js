// The diagram frame's page as the build ships it: its one inline script
// carries the nonce its policy allows (else the frame would stay dead with the
// violation reported only inside it), it is large enough that Vite keeps it
// a file rather than a `data:` URL (which would take the embedding page's
// policy), and the bundle names it and Mermaid's script by `new URL()`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { checkedFramePage } from '../../scripts/diagram-assets.js';

const root = new URL('../../', import.meta.url).pathname;
const page = readFileSync(`${root}src/element/view/diagram-frame.html`, 'utf8');

test("the frame page's policy allows exactly its script, and the build pads it past Vite's inline limit", () => {
  const shipped = checkedFramePage(page);
  assert.ok(Buffer.byteLength(shipped) >= 4096, `${Buffer.byteLength(shipped)} bytes`);
  assert.ok(shipped.startsWith(page));
  const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(page)?.[1] ?? '';
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /script-src 'nonce-[\w-]+' 'strict-dynamic'(;|$)/);
});

test('a frame page whose script does not carry the nonce its policy names is refused', () => {
  const nonce = /'nonce-([\w-]+)'/.exec(page)?.[1] ?? '';
  assert.ok(nonce);
  assert.throws(() => checkedFramePage(page.replace(`nonce="${nonce}"`, 'nonce="other"')), /carries nonce "other"/);
  assert.throws(() => checkedFramePage(page.replace(` nonce="${nonce}"`, '')), /carries no nonce/);
  assert.throws(() => checkedFramePage(page.replace('</body>', '<script>1</script></body>')), /2 inline scripts/);
});

test('the bundle ships the frame page and Mermaid as files named by new URL() in the entry', () => {
  assert.ok(existsSync(`${root}dist/vllm-chat.js`), 'dist/ is missing: run `npm run build`');
  const chunks = readdirSync(`${root}dist/chunks`);
  const frames = chunks.filter(name => /^diagram-frame-[\w]{8}\.html$/.test(name));
  const scripts = chunks.filter(name => /^mermaid-[\w]{8}\.js$/.test(name));
  assert.equal(frames.length, 1, chunks.join(', '));
  assert.equal(scripts.length, 1, chunks.join(', '));
  assert.doesNotThrow(() => checkedFramePage(readFileSync(`${root}dist/chunks/${frames[0]}`, 'utf8')));
  const entry = readFileSync(`${root}dist/vllm-chat.js`, 'utf8');
  for (const file of [...frames, ...scripts]) assert.ok(entry.includes(`new URL("./chunks/${file}", import.meta.url)`), file);
  // Mermaid's classic build, not its ES chunks: one file whatever the diagram type.
  assert.equal(chunks.filter(name => /Diagram-|^chunk-/.test(name)).length, 0);
});
