import { expect } from 'chai';
import type { ChatError } from '../../../src/shared/protocol.js';
import { streamCompletion } from '../../../src/worker/net/completion-stream.js';
import { httpError, isErrorPayload, serverMessage, streamError } from '../../../src/worker/net/server-error.js';
import {
  flatVllmError,
  llamacppError,
  modelNotFound,
  ollamaError,
  openaiError,
  vllmStreamError,
} from '../../../server/error-bodies.js';

const endpoint = new URL('/v1', location.href).href;

/** The error a real request with this `[mock error=…]` directive ends with. */
async function failWith(kind: string): Promise<ChatError | undefined> {
  const end = await streamCompletion(
    {
      endpoint,
      model: 'MyCoder',
      apiKey: '',
      messages: [{ role: 'user', content: `hi [mock error=${kind}]` }],
      render: { theme: 'github-dark', labels: { copy: 'Copy' } },
    },
    new AbortController().signal,
    () => {},
  );
  expect(end.status, kind).to.equal('error');
  return end.error;
}

function messageOf(body: string): string {
  return serverMessage(JSON.parse(body)) ?? '';
}

describe('server errors from the embedded server', () => {
  it('shows vLLM’s context-length message and suggests a shorter conversation (400)', async () => {
    const error = await failWith('400');
    expect(error?.code).to.equal('http');
    expect(error?.status).to.equal(400);
    expect(error?.message).to.match(/^This model's maximum context length is 32768 tokens\./);
    expect(error?.hint).to.equal('Shorten the conversation (clear it) or lower max-tokens.');
  });

  it('shows vLLM’s Unauthorized and points at the api-key (401)', async () => {
    const error = await failWith('401');
    expect(error).to.deep.include({ status: 401, message: 'Unauthorized', hint: 'Check the api-key attribute.' });
  });

  it('shows vLLM’s unknown-model message and points at endpoint and model (404)', async () => {
    const error = await failWith('404');
    expect(error?.status).to.equal(404);
    expect(error?.message).to.equal(messageOf(modelNotFound('MyCoder-XL').body));
    expect(error?.hint).to.contain('model name');
  });

  it('shows vLLM’s internal error and points at the server log (500)', async () => {
    const error = await failWith('500');
    expect(error?.status).to.equal(500);
    expect(error?.message).to.equal('The engine encountered an internal error; the request could not be completed.');
    expect(error?.hint).to.equal('Check the server’s log.');
  });

  it('reads the flat error of vLLM before 0.10', async () => {
    const error = await failWith('flat');
    expect(error?.status).to.equal(400);
    expect(error?.message).to.equal(messageOf(flatVllmError().body));
  });

  it('reads OpenAI’s error', async () => {
    const error = await failWith('openai');
    expect(error?.message).to.equal(messageOf(openaiError().body));
    expect(error?.hint).to.equal('Shorten the conversation (clear it) or lower max-tokens.');
  });

  it('reads llama.cpp’s error', async () => {
    const error = await failWith('llamacpp');
    expect(error?.message).to.equal(messageOf(llamacppError().body));
    expect(error?.hint).to.equal('Shorten the conversation (clear it) or lower max-tokens.');
  });

  it('reads Ollama’s string error', async () => {
    const error = await failWith('ollama');
    expect(error?.status).to.equal(404);
    expect(error?.message).to.equal(messageOf(ollamaError('MyCoder').body));
  });

  it('says an nginx 502 page is HTML, not the API', async () => {
    const error = await failWith('html');
    expect(error?.status).to.equal(502);
    expect(error?.message).to.contain('answered with an HTML page (HTTP 502), not the API');
    expect(error?.hint).to.contain('proxy');
  });
});

describe('httpError', () => {
  it('writes a sentence of ours when the body has no message', () => {
    expect(httpError(401, '', '', endpoint).message).to.equal('The server rejected the API key (HTTP 401).');
    expect(httpError(503, 'text/plain', 'upstream timed out', endpoint).message).to.equal('The server failed (HTTP 503).');
    expect(httpError(404, 'application/json', '{"foo":1}', endpoint).message).to.contain('wrong endpoint or model name');
    expect(httpError(422, 'application/json', 'null', endpoint).message).to.equal('The server refused the request (HTTP 422).');
  });

  it('recognises an HTML page by its text when the content type is missing', () => {
    const error = httpError(200, '', '  <!DOCTYPE html><html><body>app</body></html>', endpoint);
    expect(error.message).to.contain('HTML page (HTTP 200)');
  });

  it('reads FastAPI details and top-level messages', () => {
    expect(httpError(404, 'application/json', '{"detail":"Not Found"}', endpoint).message).to.equal('Not Found');
    const validation = '{"detail":[{"loc":["body","messages"],"msg":"Field required","type":"missing"}]}';
    expect(httpError(422, 'application/json', validation, endpoint).message).to.equal('Field required');
    expect(httpError(400, 'application/json', '{"message":"bad"}', endpoint).message).to.equal('bad');
  });

  it('clips a huge server message', () => {
    const error = httpError(500, 'application/json', JSON.stringify({ error: 'x'.repeat(10_000) }), endpoint);
    expect(error.message.length).to.be.lessThan(2_100);
  });
});

describe('streamError and isErrorPayload', () => {
  it('reads vLLM’s in-stream error event', () => {
    const body: unknown = JSON.parse(vllmStreamError('engine dead', 'InternalServerError', 500));
    expect(isErrorPayload(body)).to.equal(true);
    expect(streamError(body)).to.deep.include({ code: 'stream', message: 'engine dead' });
  });

  it('reads a flat error event and tells chunks from errors', () => {
    expect(isErrorPayload({ object: 'error', message: 'm' })).to.equal(true);
    expect(streamError({ object: 'error', message: 'm' }).message).to.equal('m');
    expect(isErrorPayload({ choices: [], error: null })).to.equal(false);
    expect(isErrorPayload({ object: 'chat.completion.chunk', choices: [] })).to.equal(false);
    expect(isErrorPayload('error')).to.equal(false);
  });

  it('has a sentence of ours for an error event without a message', () => {
    expect(streamError({ error: {} }).message).to.equal('The server reported an error in the middle of the reply.');
  });
});
