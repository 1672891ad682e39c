// What the server "answers": a canned markdown reply picked by keywords of
// the prompt, or the text a directive asks for.
import { answerById, pickAnswer, isChinese } from './answers.js';
import { codeLines, CODE_KINDS } from './code-corpus.js';
import { numberDirective } from './directives.js';

/**
 * @typedef {object} Reply
 * @property {string} reasoning  text for `delta.reasoning_content` / `delta.reasoning` ('' for none)
 * @property {string} content  the answer text, `<think>` block included when asked
 */

/**
 * @param {string} prompt  the last user message, directive removed
 * @param {Record<string, string>} directives
 * @returns {Reply}
 */
export function composeReply(prompt, directives) {
  const chinese = isChinese(prompt);
  let content;
  if (directives.echo === '1') {
    content = prompt.replace(/^ /, '').replace(/ $/, '');
  } else if (directives.lines !== undefined) {
    const n = Math.floor(numberDirective(directives, 'lines', 0));
    const lang = directives.lang && CODE_KINDS.includes(directives.lang) ? directives.lang : 'ts';
    const { info, fence, lines } = codeLines(lang, n);
    const code = `${fence}${info}\n${lines.length ? lines.join('\n') + '\n' : ''}${fence}`;
    content = chinese
      ? `下面是 ${lines.length} 行 ${info} 代码：\n\n${code}\n\n以上就是完整的代码。`
      : `Here are ${lines.length} lines of ${info}:\n\n${code}\n\nThat is the whole listing.`;
  } else {
    content = (directives.answer !== undefined && answerById(directives.answer, prompt)) || pickAnswer(prompt);
  }
  const steps = Math.floor(numberDirective(directives, 'reasoning', 0));
  const reasoning = steps > 0 ? reasoningText(steps, chinese) : '';
  if (directives.think === '1') {
    content = `<think>\n${reasoningText(40, chinese)}\n</think>\n\n${content}`;
  }
  return { reasoning, content };
}

const THOUGHTS_EN = [
  'The user wants working code, so I should show a complete example.',
  'First, check the edge cases: empty input, one element, very large input.',
  'A short explanation before the code helps; a list of notes after it.',
  'Recursion is clear here, but the iterative form avoids deep stacks.',
  'I will name the function after what it returns.',
];
const THOUGHTS_ZH = [
  '用户需要可以直接运行的代码，我应该给出完整的示例。',
  '先考虑边界情况：空输入、单个元素、非常大的输入。',
  '代码前先简单说明思路，代码后列出注意事项。',
  '这里用递归最清楚，但迭代写法可以避免栈溢出。',
];

/**
 * Reasoning prose of about `tokens` tokens (the exact count is set by the
 * caller, which cuts the token list).
 * @param {number} tokens @param {boolean} chinese
 */
function reasoningText(tokens, chinese) {
  const pool = chinese ? THOUGHTS_ZH : THOUGHTS_EN;
  const perSentence = chinese ? 18 : 14;
  const parts = [];
  for (let i = 0; i * perSentence < tokens + perSentence; i++) parts.push(pool[i % pool.length]);
  return parts.join(chinese ? '' : ' ');
}
