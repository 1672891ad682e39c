import { expect } from 'chai';
import { CODE_GROUP_LINES } from '../../../src/shared/code-block-layout.js';
import { applyPatch, fillCodeBlock } from '../../../src/element/view/apply-patch.js';
import { collapseGroup, expandGroup } from '../../../src/element/view/code-collapser.js';
import { keptLines } from '../../../src/element/view/group-colour.js';
import { messageBox } from '../../support/message-box.js';
import { codeBlockShell, lineHtml, plainLineHtml } from '../../../src/worker/render/code-block.js';

const LINES = CODE_GROUP_LINES * 3;
const text = (i: number) => `const v${i} = ${i};`;
/** A line's coloured inside, as a `code-colour` op carries it. */
const coloured = (i: number) => `<span class="c-ff0000">${text(i)}</span>`;

/** Resolves at `group`'s next report that the browser skips it (`true`) or shows it. */
function reported(group: Element, skipped: boolean): Promise<void> {
  return new Promise(resolve => {
    const listener = (event: Event) => {
      if ((event as ContentVisibilityAutoStateChangeEvent).skipped !== skipped) return;
      group.removeEventListener('contentvisibilityautostatechange', listener);
      resolve();
    };
    group.addEventListener('contentvisibilityautostatechange', listener);
  });
}

/** A short scrolling message section holding one code block of three groups of plain lines. */
function plainBlock(): { host: HTMLElement; section: HTMLElement; code: Element; groups: Element[] } {
  const { host, box: section } = messageBox();
  applyPatch(section, [
    { type: 'code-open', html: codeBlockShell({ lang: 'ts', preClass: 'shiki', copyLabel: 'Copy' }) },
    { type: 'code-lines', lines: Array.from({ length: LINES }, (_, i) => plainLineHtml(text(i))) },
  ]);
  const code = section.querySelector('pre > code')!;
  return { host, section, code, groups: [...code.children] };
}

const colourOf = (group: Element) => group.querySelectorAll('.c-ff0000').length;

/** `plainBlock()` scrolled to its end, once the browser reports that it skips the first group. */
async function firstSkipped(block: ReturnType<typeof plainBlock>) {
  const [first, , last] = block.groups as [Element, Element, Element];
  const source = block.code.textContent;
  const away = reported(first, true);
  block.section.scrollTop = block.section.scrollHeight;
  await away;
  return { first, last, source };
}

/** Scrolls `block` back to its top and resolves once the browser shows `first` again. */
async function firstShownAgain(block: ReturnType<typeof plainBlock>, first: Element): Promise<void> {
  const back = reported(first, false);
  block.section.scrollTop = 0;
  await back;
}

describe('colour of code groups the browser skips', () => {
  it('is kept while the group is off screen and filled in place when it is shown; the text never changes', async () => {
    const block = plainBlock();
    const { host, section, code } = block;
    try {
      const { first, last, source } = await firstSkipped(block);
      applyPatch(section, [{ type: 'code-colour', index: 0, from: 0, lines: Array.from({ length: LINES }, (_, i) => coloured(i)) }]);
      expect(colourOf(first), 'the skipped group stays plain').to.equal(0);
      expect(keptLines(first)).to.equal(CODE_GROUP_LINES);
      expect(colourOf(last), 'the group on screen is coloured at once').to.equal(CODE_GROUP_LINES);
      expect(keptLines(last)).to.equal(0);
      expect(code.textContent).to.equal(source);

      // Collapsed to its text and rebuilt while still off screen: the colour is still kept, not lost.
      expect(collapseGroup(first)).to.equal(true);
      expect(first.childElementCount).to.equal(0);
      expect(expandGroup(first)).to.equal(true);
      expect(colourOf(first)).to.equal(0);
      expect(keptLines(first)).to.equal(CODE_GROUP_LINES);

      await firstShownAgain(block, first);
      expect(colourOf(first), 'coloured once shown').to.equal(CODE_GROUP_LINES);
      expect(keptLines(first)).to.equal(0);
      expect(code.textContent).to.equal(source);
      // Filled in place: each line is its line span, holding exactly the op's markup.
      const line = first.querySelector('.code-chunk')!.children[7]!;
      expect(line.className).to.equal('line');
      expect(line.innerHTML).to.equal(coloured(7));
    } finally {
      host.remove();
    }
  });

  it('fills a finished block in place from its one-shot highlight, a group collapsed to its text once it is rebuilt', async () => {
    // A stopped reply's plain lines, coloured after its end (vllm-chat.ts): far groups may be collapsed by then.
    const block = plainBlock();
    const { host, code } = block;
    try {
      const { first, last, source } = await firstSkipped(block);
      expect(collapseGroup(first)).to.equal(true);
      const lastLines = [...last.querySelectorAll('.line')];
      fillCodeBlock(code, { lines: Array.from({ length: LINES }, (_, i) => lineHtml(coloured(i))), preClass: 'shiki', styles: [] });
      expect(colourOf(last), 'the group on screen, at once').to.equal(CODE_GROUP_LINES);
      expect([...last.querySelectorAll('.line')].every((line, i) => line === lastLines[i]), 'the same line spans').to.equal(true);
      expect(last.querySelector('.code-chunk')!.children[3]!.innerHTML, 'each filled with the line\'s inside').to.equal(coloured(2 * CODE_GROUP_LINES + 3));
      expect(first.childElementCount, 'the collapsed group stays text').to.equal(0);
      expect(keptLines(first)).to.equal(CODE_GROUP_LINES);
      expect(code.textContent).to.equal(source);

      expect(expandGroup(first)).to.equal(true);
      await firstShownAgain(block, first);
      expect(colourOf(first), 'rebuilt and shown: coloured').to.equal(CODE_GROUP_LINES);
      expect(keptLines(first)).to.equal(0);
      expect(code.textContent).to.equal(source);
    } finally {
      host.remove();
    }
  });

  it('takes the newest colour of a line sent twice while its group was skipped', async () => {
    const { host, section, groups } = plainBlock();
    try {
      const first = groups[0]!;
      const away = reported(first, true);
      section.scrollTop = section.scrollHeight;
      await away;
      applyPatch(section, [{ type: 'code-colour', index: 0, from: 3, lines: ['<span class="c-00ff00">old</span>'] }]);
      applyPatch(section, [{ type: 'code-colour', index: 0, from: 3, lines: [coloured(3)] }]);
      expect(keptLines(first)).to.equal(1);
      const back = reported(first, false);
      section.scrollTop = 0;
      await back;
      expect(first.querySelector('.code-chunk')!.children[3]!.innerHTML).to.equal(coloured(3));
      expect(first.querySelectorAll('.c-00ff00')).to.have.length(0);
    } finally {
      host.remove();
    }
  });

  it('still fails loudly when an op names a line that is not there', () => {
    const { host, section } = plainBlock();
    try {
      expect(() => applyPatch(section, [{ type: 'code-colour', index: 0, from: LINES, lines: [coloured(0)] }])).to.throw(/not on screen/);
    } finally {
      host.remove();
    }
  });
});
