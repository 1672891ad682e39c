import { expect } from 'chai';
import * as Comlink from 'comlink';
import type { ChatRequest, Patch, WorkerApi } from '../../src/shared/protocol.js';
import { streamCompletion } from '../../src/worker/net/completion-stream.js';
import { chatRequest } from '../support/chat-request.js';

declare const testServers: { crossOrigin: string; keyed: string; keyedApiKey: string; multiModel: string };

const endpoint = testServers.crossOrigin;

/** What the server streams for `text`, read directly (the reference for the worker's deltas). */
async function direct(text: string): Promise<string> {
  let content = '';
  await streamCompletion(chatRequest(endpoint, text), new AbortController().signal, d => (content += d.content));
  return content;
}

const nextFrame = () => new Promise<void>(resolve => requestAnimationFrame(() => resolve()));
const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));

/**
 * Streams through the worker like the element does: `onPatch` resolves after
 * `apply` (a frame by default). Fails the test if a patch arrives while the
 * previous one is still being applied, or after the last one.
 */
async function streamThrough(
  remote: Comlink.Remote<WorkerApi>,
  id: string,
  req: ChatRequest,
  apply: (patch: Patch, index: number) => Promise<void> = () => nextFrame(),
) {
  const patches: Patch[] = [];
  const violations: string[] = [];
  let inFlight = false;
  let ended = false;
  await remote.stream(
    id,
    req,
    Comlink.proxy(async (patch: Patch) => {
      if (inFlight) violations.push(`patch ${patches.length} arrived before the previous one was applied`);
      if (ended) violations.push(`patch ${patches.length} arrived after the end`);
      inFlight = true;
      patches.push(patch);
      if (patch.end) ended = true;
      await apply(patch, patches.length - 1);
      inFlight = false;
    }),
  );
  const content = patches.map(p => p.contentDelta ?? '').join('');
  const reasoning = patches.map(p => p.reasoningDelta ?? '').join('');
  return { patches, violations, content, reasoning, end: patches.at(-1)?.end };
}

describe('chat.worker through Comlink', () => {
  let worker: Worker;
  let remote: Comlink.Remote<WorkerApi>;

  before(() => {
    worker = new Worker(new URL('../../src/worker/chat.worker.ts', import.meta.url), { type: 'module' });
    remote = Comlink.wrap<WorkerApi>(worker);
  });

  after(() => {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  });

  it('answers the readiness probe', async () => {
    expect(await remote.ping()).to.equal('pong');
  });

  it('warms up the highlighter with a theme, falling back for an unknown one', async () => {
    await remote.warmUp('github-light');
    await remote.warmUp('no-such-theme');
    const patch = await remote.render({ content: '```js\nconst a = 1;\n```' }, { theme: 'github-light', labels: { copy: 'Copy' } });
    const open = patch.content?.find(op => op.type === 'code-open');
    expect(open && 'html' in open ? open.html : '').to.include('t-github-light');
  });

  it('streams a reply as patches applied one at a time, ending with the end patch', async () => {
    const text = '请写代码 [mock lines=60 lang=py rate=400]';
    const { patches, violations, content, end } = await streamThrough(remote, 'a', chatRequest(endpoint, text));
    expect(violations).to.deep.equal([]);
    expect(end?.status).to.equal('done');
    expect(end?.finishReason).to.equal('stop');
    expect(end?.model).to.equal('MyCoder');
    expect(end?.usage?.completionTokens).to.be.greaterThan(0);
    expect(patches.filter(p => p.end)).to.have.length(1);
    expect(content).to.equal(await direct(text));
    expect(patches.some(p => p.content?.some(op => op.type === 'code-open'))).to.equal(true);
    const last = patches.at(-1)?.stats;
    expect(last?.tokens).to.be.greaterThan(60);
    expect(last?.elapsedMs).to.be.greaterThan(0);
  });

  it('keeps reading the network while a patch is being applied, coalescing the rest into a few patches', async () => {
    const text = '[mock lines=200 lang=ts rate=2000]';
    const origin = new URL(endpoint).origin;
    const { patches, violations, content, end } = await streamThrough(remote, 'b', chatRequest(endpoint, text), async (_, index) => {
      if (index !== 0) return nextFrame();
      // Hold the first patch until the server has written the whole reply.
      for (let i = 0; i < 200; i++) {
        const records = (await (await fetch(`${origin}/__mock/requests`)).json()) as { endedAt: number | null; body: unknown }[];
        const mine = records.filter(r => JSON.stringify(r.body).includes('lines=200 lang=ts rate=2000')).at(-1);
        if (mine?.endedAt) break;
        await sleep(25);
      }
      await sleep(300);
    });
    expect(violations).to.deep.equal([]);
    expect(end?.status).to.equal('done');
    expect(content).to.equal(await direct(text));
    // The worker renders one patch ahead while the first is held; everything that
    // arrived after that goes in with the patch after it…
    expect(patches.slice(3).filter(p => p.contentDelta)).to.deep.equal([]);
    // …and is rendered in slices of at least one 64-line batch each, not one patch per token.
    expect(patches.length).to.be.at.most(3 + Math.ceil(200 / 64) + 1);
  });

  it('stops a reply on stop(id), keeping what arrived', async () => {
    let stopped = false;
    const { content, end, violations } = await streamThrough(
      remote,
      'c',
      chatRequest(endpoint, '[mock lines=3000 lang=py rate=300]'),
      async patch => {
        if (!stopped && (patch.contentDelta?.length ?? 0) > 0) {
          stopped = true;
          await remote.stop('c');
        }
        await nextFrame();
      },
    );
    expect(violations).to.deep.equal([]);
    expect(end?.status).to.equal('stopped');
    expect(end?.error).to.equal(undefined);
    expect(content.length).to.be.greaterThan(0);
  });

  it('ends with the error as data, and resolves, when the server refuses', async () => {
    const { end, patches } = await streamThrough(remote, 'd', chatRequest(endpoint, '[mock error=401]'));
    expect(patches).to.have.length(1);
    expect(end?.status).to.equal('error');
    expect(end?.error).to.deep.include({ code: 'http', status: 401, message: 'Unauthorized' });
  });

  it('moves a leading <think> block to reasoning', async () => {
    const { content, reasoning, end, patches } = await streamThrough(remote, 'e', chatRequest(endpoint, 'hello [mock think=1 echo=1]'));
    expect(end?.status).to.equal('done');
    expect(reasoning.length).to.be.greaterThan(0);
    expect(content).to.equal('\n\nhello');
    expect(patches.some(p => p.reasoning?.length)).to.equal(true);
  });

  it('lists models and renders a finished message in one patch', async () => {
    expect(await remote.listModels(testServers.multiModel, '')).to.deep.equal({ ok: true, models: ['MyCoder', 'MyCoder-Large'] });
    const patch = await remote.render(
      { content: 'Text\n\n```py\nprint(1)\n```\n', reasoning: 'think' },
      { theme: 'github-dark', labels: { copy: 'Copy' } },
    );
    expect(patch.end).to.equal(undefined);
    expect(patch.content?.length).to.be.greaterThan(0);
    expect(patch.reasoning?.length).to.be.greaterThan(0);
    expect(patch.styles?.length).to.be.greaterThan(0);
  });
});
