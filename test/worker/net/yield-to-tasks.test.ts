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
    const order: string[] = [];
    const clock = new YieldClock();
    queueTask(order, 'queued');
    await clock.maybe();
    order.push('short run');
    busy(YIELD_AFTER_MS + 1);
    await clock.maybe();
    order.push('long run');
    expect(order).to.deep.equal(['short run', 'queued', 'long run']);
  });
});
