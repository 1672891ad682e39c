// Content-part messages as vLLM takes and refuses them, and the `describe=1` directive, over real HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../server/mock-server.js';

/** A 1×1 PNG: 70 bytes. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** @type {Awaited<ReturnType<typeof startMockServer>>} */
let server;
before(async () => {
  server = await startMockServer({ rate: 0 });
});
after(() => server.close());

/** @param {unknown} content */
function chat(content, stream = false) {
  return fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stream, messages: [{ role: 'user', content }] }),
  });
}

test('a text part and an image part are accepted, and describe=1 tells their sizes', async () => {
  const response = await chat([
    { type: 'text', text: 'what is this? [mock describe=1]' },
    { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
  ]);
  assert.equal(response.status, 200);
  const body = await response.json();
  const answer = body.choices[0].message.content;
  assert.equal(Buffer.from(PNG, 'base64').length, 70);
  assert.equal(answer, 'The message has 2 parts:\n\n- part 1: text, 31 characters\n- part 2: image, image/png, 70 bytes');
});

test('describe=1 on a string message tells its length', async () => {
  const body = await (await chat('héllo [mock describe=1]')).json();
  assert.equal(body.choices[0].message.content, 'The message is a string of 23 characters.');
});

test('describe=1 streams its answer like any other', async () => {
  const text = await (await chat([{ type: 'text', text: '[mock describe=1]' }], true)).text();
  const joined = text
    .split('\n\n')
    .filter(e => e.startsWith('data: {'))
    .map(e => JSON.parse(e.slice(6)).choices[0]?.delta?.content ?? '')
    .join('');
  assert.equal(joined, 'The message has 1 parts:\n\n- part 1: text, 17 characters');
});

test('an image part without image_url.url is vLLM’s 400 validation error', async () => {
  const response = await chat([{ type: 'text', text: 'x' }, { type: 'image_url', image_url: {} }]);
  assert.equal(response.status, 400);
  assert.equal(
    await response.text(),
    '{"error":{"message":"1 validation error:\\n  {\'type\': \'missing\', \'loc\': (\'body\', \'messages\', 0, \'user\', \'content\', 1, \'image_url\', \'url\'), \'msg\': \'Field required\', \'input\': {}}","type":"Bad Request","param":"body.messages.0.user.content.1.image_url.url","code":400}}',
  );
});

test('an unknown part type is a 400 literal_error naming the allowed types', async () => {
  const response = await chat([{ type: 'video', video: 'x' }]);
  assert.equal(response.status, 400);
  const body = await response.json();
  assert.equal(body.error.type, 'Bad Request');
  assert.equal(body.error.code, 400);
  assert.equal(body.error.param, 'body.messages.0.user.content.0.type');
  assert.match(body.error.message, /^1 validation error:\n {2}\{'type': 'literal_error', .*'input': 'video'/);
});

test('content that is neither a string nor a list, a text part without text, and a part that is no object are 400', async () => {
  for (const [content, param] of [
    [{ type: 'text', text: 'x' }, 'body.messages.0.user.content'],
    [[{ type: 'text' }], 'body.messages.0.user.content.0.text'],
    [['just a string'], 'body.messages.0.user.content.0'],
    [[{ type: 'image_url', image_url: 'data:x' }], 'body.messages.0.user.content.0.image_url'],
  ]) {
    const response = await chat(content);
    assert.equal(response.status, 400, JSON.stringify(content));
    assert.equal((await response.json()).error.param, param);
  }
});
