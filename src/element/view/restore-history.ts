/**
 * Shows a stored conversation without a long task, newest first: the
 * conversation opens at its bottom, so what the reader sees first is placed
 * and rendered first. The newest `RESTORE_FIRST` messages are placed in the
 * log at once, older ones above them a block of the log (log-blocks.ts) at
 * a time, whenever the page is idle.
 *
 * The worker renders each reply in one shot (`WorkerApi.render`), at most
 * `RESTORE_AHEAD` calls outstanding at any time. The worker serves its
 * messages in order, so a reply the reader sends meanwhile waits behind that
 * many one-shot renders, never behind the whole conversation.
 *
 * Rendered bodies wait in a list and are applied by one job at a time in the
 * page's frame scheduler (frame-scheduler.ts), the budget streaming replies
 * draw on too: the job applies bodies, oldest rendered first, until it spent
 * `RESTORE_SLICE_MS`, so a frame applies a slice of the conversation beside
 * each streaming reply's patch, and opening a conversation costs each frame
 * O(slice), whatever the conversation's length.
 */
import { frameScheduler } from './frame-scheduler.js';
import { LOG_BLOCK } from './log-blocks.js';
import { whenIdle } from '../when-idle.js';
import type { MessageView, RenderMessage } from './message-view.js';

/** Main-thread milliseconds per task of reading a stored conversation, a task per frame, before it is shown (vllm-chat.ts `#restore`). */
export const READ_SLICE_MS = 6;

/** Messages placed in the log at once, the newest: what the reader sees first (a view holds a few), built in the task that opens the conversation. */
export const RESTORE_FIRST = 10;

/** Longest wait for an idle moment before the next block is placed anyway (a page that is never idle). */
export const PLACE_WAIT_MS = 200;

/** One-shot renders asked of the worker and not yet back. */
export const RESTORE_AHEAD = 8;

/** Main-thread milliseconds of restored bodies applied per frame. */
export const RESTORE_SLICE_MS = 4;

export interface RestoreHooks {
  /** Places the messages from `index` on in the log (those before it wait); `0`: all are placed. */
  place(index: number): void;
  /** Whether `view`, at `index` of the restored views, is still to be shown (false once the conversation was cleared). */
  wanted(view: MessageView, index: number): boolean;
  /** Brings style and layout up to date (one layout read): the slice's time then counts what its bodies cost the browser, not only the script. */
  layout(): void;
  /** After the bodies of a frame's slice were applied. */
  shown(views: readonly MessageView[]): void;
  /** A body that could not be rendered. */
  failed(view: MessageView, error: unknown): void;
}

interface Item {
  view: MessageView;
  index: number;
}

/** Renders and applies the body of every reply of `views`, newest first; resolves when all are shown. */
export async function restoreHistory(views: readonly MessageView[], render: RenderMessage, hooks: RestoreHooks): Promise<void> {
  const queue: Item[] = [];
  for (let i = views.length - 1; i >= 0; i--) if (views[i]!.message.role === 'assistant') queue.push({ view: views[i]!, index: i });
  const scheduler = frameScheduler();
  // One owner for the whole conversation: in the scheduler's round robin it takes one turn beside each streaming reply.
  const owner = {};
  // The log grows upward a block at a time: one layout of a thousand new messages would be one long task.
  let placed = Math.max(0, views.length - RESTORE_FIRST);
  hooks.place(placed);
  // A block when the page is idle, not in a frame's callback: building its messages' DOM there came
  // on top of the frame's own work (the streaming replies, the bodies applied) and made it late.
  const placing = new Promise<void>(done => {
    const placeNext = (): void => {
      // To the start of the block above: each placement adds one whole block, and no block placed before changes.
      placed = Math.max(0, (Math.ceil(placed / LOG_BLOCK) - 1) * LOG_BLOCK);
      hooks.place(placed);
      if (placed > 0) whenIdle(placeNext, PLACE_WAIT_MS);
      else done();
    };
    if (placed > 0) whenIdle(placeNext, PLACE_WAIT_MS);
    else done();
  });
  /** Rendered bodies waiting for a frame, each with its application. */
  const ready: { item: Item; apply: () => void; applied: () => void; failed: (error: unknown) => void }[] = [];
  let job: Promise<void> | undefined;

  const slice = (): void => {
    const until = performance.now() + RESTORE_SLICE_MS;
    const shown: MessageView[] = [];
    do {
      const next = ready.shift()!;
      try {
        if (hooks.wanted(next.item.view, next.item.index)) {
          next.apply();
          shown.push(next.item.view);
          // A body's layout can cost many times its script (a code block is a box per token), and a
          // slice run between frames would otherwise leave the layout of all of them to one frame.
          hooks.layout();
        }
        next.applied();
      } catch (error) {
        next.failed(error);
      }
    } while (ready.length && performance.now() < until);
    if (shown.length) hooks.shown(shown);
  };
  const drain = (): void => {
    if (job || ready.length === 0) return;
    job = scheduler.run(owner, slice).finally(() => {
      job = undefined;
      drain();
    });
  };
  // `restore` hands its application to `schedule` and waits until it ran.
  const schedule = (item: Item) => (apply: () => void) =>
    new Promise<void>((applied, failed) => {
      ready.push({ item, apply, applied, failed });
      drain();
    });

  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < queue.length) {
      const item = queue[next++]!;
      if (!hooks.wanted(item.view, item.index)) continue;
      try {
        await item.view.restore(render, schedule(item));
      } catch (error) {
        hooks.failed(item.view, error);
      }
    }
  };
  await Promise.all([placing, ...Array.from({ length: Math.min(RESTORE_AHEAD, queue.length) }, lane)]);
}
