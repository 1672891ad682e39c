// The official `openai` client, written by others, talks to the embedded
// server as it would to vLLM: streaming with usage, whole completions, the
// models list, and its typed errors for each HTTP status.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startMockServer } from '../../server/mock-server.js';

/** @type {Awaited<ReturnType<typeof startMockServer>>} */
let server;
/** @type {OpenAI} */
let client;

before(async () => {
  server = await startMockServer({ rate: 0, apiKey: 'sk-openai-test' });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-openai-test', maxRetries: 0 });
});
after(() => server.close());

describe('openai client', () => {
  test('streams a chat completion and sees the usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'MyCoder',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: '写一个递归阶乘函数' }],
    });
    let content = '';
    let finish = null;
    /** @type {OpenAI.CompletionUsage | null | undefined} */
    let usage;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.match(content, /```python\ndef factorial/);
    assert.equal(finish, 'stop');
    assert.ok(usage && usage.completion_tokens > 50 && usage.total_tokens === usage.prompt_tokens + usage.completion_tokens);
  });

  test('gets a whole completion without streaming', async () => {
    const completion = await client.chat.completions.create({
      model: 'MyCoder',
      messages: [{ role: 'user', content: '[mock echo=1] return 42' }],
    });
    assert.equal(completion.choices[0]?.message.content, 'return 42');
    assert.equal(completion.choices[0]?.finish_reason, 'stop');
    assert.equal(completion.usage?.completion_tokens, 4);
  });

  test('lists the models', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.deepEqual(ids, ['MyCoder']);
  });

  test('raises BadRequestError for a 400', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'MyCoder', max_tokens: 99999, messages: [{ role: 'user', content: 'hi' }] }),
      error => error instanceof OpenAI.BadRequestError && error.status === 400 && /maximum context length/.test(error.message),
    );
  });

  test('raises AuthenticationError for a wrong key', async () => {
    const wrong = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    await assert.rejects(wrong.models.list(), error => error instanceof OpenAI.AuthenticationError && error.status === 401);
  });

  test('raises NotFoundError for an unknown model', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'NoSuchModel', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      error =>
        error instanceof OpenAI.NotFoundError && error.status === 404 && error.message.includes('The model `NoSuchModel` does not exist.'),
    );
  });

  test('raises APIError for an error event inside the stream, after the tokens before it', async () => {
    const stream = await client.chat.completions.create({
      model: 'MyCoder',
      stream: true,
      messages: [{ role: 'user', content: '[mock error=mid after=3] write a factorial' }],
    });
    let deltas = 0;
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas++;
      })(),
      error => error instanceof OpenAI.APIError && /failed while generating/.test(error.message),
    );
    assert.equal(deltas, 3);
  });
});
