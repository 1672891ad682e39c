/**
 * Runs a reply's network half (network.worker.ts) on a thread of its own when
 * the page allows one, and in this worker otherwise: `streamReply` has the
 * signature and the results of `streamCompletion`, wherever it runs.
 *
 * The thread is started once, when the chat worker loads, and used only
 * after it said it runs; until then (and for good if it cannot start: a CSP
 * without `blob:` for a cross-origin bundle, Trusted Types refusing, a
 * browser without nested workers) replies are read in this worker, as
 * before. A thread that fails mid-reply ends its replies with an error that
 * keeps what arrived.
 */
import type { ChatError, ChatRequest, StreamEnd } from '../../shared/protocol.js';
import { startModuleWorker } from '../../shared/start-module-worker.js';
import { streamCompletion, type CompletionDelta } from './completion-stream.js';
import type { NetworkMessage, StartMessage } from './network.worker.js';

/** Starts network.worker.ts. */
export function startNetworkWorker(): globalThis.Worker {
  return startModuleWorker(
    () => new Worker(new URL('./network.worker.ts', import.meta.url), { type: 'module', name: 'network.worker' }),
  );
}

export class NetworkThread {
  #worker: globalThis.Worker | null = null;
  #ready = false;
  readonly #replies = new Set<(end: StreamEnd) => void>();
  /** Resolves `true` once the thread runs, `false` if it could not start or failed. */
  readonly started: Promise<boolean>;

  constructor(create: () => globalThis.Worker = startNetworkWorker) {
    this.started = new Promise<boolean>(resolve => {
      let worker: globalThis.Worker;
      try {
        worker = create();
      } catch {
        resolve(false);
        return;
      }
      this.#worker = worker;
      worker.addEventListener('message', ({ data }: MessageEvent<{ type?: string }>) => {
        if (data?.type !== 'ready') return;
        this.#ready = true;
        resolve(true);
      });
      worker.addEventListener('error', event => {
        event.preventDefault();
        // Blocked, or broke: replies from now on are read in this worker; those it held end as cut.
        this.#ready = false;
        this.#worker = null;
        worker.terminate();
        for (const reply of [...this.#replies]) reply({ status: 'error', error: threadLost() });
        resolve(false);
      });
    });
  }

  /** `streamCompletion`, on the thread when it runs, else here. */
  stream(request: ChatRequest, signal: AbortSignal, onDelta: (delta: CompletionDelta) => void): Promise<StreamEnd> {
    const worker = this.#worker;
    if (!worker || !this.#ready) return streamCompletion(request, signal, onDelta);
    const { port1, port2 } = new MessageChannel();
    return new Promise<StreamEnd>(resolve => {
      const finish = (end: StreamEnd) => {
        if (!this.#replies.delete(finish)) return;
        port1.onmessage = null;
        port1.close();
        resolve(end);
      };
      this.#replies.add(finish);
      port1.onmessage = ({ data }: MessageEvent<NetworkMessage>) => {
        if (data.type === 'delta') onDelta(data);
        else if (data.type === 'end') finish(data.end);
      };
      const stop = () => port1.postMessage({ type: 'stop' });
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
      worker.postMessage({ type: 'start', request, port: port2 } satisfies StartMessage, [port2]);
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

function threadLost(): ChatError {
  return {
    code: 'worker',
    message: 'The background thread that reads replies stopped working; the text that arrived is kept.',
    hint: 'Send the message again; if it keeps happening, reload the page.',
  };
}
