import { expect } from 'chai';
import { FrameScheduler, type FrameJob, type FrameSource } from '../../../src/element/view/frame-scheduler.js';

/** Frames and time under the test's control: `tick()` runs the requested frame callbacks. */
function fakeFrames(hidden = false) {
  let now = 0;
  let callbacks: (() => void)[] = [];
  let timers: (() => void)[] = [];
  const source: FrameSource = {
    request: callback => void callbacks.push(callback),
    hidden: () => hidden,
    now: () => now,
    timeout: callback => void timers.push(callback),
  };
  return {
    source,
    advance: (ms: number) => (now += ms),
    requested: () => callbacks.length,
    tick() {
      const run = callbacks;
      callbacks = [];
      for (const callback of run) callback();
    },
    fireTimers() {
      const run = timers;
      timers = [];
      for (const callback of run) callback();
    },
  };
}

/** A job that takes `ms` of the fake clock and records `name` when it runs. */
const job = (frames: ReturnType<typeof fakeFrames>, log: string[], name: string, ms: number) => () => {
  log.push(name);
  frames.advance(ms);
};

const settle = () => new Promise(resolve => setTimeout(resolve, 0));

describe('FrameScheduler', () => {
  it('runs a patch at once while the page budget of the frame lasts, then waits for the frame', async () => {
    const frames = fakeFrames();
    const scheduler = new FrameScheduler(frames.source, 6);
    const log: string[] = [];
    const a = {};
    await scheduler.run(a, job(frames, log, 'a1', 4));
    await scheduler.run(a, job(frames, log, 'a2', 4));
    // 8 ms spent: the third waits for the next frame.
    const third = scheduler.run(a, job(frames, log, 'a3', 1));
    await settle();
    expect(log).to.deep.equal(['a1', 'a2']);
    frames.tick();
    await third;
    expect(log).to.deep.equal(['a1', 'a2', 'a3']);
    expect(scheduler.stats.deferred).to.equal(1);
  });

  it('spends one budget for the whole page between frames, and serves every waiting element once per frame', async () => {
    const frames = fakeFrames();
    const scheduler = new FrameScheduler(frames.source, 6);
    const log: string[] = [];
    const owners = Array.from({ length: 10 }, () => ({}));
    const runs = owners.map((owner, i) => scheduler.run(owner, job(frames, log, `e${i}`, 2)));
    await settle();
    // 2 ms each: three fit in the page's 6 ms budget before the frame, the other seven wait.
    expect(log).to.deep.equal(['e0', 'e1', 'e2']);
    // Arriving after the budget is spent: waits too, even from an element already served.
    const again = scheduler.run(owners[0]!, job(frames, log, 'e0 again', 2));
    await settle();
    expect(log).to.have.length(3);
    frames.tick();
    await Promise.all([...runs, again]);
    // The frame serves the round that waited, oldest first, past the budget: nobody waits a frame more.
    expect(log).to.deep.equal([...owners.map((_, i) => `e${i}`), 'e0 again']);
  });

  it('serves patches beyond the round only while the frame budget lasts', async () => {
    const frames = fakeFrames();
    const scheduler = new FrameScheduler(frames.source, 6);
    const log: string[] = [];
    const a = {};
    await scheduler.run(a, job(frames, log, 'a0', 7));
    const waiting = [1, 2, 3].map(i => scheduler.run({}, job(frames, log, `b${i}`, 1)));
    frames.tick();
    await Promise.all(waiting);
    expect(log).to.deep.equal(['a0', 'b1', 'b2', 'b3']);
    // Budget spent by one long patch between frames: the next one waits for the frame.
    await scheduler.run(a, job(frames, log, 'a1', 7));
    const late = scheduler.run(a, job(frames, log, 'a2', 1));
    await settle();
    expect(log.at(-1)).to.equal('a1');
    frames.tick();
    await late;
    expect(log.at(-1)).to.equal('a2');
  });

  it('serves waiting elements round robin: nobody twice while another waits', async () => {
    const frames = fakeFrames();
    const scheduler = new FrameScheduler(frames.source, 3);
    const log: string[] = [];
    const names = ['busy', 'quiet1', 'quiet2'];
    const owners = names.map(() => ({}));
    // Each owner keeps one patch in flight, as the worker does: the next is sent once the previous resolved.
    const stream = async (k: number, patches: number, ms: number) => {
      for (let i = 0; i < patches; i++) await scheduler.run(owners[k]!, job(frames, log, names[k]!, ms));
    };
    const all = Promise.all([stream(0, 12, 3), stream(1, 4, 3), stream(2, 4, 3)]);
    for (let i = 0; i < 40 && log.length < 20; i++) {
      await settle();
      frames.tick();
    }
    await all;
    // Until the quiet ones are done, no name repeats within any three consecutive services.
    const shared = log.slice(0, 12);
    for (let i = 0; i + 3 <= shared.length; i++) expect(new Set(shared.slice(i, i + 3)).size, shared.join(' ')).to.equal(3);
    expect(scheduler.stats.maxOvertaken).to.be.at.most(owners.length - 1);
  });

  it('keeps at most one frame request outstanding, whatever the number of elements', async () => {
    const frames = fakeFrames();
    const scheduler = new FrameScheduler(frames.source, 1);
    const log: string[] = [];
    const owners = Array.from({ length: 10 }, () => ({}));
    const runs = owners.map(owner => scheduler.run(owner, job(frames, log, 'x', 1)));
    for (const owner of owners) scheduler.afterPatches(owner, () => log.push('follow'));
    expect(frames.requested()).to.equal(1);
    while (log.filter(x => x === 'x').length < owners.length) {
      frames.tick();
      await settle();
      expect(frames.requested()).to.be.at.most(1);
    }
    await Promise.all(runs);
  });

  it('runs each owner’s after-patches work once per frame, after that frame’s patches', async () => {
    const frames = fakeFrames();
    const scheduler = new FrameScheduler(frames.source, 0);
    const log: string[] = [];
    const a = {};
    const b = {};
    const pa = scheduler.run(a, job(frames, log, 'patch a', 1));
    const pb = scheduler.run(b, job(frames, log, 'patch b', 1));
    scheduler.afterPatches(a, () => log.push('follow a (old)'));
    scheduler.afterPatches(a, () => log.push('follow a'));
    scheduler.afterPatches(b, () => log.push('follow b'));
    frames.tick();
    frames.tick();
    await Promise.all([pa, pb]);
    // Both waited when the frame began: served in it, then the follows, once each.
    expect(log).to.deep.equal(['patch a', 'patch b', 'follow a', 'follow b']);
  });

  it('runs the rest of a job that stopped at its deadline in later frames, after the others, and settles it then', async () => {
    const frames = fakeFrames();
    const scheduler = new FrameScheduler(frames.source, 6);
    const log: string[] = [];
    const deadlines: number[] = [];
    /** A patch of `count` steps of 6 ms each that stops after each. */
    const steps = (name: string, count: number): FrameJob => {
      let done = 0;
      const step: FrameJob = deadline => {
        deadlines.push(deadline);
        log.push(`${name}${++done}`);
        frames.advance(6);
        return done < count ? step : undefined;
      };
      return step;
    };
    let settled = false;
    const long = scheduler.run({}, steps('a', 3)).then(() => (settled = true));
    const other = scheduler.run({}, deadline => {
      deadlines.push(deadline);
      job(frames, log, 'b', 1)();
    });
    await settle();
    // At once, with the page's budget as its deadline; the other patch waits for the frame.
    expect(log).to.deep.equal(['a1']);
    frames.tick();
    await other;
    // The rest goes after the other element's patch, and the frame's budget is spent: one step.
    expect(log).to.deep.equal(['a1', 'a2', 'b']);
    expect(settled).to.equal(false);
    frames.tick();
    await long;
    expect(log).to.deep.equal(['a1', 'a2', 'b', 'a3']);
    // Each until the end of its frame's budget (0 + 6, then 6 + 6, then 13 + 6 after b's 1 ms), or for
    // a budget of its own when it starts past that: b, served in its round at 12.
    expect(deadlines).to.deep.equal([6, 12, 18, 19]);
    expect(scheduler.stats.split).to.equal(2);
  });

  it('gives a job on a hidden page no deadline: no frame comes to run a rest', async () => {
    const frames = fakeFrames(true);
    const scheduler = new FrameScheduler(frames.source, 6);
    const deadlines: number[] = [];
    const run = scheduler.run({}, deadline => void deadlines.push(deadline));
    frames.fireTimers();
    await run;
    expect(deadlines).to.deep.equal([Infinity]);
  });

  it('rejects the job that threw and keeps serving the others', async () => {
    const frames = fakeFrames();
    const scheduler = new FrameScheduler(frames.source, 0);
    const log: string[] = [];
    const bad = scheduler.run({}, () => {
      throw new Error('broken patch');
    });
    const good = scheduler.run({}, job(frames, log, 'good', 1));
    frames.tick();
    let error: unknown;
    await bad.catch((e: unknown) => (error = e));
    await good;
    expect((error as Error).message).to.equal('broken patch');
    expect(log).to.deep.equal(['good']);
  });

  it('still serves a hidden page, where no frame comes, by a timer', async () => {
    const frames = fakeFrames(true);
    const scheduler = new FrameScheduler(frames.source, 6);
    const log: string[] = [];
    const run = scheduler.run({}, job(frames, log, 'hidden', 1));
    await settle();
    expect(log).to.deep.equal([]);
    frames.fireTimers();
    await run;
    expect(log).to.deep.equal(['hidden']);
    // The frame that never came does not run it twice.
    frames.tick();
    expect(log).to.deep.equal(['hidden']);
  });
});
