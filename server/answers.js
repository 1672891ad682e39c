// Canned answers to coding prompts (replies/answers.md), picked by keywords
// of the prompt, in Chinese when the prompt contains Chinese characters.
import { readFileSync } from 'node:fs';

/** @typedef {{ id: string, keywords: RegExp, en: string, zh: string }} Answer */

/** `<!-- answer id=… keywords=<regex> lang=en|zh -->` opens each answer. */
const HEADER = /^<!-- answer id=(\S+) keywords=(\S+) lang=(en|zh) -->\n/gm;

/** @type {Answer[] | undefined} */
let answers;

/** Parsed once, on first use; the file order is the matching order. */
function load() {
  if (answers) return answers;
  const text = readFileSync(new URL('./replies/answers.md', import.meta.url), 'utf8');
  /** @type {Map<string, Answer>} */
  const byId = new Map();
  const heads = [...text.matchAll(HEADER)];
  heads.forEach((head, i) => {
    const [whole, id = '', keywords = '', lang = 'en'] = head;
    const start = (head.index ?? 0) + whole.length;
    const end = heads[i + 1]?.index ?? text.length;
    const body = text.slice(start, end).replace(/\n+$/, '\n');
    const answer = byId.get(id) ?? { id, keywords: new RegExp(keywords, 'iu'), en: '', zh: '' };
    answer[lang === 'zh' ? 'zh' : 'en'] = body;
    byId.set(id, answer);
  });
  answers = [...byId.values()];
  return answers;
}

/** Whether `text` contains CJK ideographs (then the answer is in Chinese). */
export function isChinese(/** @type {string} */ text) {
  return /\p{Script=Han}/u.test(text);
}

/**
 * The answer for `prompt`: the first whose keywords match, else the general
 * multi-language overview (the last one).
 * @param {string} prompt
 * @returns {string}
 */
export function pickAnswer(prompt) {
  const all = load();
  const answer = all.find(a => a.keywords.test(prompt)) ?? all[all.length - 1];
  if (!answer) return '';
  return isChinese(prompt) ? answer.zh : answer.en;
}

/**
 * The answer with id `id` (the `answer=ID` directive), in Chinese when the
 * prompt is and the answer has a Chinese version; `undefined` for an unknown id.
 * @param {string} id @param {string} prompt
 * @returns {string | undefined}
 */
export function answerById(id, prompt) {
  const answer = load().find(a => a.id === id);
  if (!answer) return undefined;
  return (isChinese(prompt) && answer.zh) || answer.en || answer.zh;
}

/** Every answer id, in matching order (for tests). */
export function answerIds() {
  return load().map(a => a.id);
}
