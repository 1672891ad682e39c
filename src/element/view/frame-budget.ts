/**
 * When the element applies a patch: at once while the patches applied since
 * the last animation frame took less than `PATCH_BUDGET_MS`, otherwise on the
 * next animation frame (where the budget starts again).
 *
 * Applying at once puts a token on screen in the very next frame (a patch
 * that waited for `requestAnimationFrame` and the acknowledgement that
 * follows it cost up to two frames). The budget keeps what patches cost the
 * main thread between two frames to about `PATCH_BUDGET_MS` plus one patch,
 * and the worker sends a patch only after the previous one was applied, so
 * when the budget is spent, text coalesces in the worker instead of queueing
 * here (protocol.ts, `WorkerApi.stream`).
 */

/** Main-thread milliseconds of patch application allowed between two frames. */
export const PATCH_BUDGET_MS = 4;

/** Resolves on the next frame; in a hidden page (no frames) after a short timeout instead. */
export function nextFrame(): Promise<void> {
  return new Promise(resolve => {
    let done = false;
    const run = () => {
      if (done) return;
      done = true;
      resolve();
    };
    requestAnimationFrame(run);
    if (document.visibilityState === 'hidden') setTimeout(run, 50);
  });
}

export class FrameBudget {
  #spent = 0;
  #resetScheduled = false;

  /** Resolves when a patch may be applied: now if the frame's budget allows, else on the next frame. */
  async slot(): Promise<void> {
    if (this.#spent >= PATCH_BUDGET_MS || document.visibilityState === 'hidden') {
      await nextFrame();
      this.#spent = 0;
    }
  }

  /** Records the time a patch took; the budget starts again at the next frame. */
  spend(ms: number): void {
    this.#spent += ms;
    if (this.#resetScheduled) return;
    this.#resetScheduled = true;
    requestAnimationFrame(() => {
      this.#resetScheduled = false;
      this.#spent = 0;
    });
  }
}
