// Canned answers to coding prompts, picked by keywords.
/** @typedef {{ keywords: RegExp, en: string, zh: string }} Answer */

/** @type {Answer[]} */
export const ANSWERS = [
  {
    keywords: /factorial|阶乘/i,
    en: "Here is a recursive factorial in Python:\n\n```python\ndef factorial(n: int) -> int:\n    \"\"\"Return n! for n >= 0.\"\"\"\n    if n < 0:\n        raise ValueError(\"n must be non-negative\")\n    if n <= 1:\n        return 1\n    return n * factorial(n - 1)\n\n\nprint(factorial(5))  # 120\n```\n\nThe base case `n <= 1` stops the recursion.\n",
    zh: "下面是一个用 Python 编写的递归阶乘函数：\n\n```python\ndef factorial(n: int) -> int:\n    \"\"\"返回 n 的阶乘（n >= 0）。\"\"\"\n    if n < 0:\n        raise ValueError(\"n 必须是非负整数\")\n    if n <= 1:\n        return 1\n    return n * factorial(n - 1)\n\n\nprint(factorial(5))  # 120\n```\n\n基本情况 `n <= 1` 让递归终止。\n",
  },
];

const FALLBACK = ANSWERS[0];

/**
 * @param {string} prompt
 * @returns {string}
 */
export function pickAnswer(prompt) {
  const chinese = /[\p{Script=Han}]/u.test(prompt);
  const answer = ANSWERS.find(a => a.keywords.test(prompt)) ?? FALLBACK;
  if (!answer) return '';
  return chinese ? answer.zh : answer.en;
}
