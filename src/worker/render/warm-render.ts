/**
 * Readies the renderer itself before the first reply, as warm-up.ts readies
 * the highlighter: a short answer streamed through a `MessageRenderer`, a
 * few characters per take, its output dropped. The JavaScript engine
 * compiles a function the first time it runs and optimizes it once it ran
 * often; on a fresh page the markdown parser's rules, the render stages
 * and the section renderer's streaming paths all ran for the first time on
 * the first reply's first tokens, which showed later than every token
 * after them.
 */
import { MessageRenderer } from './message-renderer.js';
import { nextTask } from './warm-up.js';

/**
 * What answers hold most: prose in two languages, emphasis, inline code, a
 * link, a list, a heading, a quote, a table and a fence (of plain text: the
 * grammars are warm-up.ts's work).
 */
export const WARM_ANSWER = [
  '## 示例 Example',
  '',
  '好的，下面用 **TypeScript** 写一个 `debounce` 函数，参考 [MDN](https://developer.mozilla.org/)：',
  '',
  '1. 第一步：*记录* 时间',
  '2. Second, call `fn` once',
  '   - nested item',
  '',
  '> 注意：timers are ~~exact~~ approximate.',
  '',
  '| 参数 | type |',
  '| --- | ---: |',
  '| `wait` | number |',
  '',
  '```text',
  'debounce(fn, 100)',
  '```',
  '',
  '以上就是完整的代码。',
].join('\n');

/** Characters fed per take: a few tokens' worth, as a stream delivers them. */
const PIECE = 8;

let warmed: Promise<void> | undefined;

/** Takes the warm-up made, for tests. */
export const warmRenderStats = { takes: 0 };

/**
 * Streams `WARM_ANSWER` once per worker, a piece per take and a take per
 * task, so a reply that starts meanwhile waits for one take at most; stops
 * once `busy()`. Never rejects.
 */
export function warmRender(theme: string, busy: () => boolean = () => false): Promise<void> {
  warmed ??= (async () => {
    const renderer = new MessageRenderer({ theme, labels: { copy: 'Copy' } });
    for (let at = 0; at < WARM_ANSWER.length; at += PIECE) {
      await nextTask();
      // Cut short: the next warm-up streams it again.
      if (busy()) return (warmed = undefined);
      renderer.feed('content', WARM_ANSWER.slice(at, at + PIECE));
      await renderer.take(performance.now() + 1);
      warmRenderStats.takes++;
    }
    renderer.end();
    await renderer.take();
    warmRenderStats.takes++;
  })().catch(() => undefined);
  return warmed;
}
