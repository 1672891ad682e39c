/**
 * The page's one worker: shared, reference-counted, restarted on demand, and
 * reporting a worker that cannot start. Same-origin here (the test runner
 * serves the `.ts` worker); the cross-origin start is covered in test/embed.
 */
import { expect } from 'chai';
import { acquireWorker, releaseWorker, workerReady, WorkerStartError } from '../../src/element/worker-client.js';

type WorkerConstructor = typeof Worker;
const PageWorker: WorkerConstructor = globalThis.Worker;

/** Replaces `globalThis.Worker` for one test; records workers started and terminated. */
function recordWorkers(redirect?: string) {
  const started: Worker[] = [];
  const terminated: Worker[] = [];
  globalThis.Worker = class extends PageWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(redirect ?? url, options);
      started.push(this);
    }
    override terminate(): void {
      terminated.push(this);
      super.terminate();
    }
  };
  return { started, terminated };
}

const tick = () => new Promise(resolve => setTimeout(resolve, 0));

describe('worker-client', () => {
  afterEach(async () => {
    globalThis.Worker = PageWorker;
    await tick();
  });

  it('two acquisitions share one worker, which answers once ready', async () => {
    const { started } = recordWorkers();
    const a = acquireWorker();
    const b = acquireWorker();
    await workerReady();
    expect(await a.ping()).to.equal('pong');
    expect(await b.ping()).to.equal('pong');
    expect(started).to.have.length(1);
    releaseWorker();
    releaseWorker();
  });

  it('the last release terminates the worker and the next acquisition starts a new one', async () => {
    const { started, terminated } = recordWorkers();
    acquireWorker();
    acquireWorker();
    await workerReady();
    releaseWorker();
    await tick();
    expect(terminated).to.have.length(0);
    releaseWorker();
    await tick();
    expect(terminated).to.deep.equal(started);
    const again = acquireWorker();
    expect(await again.ping()).to.equal('pong');
    expect(started).to.have.length(2);
    releaseWorker();
  });

  it('a release and acquisition in the same task (an element moved in the DOM) keeps the worker', async () => {
    const { started, terminated } = recordWorkers();
    acquireWorker();
    await workerReady();
    releaseWorker();
    const remote = acquireWorker();
    await tick();
    expect(terminated).to.have.length(0);
    expect(await remote.ping()).to.equal('pong');
    expect(started).to.have.length(1);
    releaseWorker();
  });

  it('a second copy of the module shares the worker and talks to it through its own proxy', async () => {
    const { started } = recordWorkers();
    const copy = (await import(
      /* @vite-ignore */ `${new URL('../../src/element/worker-client.ts', import.meta.url).href}?copy=2`
    )) as typeof import('../../src/element/worker-client.js');
    expect(copy.acquireWorker).not.to.equal(acquireWorker);
    const mine = acquireWorker();
    const theirs = copy.acquireWorker();
    await copy.workerReady();
    const [x, y] = await Promise.all([mine.ping(), theirs.ping()]);
    expect([x, y]).to.deep.equal(['pong', 'pong']);
    expect(started).to.have.length(1);
    copy.releaseWorker();
    releaseWorker();
  });

  it('a worker whose module is missing makes workerReady() and every call reject with a worker error', async () => {
    recordWorkers('/no-such-worker.js');
    const remote = acquireWorker();
    const ready = await workerReady().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(ready).to.be.instanceOf(WorkerStartError);
    expect(ready).to.include({ code: 'worker' });
    expect((ready as Error).message).to.match(/^The chat worker could not start/);
    const call = await remote.listModels('http://127.0.0.1:1/v1', '').then(
      () => undefined,
      (error: unknown) => error,
    );
    // The call tried a new worker, which could not start either.
    expect(call).to.be.instanceOf(WorkerStartError);
    releaseWorker();
  });
});
