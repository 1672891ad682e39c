import { expect } from 'chai';
import { tablesSamples } from '../../../../src/worker/render/stages/tables.js';
import { taskListsSamples } from '../../../../src/worker/render/stages/task-lists.js';
import { applyAll, randomChunks, renderOnce, renderOptions, renderStreamed, seeded } from '../../../support/render-harness.js';

const samples = [...tablesSamples.map(s => ['tables', s] as const), ...taskListsSamples.map(s => ['task lists', s] as const)];

describe('tables and task lists stages', () => {
  for (const [n, [stage, text]] of samples.entries()) {
    it(`${stage} sample ${n}: streamed in seeded random chunks and split at every boundary gives the one-shot DOM`, async () => {
      const once = applyAll([await renderOnce(text)]);
      const expected = once.innerHTML;
      once.remove();
      for (let seed = 0; seed < 3; seed++) {
        const random = seeded(7000 + 31 * n + seed);
        const streamed = applyAll(await renderStreamed(randomChunks(text, random, 12), renderOptions, 'content', () => random() < 0.7));
        expect(streamed.innerHTML, `seed ${7000 + 31 * n + seed}`).to.equal(expected);
        streamed.remove();
      }
      for (let at = 1; at < text.length; at++) {
        const streamed = applyAll(await renderStreamed([text.slice(0, at), text.slice(at)]));
        expect(streamed.innerHTML, `split at ${at}`).to.equal(expected);
        streamed.remove();
      }
    });
  }

  it('wraps a table in a sideways scroller under its copy button, and keeps alignment as classes', async () => {
    const section = applyAll([await renderOnce(tablesSamples[1]!)]);
    const block = section.querySelector('.table-block')!;
    expect(block.querySelector('.table-scroll > table')).to.not.equal(null);
    const button = block.querySelector('button[part="table-copy-button"]')!;
    expect(button.getAttribute('aria-label')).to.equal('Copy table');
    expect(section.querySelector('th.align-center')).to.not.equal(null);
    expect(section.innerHTML).not.to.contain('style=');
    section.remove();
  });

  it('labels the table copy button with the given string', async () => {
    const section = applyAll([await renderOnce(tablesSamples[0]!, { ...renderOptions, labels: { copy: '复制', copyTable: '复制表格' } })]);
    expect(section.querySelector('[part="table-copy-button"]')!.textContent).to.equal('复制表格');
    section.remove();
  });

  it('renders task list markers as disabled checkboxes, checked for [x] and [X], and nothing else', async () => {
    const section = applyAll([await renderOnce(taskListsSamples[0]! + '\n' + taskListsSamples[1]!)]);
    const boxes = [...section.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes.map(b => b.checked)).to.deep.equal([false, true, true, true, false]);
    expect(boxes.every(b => b.disabled)).to.equal(true);
    const items = [...section.querySelectorAll('li')].map(li => li.textContent);
    expect(items).to.include.members(['open', 'done', 'also done', 'plain', 'parse', '[y] not a task', '[ ]no space']);
    expect(section.querySelector('li.task-list-item')!.parentElement!.className).to.equal('contains-task-list');
    section.remove();
  });
});
