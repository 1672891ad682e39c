// tokenize: pieces of about four characters, whole code points, lossless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tokenize } from '../../server/tokenize.js';

test('joins back to exactly the input', () => {
  for (const text of ['', 'a', 'def f(x):\n    return x\n', '  \n\n\t x', '写一个递归阶乘函数', 'a😀b\u0301c', '\r\n\r\n']) {
    assert.equal(tokenize(text).join(''), text);
  }
});

test('keeps a word with its leading space and cuts long words into four-character pieces', () => {
  assert.deepEqual(tokenize('def factorial(n):'), ['def', ' fac', 'tori', 'al', '(', 'n', '):']);
});

test('gives Chinese one or two characters a token, apart from Latin words', () => {
  const tokens = tokenize('用 Python 编写递归函数');
  assert.equal(tokens.join(''), '用 Python 编写递归函数');
  for (const t of tokens.filter(t => /\p{Script=Han}/u.test(t))) {
    assert.ok([...t].length <= 2 && !/[A-Za-z ]/.test(t), JSON.stringify(t));
  }
});

test('never cuts inside a surrogate pair', () => {
  const text = '😀'.repeat(9) + '𠀋'.repeat(7);
  for (const t of tokenize(text)) assert.ok(wellFormed(t), JSON.stringify(t));
});

/** No lone surrogate (String.prototype.isWellFormed, absent from the ES2023 lib). @param {string} s */
function wellFormed(s) {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}
