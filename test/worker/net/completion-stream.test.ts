import { expect } from 'chai';
import type { ChatRequest, StreamEnd } from '../../../src/shared/protocol.js';
import { streamCompletion } from '../../../src/worker/net/completion-stream.js';
import { listModels } from '../../../src/worker/net/models.js';
import { chatRequest } from '../../support/chat-request.js';

declare const testServers: { crossOrigin: string; keyed: string; keyedApiKey: string; multiModel: string };

const sameOrigin = new URL('/v1', location.href).href;

interface Outcome {
  end: StreamEnd;
  content: string;
  reasoning: string;
}

async function run(
  text: string,
  options: Partial<ChatRequest> = {},
  onText?: (outcome: Outcome, controller: AbortController) => void,
): Promise<Outcome> {
  const controller = new AbortController();
  const outcome = { content: '', reasoning: '' } as Outcome;
  outcome.end = await streamCompletion(chatRequest(sameOrigin, text, options), controller.signal, delta => {
    outcome.content += delta.content;
    outcome.reasoning += delta.reasoning;
    onText?.(outcome, controller);
  });
  return outcome;
}

/** The requests a server recorded after the one with id `after`. */
async function recorded(apiBase: string, after = 0): Promise<{ id: number; path: string; aborted: boolean; headers: Record<string, string>; body: unknown }[]> {
  const response = await fetch(new URL('/__mock/requests', apiBase));
  const records = (await response.json()) as { id: number; path: string; aborted: boolean; headers: Record<string, string>; body: unknown }[];
  return records.filter(r => r.id > after);
}

async function lastId(apiBase: string): Promise<number> {
  const records = await recorded(apiBase);
  return records.at(-1)?.id ?? 0;
}

describe('streamCompletion', () => {
  it('delivers the reply text, its usage, finish reason and model', async () => {
    const { end, content, reasoning } = await run('请写一个函数 🙂 [mock echo=1 rate=0]');
    expect(end.status).to.equal('done');
    expect(content).to.equal('请写一个函数 🙂');
    expect(reasoning).to.equal('');
    expect(end.finishReason).to.equal('stop');
    expect(end.model).to.equal('MyCoder');
    expect(end.usage?.promptTokens).to.be.greaterThan(0);
    expect(end.usage?.completionTokens).to.be.greaterThan(0);
    expect(end.error).to.equal(undefined);
  });

  it('sends the OpenAI body with unset options omitted', async () => {
    const before = await lastId(testServers.crossOrigin);
    await run('hi [mock echo=1 rate=0]', { endpoint: testServers.crossOrigin, temperature: 0.2 });
    const [record] = (await recorded(testServers.crossOrigin, before)).filter(r => r.path === '/v1/chat/completions');
    expect(record?.body).to.deep.equal({
      model: 'MyCoder',
      messages: [{ role: 'user', content: 'hi [mock echo=1 rate=0]' }],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
    });
  });

  it('ends with finish reason length when max-tokens cuts the reply', async () => {
    const { end, content } = await run('[mock lines=500 lang=py rate=0]', { maxTokens: 12 });
    expect(end.status).to.equal('done');
    expect(end.finishReason).to.equal('length');
    expect(end.usage?.completionTokens).to.equal(12);
    expect(content.length).to.be.greaterThan(0);
  });

  it('separates reasoning sent as delta.reasoning_content', async () => {
    const { end, content, reasoning } = await run('hello [mock reasoning=20 echo=1 rate=0]');
    expect(end.status).to.equal('done');
    expect(reasoning.length).to.be.greaterThan(0);
    expect(content).to.equal('hello');
  });

  it('separates reasoning sent as delta.reasoning', async () => {
    const { content, reasoning } = await run('hello [mock reasoning=20 reasoning_field=reasoning echo=1 rate=0]');
    expect(reasoning.length).to.be.greaterThan(0);
    expect(content).to.equal('hello');
  });

  it('turns a leading <think> block of the content into reasoning', async () => {
    const { end, content, reasoning } = await run('hello [mock think=1 echo=1 rate=0]');
    expect(end.status).to.equal('done');
    expect(reasoning.trim().length).to.be.greaterThan(0);
    expect(reasoning).not.to.contain('<think>');
    expect(content).to.equal('\n\nhello');
  });

  it('keeps the partial reply when the server reports an error mid-stream', async () => {
    const { end, content } = await run('[mock lines=50 error=mid after=8 rate=0]');
    expect(end.status).to.equal('error');
    expect(end.error?.code).to.equal('stream');
    expect(end.error?.message).to.equal('The engine failed while generating this reply; the request was aborted.');
    expect(content.length).to.be.greaterThan(0);
  });

  it('keeps the partial reply and reports a lost connection when the server cuts it', async () => {
    const { end, content } = await run('[mock lines=50 error=cut after=8 rate=200]');
    expect(end.status).to.equal('error');
    expect(end.error?.code).to.equal('network');
    expect(end.error?.message).to.contain('connection');
    expect(end.error?.message).to.contain('what arrived is kept');
    expect(content.length).to.be.greaterThan(0);
  });

  it('says a proxy HTML page is not the API', async () => {
    const { end } = await run('[mock error=html]');
    expect(end.status).to.equal('error');
    expect(end.error?.status).to.equal(502);
    expect(end.error?.message).to.equal(
      `The server at ${sameOrigin} answered with an HTML page (HTTP 502), not the API: check the endpoint and any proxy in front of the server.`,
    );
  });

  it('says the server cannot be reached, naming CORS, when nothing answers', async () => {
    // A closed port below the ephemeral range (the test servers' ports) and not on Chromium's blocked list.
    const endpoint = 'http://127.0.0.1:20901/v1';
    const { end } = await run('hi', { endpoint });
    expect(end.status).to.equal('error');
    expect(end.error?.code).to.equal('network');
    expect(end.error?.message).to.equal(`Cannot reach ${endpoint}: is the server running and does it allow this origin (CORS)?`);
    expect(end.error?.hint).to.equal('Check the endpoint attribute and that the server is running.');
  });

  it('streams from another origin through CORS', async () => {
    const { end, content } = await run('跨域 [mock echo=1 rate=0]', { endpoint: testServers.crossOrigin });
    expect(end.status).to.equal('done');
    expect(content).to.equal('跨域');
  });

  it('sends the model as it is given, without asking /models (the element chooses one)', async () => {
    const before = await lastId(testServers.keyed);
    await run('hi [mock echo=1 rate=0]', { endpoint: testServers.keyed, apiKey: testServers.keyedApiKey, model: '' });
    const records = await recorded(testServers.keyed, before);
    expect(records.map(r => r.path)).to.deep.equal(['/v1/chat/completions']);
    expect((records[0]?.body as { model?: string }).model).to.equal('');
  });

  it('lists every model the server serves, in its order', async () => {
    const list = await listModels(testServers.multiModel, '');
    expect(list).to.deep.equal({ ok: true, models: ['MyCoder', 'MyCoder-Large'] });
  });

  it('points at the api-key when a wrong key is refused without CORS headers, as vLLM does', async () => {
    const list = await listModels(testServers.keyed, 'wrong');
    expect(list.ok).to.equal(false);
    if (list.ok) return;
    expect(list.error.code).to.equal('network');
    expect(list.error.hint).to.contain('withheld the answer (CORS)');
    expect(list.error.hint).to.contain('check the api-key attribute');
  });

  it('reports a rejected API key with its status when the refusal is readable (same origin)', async () => {
    const { end } = await run('hi [mock error=401]');
    expect(end.error).to.deep.include({ status: 401, hint: 'Check the api-key attribute.' });
  });

  it('stops on abort, keeps what arrived, and the server sees the disconnect', async () => {
    const before = await lastId(testServers.crossOrigin);
    const endpoint = testServers.crossOrigin;
    const { end, content } = await run('[mock lines=2000 lang=py rate=400]', { endpoint }, (outcome, controller) => {
      if (outcome.content.length > 200) controller.abort();
    });
    expect(end.status).to.equal('stopped');
    expect(end.error).to.equal(undefined);
    expect(content.length).to.be.greaterThan(200);
    let record: { aborted: boolean } | undefined;
    for (let i = 0; i < 50 && !record?.aborted; i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
      record = (await recorded(endpoint, before)).find(r => r.path === '/v1/chat/completions');
    }
    expect(record?.aborted).to.equal(true);
  });
});

/**
 * Bodies no server directive produces, served whole from a `data:` URL (fetch
 * answers any method there); the `#` turns the appended path into a fragment.
 */
function dataEndpoint(type: string, body: string): string {
  return `data:${type},${encodeURIComponent(body)}#`;
}

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ object: 'chat.completion.chunk', model: 'M', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('streamCompletion on bodies that no server directive produces', () => {
  it('ends with a protocol error on a chunk that is not JSON, keeping what came before', async () => {
    const body = chunk({ content: 'kept' }) + 'data: {"choices": [oops\n\n' + chunk({ content: 'never' });
    const { end, content } = await run('hi', { endpoint: dataEndpoint('text/event-stream', body) });
    expect(end.status).to.equal('error');
    expect(end.error?.code).to.equal('protocol');
    expect(end.error?.message).to.contain('not an OpenAI-compatible answer');
    expect(content).to.equal('kept');
  });

  it('ends with a protocol error when the body ends with neither [DONE] nor a finish reason', async () => {
    const { end, content } = await run('hi', { endpoint: dataEndpoint('text/event-stream', chunk({ content: 'half' })) });
    expect(end.status).to.equal('error');
    expect(end.error?.code).to.equal('protocol');
    expect(end.error?.message).to.contain('before finishing it');
    expect(content).to.equal('half');
  });

  it('counts a reply with a finish reason as done even without [DONE]', async () => {
    const body = chunk({ content: 'all' }) + chunk({}, 'stop');
    const { end, content } = await run('hi', { endpoint: dataEndpoint('text/event-stream', body) });
    expect(end).to.deep.include({ status: 'done', finishReason: 'stop', model: 'M' });
    expect(content).to.equal('all');
  });

  it('reads a whole JSON completion from a server that ignores stream: true', async () => {
    const body = JSON.stringify({
      model: 'M',
      choices: [{ index: 0, message: { role: 'assistant', content: '<think>r</think>answer' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
    const { end, content, reasoning } = await run('hi', { endpoint: dataEndpoint('application/json', body) });
    expect(end).to.deep.include({ status: 'done', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 2 } });
    expect(reasoning).to.equal('r');
    expect(content).to.equal('answer');
  });

  it('says a 200 HTML page (a web app’s fallback route) is not the API', async () => {
    const { end } = await run('hi', { endpoint: dataEndpoint('text/html', '<!doctype html><title>app</title>') });
    expect(end.status).to.equal('error');
    expect(end.error?.message).to.contain('answered with an HTML page (HTTP 200), not the API');
  });

  it('reports an endpoint that is not a URL', async () => {
    const { end } = await run('hi', { endpoint: 'http://[bad' });
    expect(end.error?.message).to.equal('The endpoint "http://[bad" is not a valid URL.');
  });
});
