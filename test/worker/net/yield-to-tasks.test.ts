import { expect } from 'chai';
import { YIELD_AFTER_MS, YieldClock, yieldToTasks } from '../../../src/worker/net/yield-to-tasks.js';

/** Queues a task (a posted message, like a worker's incoming calls) that records `name`. */
function queueTask(order: string[], name: string): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    order.push(name);
    channel.port1.close();
  };
  channel.port2.postMessage(undefined);
}

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Work that never awaits, like decoding a body chunk that is already queued.
  }
}

describe('yieldToTasks', () => {
  it('resolves after the tasks queued before it, not in a microtask', async () => {
    const order: string[] = [];
    queueTask(order, 'queued');
    await Promise.resolve();
    order.push('microtask');
    await yieldToTasks();
    order.push('resumed');
    expect(order).to.deep.equal(['microtask', 'queued', 'resumed']);
  });

  it('YieldClock lets queued tasks run once a run of work lasted YIELD_AFTER_MS, not before', async () => {
    // The clock the YieldClock reads is moved by hand: a machine that stalls between two lines
    // must not make the short run long.
    let now = 1000;
    const realNow = Object.getOwnPropertyDescriptor(performance, 'now');
    Object.defineProperty(performance, 'now', { configurable: true, value: () => now });
    try {
      const order: string[] = [];
      const clock = new YieldClock();
      queueTask(order, 'queued');
      now += YIELD_AFTER_MS - 1;
      await clock.maybe();
      order.push('short run');
      now += 2;
      await clock.maybe();
      order.push('long run');
      expect(order).to.deep.equal(['short run', 'queued', 'long run']);
    } finally {
      if (realNow) Object.defineProperty(performance, 'now', realNow);
      else delete (performance as { now?: unknown }).now;
    }
  });

  it('yields in the order asked, each after the tasks queued before it', async () => {
    const order: string[] = [];
    queueTask(order, 'queued first');
    const first = yieldToTasks().then(() => order.push('first'));
    queueTask(order, 'queued second');
    const second = yieldToTasks().then(() => order.push('second'));
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['queued first', 'first', 'queued second', 'second']);
  });

  it('YieldClock starts a new run after an await that waited: a slow stream does not yield at every read', async () => {
    const order: string[] = [];
    const clock = new YieldClock();
    busy(YIELD_AFTER_MS + 1);
    // A read that waits for the network: other tasks run meanwhile.
    await clock.wait(new Promise(resolve => setTimeout(resolve, YIELD_AFTER_MS)));
    queueTask(order, 'queued');
    await clock.maybe();
    order.push('no yield');
    // A read that was already there resumes in a microtask: the run goes on and yields once long enough.
    await clock.wait(Promise.resolve());
    busy(YIELD_AFTER_MS + 1);
    queueTask(order, 'queued later');
    await clock.wait(Promise.resolve());
    await clock.maybe();
    order.push('yielded');
    expect(order).to.deep.equal(['no yield', 'queued', 'queued later', 'yielded']);
  });
});
