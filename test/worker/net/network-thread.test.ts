import { expect } from 'chai';
import type { ChatRequest, StreamEnd } from '../../../src/shared/protocol.js';
import { streamCompletion, type CompletionDelta } from '../../../src/worker/net/completion-stream.js';
import { NetworkThread, startNetworkWorker } from '../../../src/worker/net/network-thread.js';
import { chatRequest } from '../../support/chat-request.js';

declare const testServers: { crossOrigin: string };

interface Read {
  end: StreamEnd;
  content: string;
  reasoning: string;
  deltas: CompletionDelta[];
}

async function read(
  stream: (r: ChatRequest, s: AbortSignal, d: (delta: CompletionDelta) => void) => Promise<StreamEnd>,
  text: string,
  onDelta?: (read: Read, controller: AbortController) => void,
): Promise<Read> {
  const controller = new AbortController();
  const result = { content: '', reasoning: '', deltas: [] } as unknown as Read;
  result.end = await stream(chatRequest(testServers.crossOrigin, text), controller.signal, delta => {
    result.deltas.push(delta);
    result.content += delta.content;
    result.reasoning += delta.reasoning;
    onDelta?.(result, controller);
  });
  return result;
}

/** A classic worker from source, standing in for network.worker.ts. */
function scriptWorker(source: string): Worker {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  return new Worker(url);
}

describe('NetworkThread', () => {
  it('reads a reply on its own thread: the same text and end as in this thread, in batches', async () => {
    const thread = new NetworkThread();
    expect(await thread.started).to.equal(true);
    const text = '请写代码 [mock lines=300 lang=ts reasoning=40 rate=0]';
    const there = await read((r, s, d) => thread.stream(r, s, d), text);
    const here = await read(streamCompletion, text);
    expect(there.content).to.equal(here.content);
    expect(there.reasoning).to.equal(here.reasoning);
    expect(there.end).to.deep.equal(here.end);
    // One message per body chunk read, counting the chunks it joins.
    expect(there.deltas.reduce((n, d) => n + (d.count ?? 0), 0)).to.equal(here.deltas.length);
    expect(there.deltas.length).to.be.below(here.deltas.length);
  });

  it('stops a reply when its signal aborts, keeping what arrived', async () => {
    const thread = new NetworkThread();
    await thread.started;
    const { end, content } = await read(
      (r, s, d) => thread.stream(r, s, d),
      '[mock lines=3000 lang=py rate=200]',
      (result, controller) => {
        if (result.content.length > 0) controller.abort();
      },
    );
    expect(end.status).to.equal('stopped');
    expect(content.length).to.be.greaterThan(0);
  });

  it('reads in this thread when the thread cannot start', async () => {
    const thread = new NetworkThread(() => {
      throw new DOMException('refused', 'SecurityError');
    });
    expect(await thread.started).to.equal(false);
    const { end, content, deltas } = await read((r, s, d) => thread.stream(r, s, d), '[mock lines=20 lang=py rate=0]');
    expect(end.status).to.equal('done');
    expect(content).to.include('```py');
    expect(deltas.every(d => d.count === undefined)).to.equal(true);
  });

  it('ends a reply with an error that keeps what arrived when the thread breaks mid-reply, then reads here', async () => {
    const thread = new NetworkThread(() =>
      scriptWorker(`
        onmessage = ({ data }) => {
          data.port.postMessage({ type: 'delta', content: 'partial ', reasoning: '', count: 2 });
          setTimeout(() => { throw new Error('broken'); }, 50);
        };
        postMessage({ type: 'ready' });
      `),
    );
    expect(await thread.started).to.equal(true);
    const broken = await read((r, s, d) => thread.stream(r, s, d), '[mock lines=20 lang=py rate=0]');
    expect(broken.content).to.equal('partial ');
    expect(broken.end.status).to.equal('error');
    expect(broken.end.error?.message).to.match(/stopped unexpectedly .*The text that arrived is kept/);
    const after = await read((r, s, d) => thread.stream(r, s, d), '[mock lines=20 lang=py rate=0]');
    expect(after.end.status).to.equal('done');
    expect(after.content).to.include('```py');
  });

  it('ends a reply at once when the thread is terminated without a word, and starts a new thread for the next', async () => {
    const started: Worker[] = [];
    const thread = new NetworkThread(() => {
      const worker = startNetworkWorker();
      started.push(worker);
      return worker;
    });
    expect(await thread.started).to.equal(true);
    let killedAt = 0;
    const cut = await read((r, s, d) => thread.stream(r, s, d), '[mock lines=3000 lang=py rate=200]', result => {
      if (!killedAt && result.content.length > 0) {
        killedAt = performance.now();
        started[0]!.terminate();
      }
    });
    expect(performance.now() - killedAt).to.be.below(2_000);
    expect(cut.end.status).to.equal('error');
    expect(cut.content.length).to.be.greaterThan(0);
    expect(cut.end.error?.message).to.match(/^The thread that reads replies stopped unexpectedly/);
    // Read here while the new thread starts, then on it.
    const next = await read((r, s, d) => thread.stream(r, s, d), '[mock lines=20 lang=py rate=0]');
    expect(next.end.status).to.equal('done');
    expect(started).to.have.length(2);
    expect(await thread.started).to.equal(true);
    const onThread = await read((r, s, d) => thread.stream(r, s, d), '[mock lines=20 lang=py rate=0]');
    expect(onThread.end.status).to.equal('done');
    expect(onThread.deltas.every(d => d.count !== undefined)).to.equal(true);
    started[1]!.terminate();
  });
});
