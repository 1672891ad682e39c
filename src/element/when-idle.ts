/**
 * Runs `run` when the page is next idle (`requestIdleCallback`), at the
 * latest after `timeoutMs`: a page that is never idle (a busy machine,
 * another tab's work) still gets it. Where there is no such callback
 * (Safari), after the current task and its rendering. Returns a function
 * that cancels it.
 */
export function whenIdle(run: () => void, timeoutMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(() => run(), { timeout: timeoutMs });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(run, 0);
  return () => clearTimeout(timer);
}
