/**
 * Runs a reply's network half (network.worker.ts) on a thread of its own when
 * the page allows one, and in this worker otherwise: `streamReply` has the
 * signature and the results of `streamCompletion`, wherever it runs.
 *
 * The thread is started when the chat worker loads, and used only after it
 * said it runs; until then (and for good if it cannot start: a CSP without
 * `blob:` for a cross-origin bundle, Trusted Types refusing, a browser
 * without nested workers) replies are read in this worker, as before. A
 * thread that dies (start-worker.ts watches it) ends the replies it was
 * reading at once, with an error that keeps what arrived; the next reply
 * starts a new thread and is read here while it starts.
 */
import type { ChatRequest, NetworkReady, NetworkReplyMessage, NetworkStart, NetworkStop, StreamEnd } from '../../shared/protocol.js';
import { startModuleWorker } from '../../shared/start-module-worker.js';
import { watchWorker, WorkerLostError, type WatchedWorker } from '../../shared/start-worker.js';
import { streamCompletion, type CompletionDelta } from './completion-stream.js';
import { requestBody } from './request-body.js';
import { networkAsset } from '../assets.js';
import { defaultNetworkWorkerUrl } from './network-url.js';

/** Names the thread in its errors. */
const WHAT = 'thread that reads replies';

/** The network thread's module: the one the page named, else the one next to this module; `undefined` before the page said. */
export function networkWorkerUrl(): string | URL | undefined {
  return networkAsset() ?? defaultNetworkWorkerUrl();
}

/** Starts network.worker.ts (throws when its URL is not known yet). */
export function startNetworkWorker(): globalThis.Worker {
  const url = networkWorkerUrl();
  if (!url) throw new Error('vllm-chat: the network thread module is not known yet');
  return startModuleWorker(() => new Worker(url, { type: 'module', name: 'network.worker' }));
}

export class NetworkThread {
  #thread: WatchedWorker | undefined;
  #ready = false;
  /** A thread ran once: when it dies, the next reply starts another. One that never ran is not retried. */
  #restartable = false;
  #started: Promise<boolean> = Promise.resolve(false);
  readonly #replies = new Set<(end: StreamEnd) => void>();

  constructor(private readonly create: () => globalThis.Worker = startNetworkWorker) {
    this.#start();
  }

  /** Resolves `true` once the latest thread runs, `false` if it could not start. */
  get started(): Promise<boolean> {
    return this.#started;
  }

  #start(): void {
    let worker: globalThis.Worker;
    try {
      worker = this.create();
    } catch {
      this.#started = Promise.resolve(false);
      return;
    }
    const thread = watchWorker(worker, {
      what: WHAT,
      handshake: () =>
        new Promise<string | undefined>(resolve => {
          worker.addEventListener('message', ({ data }: MessageEvent<NetworkReady>) => {
            if (data?.type === 'ready') resolve(data.lock);
          });
        }),
    });
    this.#thread = thread;
    this.#ready = false;
    this.#started = thread.ready.then(
      () => {
        if (this.#thread === thread) {
          this.#ready = true;
          this.#restartable = true;
        }
        return true;
      },
      () => false,
    );
    thread.lost.catch((error: Error) => {
      if (this.#thread !== thread) return;
      this.#thread = undefined;
      this.#ready = false;
      // The replies it held end now, keeping what arrived; later ones are read here until a new thread runs.
      const lost = error instanceof WorkerLostError ? error : new WorkerLostError(WHAT);
      for (const reply of [...this.#replies]) reply({ status: 'error', error: { code: 'worker', message: lost.message, hint: lost.hint } });
    });
  }

  /** `streamCompletion`, on the thread when it runs, else here. */
  stream(request: ChatRequest, signal: AbortSignal, onDelta: (delta: CompletionDelta) => void): Promise<StreamEnd> {
    if (!this.#thread && this.#restartable) this.#start();
    const thread = this.#thread;
    if (!thread || !this.#ready || thread.dead) return streamCompletion(request, signal, onDelta);
    const { port1, port2 } = new MessageChannel();
    return new Promise<StreamEnd>(resolve => {
      const finish = (end: StreamEnd) => {
        if (!this.#replies.delete(finish)) return;
        signal.removeEventListener('abort', stop);
        port1.onmessage = null;
        port1.close();
        resolve(end);
      };
      this.#replies.add(finish);
      port1.onmessage = ({ data }: MessageEvent<NetworkReplyMessage>) => {
        if (data.type === 'delta') onDelta(data);
        else if (data.type === 'end') finish(data.end);
      };
      const stop = () => port1.postMessage({ type: 'stop' } satisfies NetworkStop);
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      // The body is made here, where the conversation's message objects (and so their encoded JSON) last
      // from one request to the next; a Blob crosses as a handle, the messages are not cloned again.
      const body = requestBody(request);
      thread.worker.postMessage({ type: 'start', request: { ...request, messages: [] }, body, port: port2 } satisfies NetworkStart, [port2]);
    });
  }
}

let shared: NetworkThread | undefined;

/** The chat worker's network thread, started on first call. */
export function networkThread(): NetworkThread {
  shared ??= new NetworkThread();
  return shared;
}

/** `streamCompletion`, on the shared network thread when it runs. */
export function streamReply(
  request: ChatRequest,
  signal: AbortSignal,
  onDelta: (delta: CompletionDelta) => void,
): Promise<StreamEnd> {
  return networkThread().stream(request, signal, onDelta);
}
