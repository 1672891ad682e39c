/**
 * One frame loop for every `<vllm-chat>` of the page: one
 * `requestAnimationFrame` at a time, one budget of main-thread patch work per
 * frame for the whole page, and the waiting patches served oldest first.
 *
 * A patch runs at once when it arrives while nothing waits and the page's
 * patches since the last frame took less than `PAGE_BUDGET_MS`: a token then
 * reaches the screen in the very next frame. Otherwise it waits in one queue,
 * and the next frame serves, in arrival order, every patch that waited when
 * it began (one round), then more while the budget lasts. Each element has
 * at most one patch in flight (the worker sends the next only after the
 * previous one was applied, protocol.ts `WorkerApi.stream`), so arrival
 * order is a round robin over the elements: no element is served twice
 * while another waits, a busy element cannot starve a quiet one, and a
 * frame's patch work is at most the budget plus one patch per element. Text
 * that waits coalesces in the worker, not here, so a patch served a frame
 * later carries more text instead of being followed by another.
 *
 * A patch may stop at its deadline (the end of the budget) and leave the
 * rest, which then waits its turn again, behind the other elements'
 * patches, and counts as applied only once done: a patch that coalesced
 * thousands of lines (a backlog of text or colour) was one long task;
 * spread, each frame takes a budget's worth of it and the page draws.
 *
 * A round is served whole, past the budget, because the budget is wall-clock
 * time: when another program takes the cores, one patch alone may outlast
 * it, and serving only what fits then left each of ten elements a turn every
 * ten frames, its text seconds behind.
 *
 * Work that must see every patch of the frame (following the scroll: one
 * layout read and write) registers with `afterPatches` and runs once per
 * owner, in the same frame callback, after the patches.
 *
 * A per-element budget let ten elements spend ten budgets in one frame, and
 * each element's own frame callbacks (budget reset, scroll following) made
 * ten times the callbacks; both grow with the number of elements, this
 * does not.
 */

/** Main-thread milliseconds of patch application per frame, for all elements of the page together. */
export const PAGE_BUDGET_MS = 6;

/** How a hidden page (no animation frames) is still served. */
const HIDDEN_FRAME_MS = 50;

/**
 * One patch's work. It may stop at `deadline` (a `now()` time; `Infinity`:
 * never) and return the rest, which then runs in later frames, before the
 * patch counts as applied; it makes some progress at every call.
 */
export type FrameJob = (deadline: number) => FrameJob | void;

interface Job {
  owner: object;
  run: FrameJob;
  resolve: () => void;
  reject: (error: unknown) => void;
  /** Jobs of other owners served since this one was queued. */
  overtaken: number;
}

/** Where frames come from; replaced in tests. */
export interface FrameSource {
  request(callback: () => void): void;
  hidden(): boolean;
  now(): number;
  /** Fallback timer for a hidden page. */
  timeout(callback: () => void, ms: number): void;
}

const pageFrames: FrameSource = {
  request: callback => void requestAnimationFrame(callback),
  hidden: () => document.visibilityState === 'hidden',
  now: () => performance.now(),
  timeout: (callback, ms) => void setTimeout(callback, ms),
};

/** What the scheduler did, for tests that check its structure rather than its timing. */
export interface FrameStats {
  /** Frame callbacks run. */
  frames: number;
  /** Frames requested (at most one outstanding at any time). */
  requests: number;
  /** Jobs run, at once or in a frame. */
  served: number;
  /** Jobs that had to wait for a frame. */
  deferred: number;
  /** Most jobs of other owners served while one job waited. */
  maxOvertaken: number;
  /** Times a job stopped at its deadline and left the rest for a later frame. */
  split: number;
}

export class FrameScheduler {
  readonly #source: FrameSource;
  readonly #budgetMs: number;
  #queue: Job[] = [];
  #spent = 0;
  /** The outstanding frame request, if any (a hidden page races a timer against the frame). */
  #pending: object | null = null;
  #after = new Map<object, () => void>();
  readonly stats: FrameStats = { frames: 0, requests: 0, served: 0, deferred: 0, maxOvertaken: 0, split: 0 };

  constructor(source: FrameSource = pageFrames, budgetMs = PAGE_BUDGET_MS) {
    this.#source = source;
    this.#budgetMs = budgetMs;
  }

  /**
   * Runs `job` (one patch of `owner`'s stream) now if the page's frame budget
   * allows and nothing waits, else in a later frame, after the jobs queued
   * before it. Resolves once it ran; rejects with what it threw.
   */
  run(owner: object, job: FrameJob): Promise<void> {
    let first = job;
    if (this.#queue.length === 0 && this.#spent < this.#budgetMs && !this.#source.hidden()) {
      try {
        const rest = this.#execute(job, this.#source.now() + this.#budgetMs - this.#spent);
        if (!rest) return Promise.resolve();
        first = rest;
        this.stats.split++;
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    } else {
      this.stats.deferred++;
    }
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ owner, run: first, resolve, reject, overtaken: 0 });
      this.#requestFrame();
    });
  }

  /** Runs `callback` once in the next frame, after its patches; a later call for the same `owner` replaces it. */
  afterPatches(owner: object, callback: () => void): void {
    this.#after.set(owner, callback);
    this.#requestFrame();
  }

  /** Forgets `owner`'s `afterPatches` callback (the element left the page). */
  cancel(owner: object): void {
    this.#after.delete(owner);
  }

  /**
   * Runs a job until `deadline`, or for a budget's time when that is later
   * (a hidden page has no frames to spread work over: all of it); what it
   * left. A patch of a few lines is never cut: among ten elements, the
   * frame's budget is spent before most patches run, and a patch cut there
   * held its element's next text back a frame or more.
   */
  #execute(job: FrameJob, deadline: number): FrameJob | void {
    const started = this.#source.now();
    try {
      return job(this.#source.hidden() ? Infinity : Math.max(deadline, started + this.#budgetMs));
    } finally {
      this.#spent += this.#source.now() - started;
      this.stats.served++;
      // The budget starts again at the next frame, which must therefore come.
      this.#requestFrame();
    }
  }

  #requestFrame(): void {
    if (this.#pending) return;
    const token = {};
    this.#pending = token;
    this.stats.requests++;
    const fire = () => {
      if (this.#pending !== token) return;
      this.#pending = null;
      this.#frame();
    };
    this.#source.request(fire);
    if (this.#source.hidden()) this.#source.timeout(fire, HIDDEN_FRAME_MS);
  }

  #frame(): void {
    this.stats.frames++;
    this.#spent = 0;
    const deadline = this.#source.now() + this.#budgetMs;
    // One round (every job that waited when the frame began), then as many as the budget allows, oldest first.
    let round = this.#queue.length;
    while (this.#queue.length && (round > 0 || this.#spent < this.#budgetMs)) {
      round--;
      const job = this.#queue.shift()!;
      for (const waiting of this.#queue) {
        if (waiting.owner === job.owner) continue;
        waiting.overtaken++;
        if (waiting.overtaken > this.stats.maxOvertaken) this.stats.maxOvertaken = waiting.overtaken;
      }
      try {
        const rest = this.#execute(job.run, deadline);
        if (rest) {
          // The rest waits its turn again, after the others: a long patch cannot hold the frame.
          job.run = rest;
          this.#queue.push(job);
          this.stats.split++;
        } else {
          job.resolve();
        }
      } catch (error) {
        job.reject(error);
      }
    }
    const after = [...this.#after.values()];
    this.#after.clear();
    for (const callback of after) {
      try {
        callback();
      } catch (error) {
        // One element's failure must not keep the others' frame work from running.
        console.error(error);
      }
    }
    if (this.#queue.length) this.#requestFrame();
  }
}

let page: FrameScheduler | undefined;

/** The page's scheduler, shared by every element of this copy of the module. */
export function frameScheduler(): FrameScheduler {
  page ??= new FrameScheduler();
  return page;
}
