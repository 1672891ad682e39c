/**
 * Counts the tasks that run from now until `stop()`: a loop that yields
 * between its steps lets about one in per step.
 */
export function countTasks(): { stop(): number } {
  let ticks = 0;
  let running = true;
  const tick = () => {
    ticks++;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  return {
    stop() {
      running = false;
      return ticks;
    },
  };
}
