/**
 * A worker that dies ends nothing but itself: the chat worker or its
 * network thread, closed from inside, crashed by an uncaught exception or
 * terminated, mid-reply or between replies. The reply in flight ends as an
 * error within 2 s with its text kept and the reason shown, and the next
 * `send()` of every element on the page works (on a new worker).
 */
import { expect } from 'chai';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { fault, injectWorkerFaults } from '../support/worker-faults.js';
import { mount, parts, unmountAll, waitFor } from './chat-fixture.js';

/** Long enough to be streaming whenever the fault comes. */
const LONG = '[mock rate=100 lines=3000 lang=py]';

describe('<vllm-chat> when a worker dies', function () {
  // Each test starts a worker or two, and more after the fault.
  this.timeout(40_000);
  let faults: ReturnType<typeof injectWorkerFaults>;
  beforeEach(() => {
    faults = injectWorkerFaults();
  });
  afterEach(async () => {
    unmountAll();
    // The last element let go: the worker ends after this task, and the next test starts its own.
    await new Promise(r => setTimeout(r, 0));
    faults.restore();
  });

  /** The chat worker, once it has answered a reply and its network thread runs. */
  async function workers(el: VllmChat): Promise<{ chat: Worker }> {
    // A first start loads the whole worker graph from the dev server; on a
    // loaded machine that may exceed the start timeout, and the next send
    // starts another.
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await el.send('[mock rate=0 echo=1] warm')).status !== 'done') continue;
      // Until its network thread runs, the chat worker reads replies itself: wait for both life locks.
      for (let waited = 0; waited < 15_000; waited += 50) {
        const { held = [] } = await navigator.locks.query();
        if (held.filter(lock => lock.name?.startsWith('vllm-chat-worker-')).length >= 2) return { chat: faults.started.at(-1)! };
        await new Promise(r => setTimeout(r, 50));
      }
    }
    throw new Error('the chat worker and its network thread did not start');
  }

  /** Starts a long reply in `el` and waits until text is on screen. */
  async function streaming(el: VllmChat): Promise<{ reply: Promise<ChatMessage> }> {
    const reply = el.send(LONG);
    await waitFor(() => (parts(el, 'code-block')[0]?.textContent?.length ?? 0) > 40, 'code on screen');
    return { reply };
  }

  /** The reply ended as an error, in time, with its text and a visible reason. */
  async function expectEndedByDeath(el: VllmChat, reply: Promise<ChatMessage>, what: RegExp) {
    const textBefore = el.messages.at(-1)!.content;
    const started = performance.now();
    const message = await reply;
    const took = performance.now() - started;
    expect(message.status).to.equal('error');
    expect(took, 'ms until the reply ended').to.be.below(2_000);
    expect(message.content.startsWith(textBefore), 'text kept').to.equal(true);
    expect(message.error?.message).to.match(what);
    expect(message.error?.message).to.match(/stopped unexpectedly \(it crashed, ran out of memory or was closed\)/);
    const shown = parts(el, 'error').at(-1)!;
    expect(shown.textContent).to.contain(message.error!.message);
    expect(shown.closest('[part~="assistant"]')).to.equal(parts(el, 'assistant').at(-1));
    expect(parts(el, 'assistant').at(-1)!.querySelector('[part~="code-block"]')!.textContent!.length).to.be.greaterThan(0);
  }

  /** Both elements answer again. */
  async function expectBothWork(a: VllmChat, b: VllmChat): Promise<void> {
    const [x, y] = await Promise.all([a.send('[mock rate=0 echo=1] again'), b.send('[mock rate=0 echo=1] other')]);
    expect([x.status, x.content]).to.deep.equal(['done', 'again']);
    expect([y.status, y.content]).to.deep.equal(['done', 'other']);
  }

  for (const kind of ['close', 'throw', 'terminate'] as const) {
    it(`the chat worker ${kind === 'terminate' ? 'terminated' : kind === 'close' ? 'closing itself' : 'throwing an uncaught exception'} mid-reply ends the reply as an error, and every element works again`, async () => {
      const a = await mount({ model: 'MyCoder' });
      const b = await mount({ model: 'MyCoder' });
      const { chat } = await workers(a);
      const count = faults.started.length;
      const { reply } = await streaming(a);
      if (kind === 'terminate') chat.terminate();
      else fault(chat, kind);
      await expectEndedByDeath(a, reply, /^The chat worker stopped unexpectedly/);
      expect(a.shadowRoot!.querySelector('[part~="send-button"]'), 'send button back').to.not.equal(null);
      await expectBothWork(a, b);
      // A new chat worker (and its network thread) replaced the dead one.
      expect(faults.started.length).to.be.greaterThan(count);
    });
  }

  it('the chat worker closing itself between replies is replaced by the next send()', async () => {
    const a = await mount({ model: 'MyCoder' });
    const b = await mount({ model: 'MyCoder' });
    const { chat } = await workers(a);
    const count = faults.started.length;
    fault(chat, 'close');
    await new Promise(r => setTimeout(r, 300));
    await expectBothWork(a, b);
    expect(faults.started.length).to.be.greaterThan(count);
  });

  for (const kind of ['close-children', 'terminate-children'] as const) {
    it(`the network thread ${kind === 'close-children' ? 'closing itself' : 'terminated'} mid-reply ends the reply as an error, and every element works again`, async () => {
      const a = await mount({ model: 'MyCoder' });
      const b = await mount({ model: 'MyCoder' });
      const { chat } = await workers(a);
      const { reply } = await streaming(a);
      fault(chat, kind);
      await expectEndedByDeath(a, reply, /^The thread that reads replies stopped unexpectedly/);
      await expectBothWork(a, b);
      // The chat worker lived on; a later reply runs on a new network thread.
      expect(faults.started.filter(w => w === chat)).to.have.length(1);
      await expectBothWork(a, b);
    });
  }

  it('the network thread dying between replies does not stop the next send()', async () => {
    const a = await mount({ model: 'MyCoder' });
    const b = await mount({ model: 'MyCoder' });
    const { chat } = await workers(a);
    fault(chat, 'close-children');
    await new Promise(r => setTimeout(r, 300));
    await expectBothWork(a, b);
    await expectBothWork(a, b);
  });
});
