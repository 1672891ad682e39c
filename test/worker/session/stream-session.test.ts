import { expect } from 'chai';
import type { ChatRequest, Patch, StreamEnd } from '../../../src/shared/protocol.js';
import type { CompletionDelta } from '../../../src/worker/net/completion-stream.js';
import { readCompletion } from '../../../src/worker/net/completion-stream.js';
import { MessageRenderer } from '../../../src/worker/render/message-renderer.js';
import { COLOUR_PAUSE_MS, SHARED_COLOUR_BUDGET_MS, StreamSession, TAKE_BUDGET_MS, type PatchRenderer, type ReplySource } from '../../../src/worker/session/stream-session.js';
import { apply, applyAll, newSection, renderOnce, renderOptions } from '../../support/render-harness.js';

const request: ChatRequest = {
  endpoint: 'http://model.invalid/v1',
  model: 'MyCoder',
  apiKey: '',
  messages: [{ role: 'user', content: 'write code' }],
  render: renderOptions,
};

const answer = [
  'Here is the code:',
  '',
  '```py',
  ...Array.from({ length: 60 }, (_, i) => `value_${i} = compute(${i}, "s${i}")  # line ${i}`),
  '```',
  '',
  '- one',
  '- two',
  '',
  'Done.',
].join('\n');

/** `text` cut into tokens of a few characters, as a model streams it. */
function tokens(text: string, size = 5): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const delta = (content: string): CompletionDelta => ({ content, reasoning: '' });

/** A task boundary: what a socket read is to the session. */
const nextTask = () => new Promise<void>(resolve => setTimeout(resolve, 0));

/** What the element saw: every patch, in order, and the text and DOM they build. */
interface Received {
  patches: Patch[];
  text: string;
  end: StreamEnd | undefined;
  html: string;
}

function received(patches: Patch[]): Received {
  const section = applyAll(patches);
  const html = section.innerHTML;
  section.remove();
  return { patches, text: patches.map(p => p.contentDelta ?? '').join(''), end: patches.at(-1)?.end, html };
}

async function oneShotHtml(text: string): Promise<string> {
  const section = applyAll([await renderOnce(text)]);
  const html = section.innerHTML;
  section.remove();
  return html;
}

/** Runs a session over `source`; `onPatch` may delay the acknowledgement (a slow main thread). */
async function run(source: ReplySource, onPatch: (patch: Patch, session: StreamSession) => Promise<void> = async () => undefined): Promise<Received> {
  const patches: Patch[] = [];
  const session: StreamSession = new StreamSession(
    request,
    patch => {
      patches.push(patch);
      return onPatch(patch, session);
    },
    new MessageRenderer(renderOptions),
    source,
  );
  await session.run();
  return received(patches);
}

/** `html` with each token's colour span replaced by its text: what a line shows, plain or coloured. */
const withoutColour = (html: string) => html.replace(/<span class="c-[^"]*">([^<]*)<\/span>/g, '$1');

describe('StreamSession', () => {
  it('ends a stopped reply at once, while colour is still behind, and says that code is still plain', async () => {
    // A renderer whose code never catches up: a grammar that never loads, lines always left to colour.
    let takes = 0;
    const behind: PatchRenderer = {
      feed() {},
      end() {},
      take: async () => {
        takes++;
        return { content: [{ type: 'tail', html: `<p>${takes}</p>` }], more: true, loading: new Promise<never>(() => {}) };
      },
    };
    const source: ReplySource = async (_request, signal, onDelta) => {
      onDelta(delta('Here is '));
      await new Promise(resolve => signal.addEventListener('abort', resolve, { once: true }));
      return { status: 'stopped', model: 'MyCoder' };
    };
    const patches: Patch[] = [];
    const session: StreamSession = new StreamSession(
      request,
      async patch => {
        patches.push(patch);
        if (patches.length === 1) setTimeout(() => session.stop(), 0);
      },
      behind,
      source,
    );
    await session.run();
    expect(patches.at(-1)?.end).to.deep.equal({ status: 'stopped', model: 'MyCoder', plain: true });
    expect(patches.filter(p => p.end)).to.have.length(1);
  });

  it('stops mid-reply: the source is aborted, what arrived is kept and rendered, the end says stopped', async () => {
    const sent: string[] = [];
    let aborted = false;
    const source: ReplySource = async (_request, signal, onDelta) => {
      for (const token of tokens(answer)) {
        if (signal.aborted) {
          aborted = true;
          return { status: 'stopped', model: 'MyCoder' };
        }
        onDelta(delta(token));
        sent.push(token);
        await nextTask();
      }
      return { status: 'done', finishReason: 'stop' };
    };
    let stopped = false;
    const got = await run(source, async (patch, session) => {
      if (!stopped && patch.content?.some(op => op.type === 'code-lines')) {
        stopped = true;
        session.stop();
      }
    });
    expect(aborted, 'the source saw the abort').to.equal(true);
    expect(sent.length).to.be.lessThan(tokens(answer).length);
    const { plain, ...end } = got.end ?? { status: 'streaming' };
    expect(end).to.deep.equal({ status: 'stopped', model: 'MyCoder' });
    expect(got.text).to.equal(sent.join(''));
    // A stop ends at once: lines whose colour was still behind are plain (see the test above), so
    // the markup is the one-shot render's but for colour, and when it is not all coloured the end
    // says so. (It may say so of markup that is whole: the renderer's `more` says that work may remain.
    // The element then colours the blocks again, to the same markup.)
    const oneShot = await oneShotHtml(got.text);
    expect(withoutColour(got.html)).to.equal(withoutColour(oneShot));
    if (got.html !== oneShot) expect(plain, 'the end says code is still plain').to.equal(true);
    expect(got.patches.filter(p => p.end).length, 'one end, on the last patch').to.equal(1);
  });

  it('ends with the error a source reports mid-reply, keeping and rendering the text before it', async () => {
    const error = { code: 'stream' as const, message: 'The model server failed: out of memory.' };
    const half = tokens(answer).slice(0, 40);
    const source: ReplySource = async (_request, _signal, onDelta) => {
      for (const token of half) {
        onDelta(delta(token));
        await nextTask();
      }
      return { status: 'error', error, model: 'MyCoder' };
    };
    const got = await run(source);
    expect(got.end).to.deep.equal({ status: 'error', error, model: 'MyCoder' });
    expect(got.text).to.equal(half.join(''));
    expect(got.html).to.equal(await oneShotHtml(half.join('')));
    // The open fence was closed by the end: the partial last line stays as the block's last line.
    expect(got.html).to.contain('code-block');
  });

  it('ends with an error, keeping the text, when the source itself throws', async () => {
    const source: ReplySource = async (_request, _signal, onDelta) => {
      onDelta(delta('Partial '));
      await nextTask();
      onDelta(delta('answer'));
      throw new TypeError('socket closed');
    };
    const got = await run(source);
    expect(got.end?.status).to.equal('error');
    expect(got.end?.error?.message).to.contain('socket closed').and.contain('kept');
    expect(got.text).to.equal('Partial answer');
    expect(got.html).to.equal('<p dir="ltr">Partial answer</p>\n');
  });

  it('coalesces patches for a slow consumer, one in flight at a time, and the final text is exact', async () => {
    const all = tokens(answer, 3);
    const source: ReplySource = async (_request, _signal, onDelta) => {
      for (const [i, token] of all.entries()) {
        onDelta(delta(token));
        if (i % 4 === 3) await nextTask();
      }
      return { status: 'done', finishReason: 'stop', usage: { promptTokens: 4, completionTokens: all.length } };
    };
    let inFlight = 0;
    let most = 0;
    const section = newSection();
    const got = await run(source, async patch => {
      inFlight++;
      most = Math.max(most, inFlight);
      apply(section, patch);
      // A main thread that is several frames behind.
      await new Promise(resolve => setTimeout(resolve, 40));
      inFlight--;
    });
    expect(most, 'patches in flight at once').to.equal(1);
    expect(got.patches.length, 'patches for ' + all.length + ' deltas').to.be.lessThan(all.length / 10);
    expect(got.text).to.equal(answer);
    expect(got.end).to.deep.include({ status: 'done', finishReason: 'stop' });
    expect(got.patches.at(-1)?.stats?.tokens).to.equal(all.length);
    const expected = await oneShotHtml(answer);
    expect(section.innerHTML, 'applied as they arrived').to.equal(expected);
    expect(got.html).to.equal(expected);
    section.remove();
  });

  /**
   * A renderer whose colour is behind from its first take until it gets a
   * colour-only take with a budget after `catchUpAfter` resolves; each take
   * is recorded: whether it had text and how much time it was given.
   */
  function behindRenderer(): { renderer: PatchRenderer; takes: { text: boolean; budget: number; at: number }[] } {
    const takes: { text: boolean; budget: number; at: number }[] = [];
    let fed = false;
    let behind = true;
    const renderer: PatchRenderer = {
      feed: () => void (fed = true),
      end() {},
      take: async (deadline = Infinity) => {
        const at = performance.now();
        takes.push({ text: fed, budget: deadline - at, at });
        if (!fed && deadline - at > 0) behind = false;
        fed = false;
        return { content: [{ type: 'tail', html: `<p>${takes.length}</p>` }], more: behind };
      },
    };
    return { renderer, takes };
  }

  it('gives text the worker while it floods in and colour is behind; colour catches up once it ends', async () => {
    const { renderer, takes } = behindRenderer();
    let endedAt = Infinity;
    const source: ReplySource = async (_request, _signal, onDelta) => {
      for (const token of tokens(answer).slice(0, 40)) {
        onDelta(delta(token));
        await nextTask();
      }
      endedAt = performance.now();
      return { status: 'done', finishReason: 'stop' };
    };
    const patches: Patch[] = [];
    await new StreamSession(request, async patch => void patches.push(patch), renderer, source).run();
    const during = takes.slice(1).filter(take => take.at < endedAt);
    expect(during.length, 'slices while the text streamed').to.be.above(5);
    expect(during.every(take => take.text), 'no colour-only slice while text floods in').to.equal(true);
    expect(during.every(take => take.budget <= 0), 'slices with text are given no time for colour').to.equal(true);
    const after = takes.filter(take => take.at >= endedAt);
    expect(after.some(take => !take.text && take.budget > TAKE_BUDGET_MS / 2), 'colour caught up after the end').to.equal(true);
    expect(patches.at(-1)?.end?.status).to.equal('done');
  });

  it('catches colour up in a pause of the text while the reply still streams', async () => {
    const { renderer, takes } = behindRenderer();
    let resumedAt = Infinity;
    const source: ReplySource = async (_request, _signal, onDelta) => {
      for (const token of ['Some ', 'text ', 'here']) {
        onDelta(delta(token));
        await nextTask();
      }
      await new Promise(resolve => setTimeout(resolve, COLOUR_PAUSE_MS + 200));
      resumedAt = performance.now();
      onDelta(delta(' and more.'));
      return { status: 'done', finishReason: 'stop' };
    };
    await new StreamSession(request, async () => undefined, renderer, source).run();
    const inPause = takes.filter(take => !take.text && take.at < resumedAt);
    expect(inPause.length, 'a colour-only slice in the pause').to.be.above(0);
    expect(inPause[0]!.budget).to.be.above(TAKE_BUDGET_MS / 2);
  });

  it('keeps colour-only slices short while another reply of the worker still receives text', async () => {
    // Reply A's text has ended with its colour behind; reply B's text goes on arriving beside it.
    const takes: { text: boolean; budget: number; at: number }[] = [];
    let fed = false;
    let otherEndedAt = Infinity;
    let afterEnd = 0;
    const renderer: PatchRenderer = {
      feed: () => void (fed = true),
      end() {},
      take: async (deadline = Infinity) => {
        const at = performance.now();
        const take = { text: fed, budget: deadline - at, at };
        takes.push(take);
        fed = false;
        // Behind until a colour-only slice after B's text ended (a few of them, or one with a full budget).
        const caughtUp = !take.text && at > otherEndedAt && (take.budget > SHARED_COLOUR_BUDGET_MS || ++afterEnd >= 3);
        return { content: [{ type: 'tail', html: `<p>${takes.length}</p>` }], more: !caughtUp };
      },
    };
    const other: ReplySource = async (_request, _signal, onDelta) => {
      for (let i = 0; i < 25; i++) {
        onDelta(delta(`word${i} `));
        await new Promise(resolve => setTimeout(resolve, 5));
      }
      otherEndedAt = performance.now();
      return { status: 'done', finishReason: 'stop' };
    };
    const short: ReplySource = async (_request, _signal, onDelta) => {
      onDelta(delta('Some code.'));
      await nextTask();
      return { status: 'done', finishReason: 'stop' };
    };
    const b = new StreamSession(request, async () => undefined, new MessageRenderer(renderOptions), other).run();
    await new StreamSession(request, async () => undefined, renderer, short).run();
    await b;
    const colourOnly = takes.filter(take => !take.text);
    const beside = colourOnly.filter(take => take.at < otherEndedAt);
    expect(beside.length, 'colour-only slices while B streamed').to.be.above(3);
    expect(beside.every(take => take.budget > 0 && take.budget <= SHARED_COLOUR_BUDGET_MS), 'short while B streamed').to.equal(true);
    expect(colourOnly.filter(take => take.at > otherEndedAt).some(take => take.budget > SHARED_COLOUR_BUDGET_MS), 'a full slice once B ended').to.equal(true);
    expect(TAKE_BUDGET_MS).to.be.above(SHARED_COLOUR_BUDGET_MS);
  });

  describe('a reply whose body ends without [DONE]', () => {
    const sse = (chunks: readonly object[]) => chunks.map(chunk => `data: ${JSON.stringify(chunk)}\n\n`).join('');
    const chunk = (content: string, finish: string | null = null) => ({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      model: 'MyCoder',
      choices: [{ index: 0, delta: { content }, finish_reason: finish }],
    });
    /** The real response reader over an in-memory SSE body, in pieces (no HTTP). */
    const bodySource =
      (body: string): ReplySource =>
      (req, signal, onDelta) => {
        const bytes = new TextEncoder().encode(body);
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 50) controller.enqueue(bytes.subarray(i, i + 50));
            controller.close();
          },
        });
        const response = new Response(stream, { headers: { 'content-type': 'text/event-stream' } });
        return readCompletion(response, req.endpoint, req.model, signal, onDelta);
      };

    it('is done when the last chunk had a finish reason: the reply is whole', async () => {
      const parts = tokens(answer, 7);
      const body = sse([...parts.map((p, i) => chunk(p, i === parts.length - 1 ? 'stop' : null))]);
      const got = await run(bodySource(body));
      expect(got.end).to.deep.equal({ status: 'done', finishReason: 'stop', model: 'MyCoder' });
      expect(got.text).to.equal(answer);
      expect(got.html).to.equal(await oneShotHtml(answer));
    });

    it('is an error that says the server stopped early when no chunk finished it; the text is kept', async () => {
      const parts = tokens(answer, 7).slice(0, 30);
      const got = await run(bodySource(sse(parts.map(p => chunk(p)))));
      expect(got.end?.status).to.equal('error');
      expect(got.end?.error?.code).to.equal('protocol');
      expect(got.end?.error?.message).to.contain('ended the reply before finishing it');
      expect(got.text).to.equal(parts.join(''));
      expect(got.html).to.equal(await oneShotHtml(parts.join('')));
    });
  });
});
