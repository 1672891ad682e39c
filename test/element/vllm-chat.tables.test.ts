import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { catchFallbackCopy, mount, part, unmountAll } from './chat-fixture.js';

describe('<vllm-chat> tables and task lists', function () {
  this.timeout(60_000);
  afterEach(unmountAll);

  it('copies a table as tab-separated text of the cells as shown', async () => {
    const el = await mount({ model: 'MyCoder' });
    await el.send('[mock rate=0 echo=1] | name | **size** | note |\n|:--|--:|---|\n| `a.py` | 12 | x \\| y |\n| b | | [link](https://example.com) |');
    const table = el.shadowRoot!.querySelector('table')!;
    expect(table.closest('.table-block')!.querySelector('[part="table-copy-button"]')).to.equal(part(el, 'table-copy-button'));
    const copied = catchFallbackCopy();
    try {
      // A real key press: execCommand('copy') needs user activation.
      part(el, 'table-copy-button').focus();
      await sendKeys({ press: 'Enter' });
      expect(await copied.text).to.equal('name\tsize\tnote\na.py\t12\tx | y\nb\t\tlink');
    } finally {
      copied.restore();
    }
  });

  it('scrolls a wide table sideways inside the message', async () => {
    const el = await mount({ model: 'MyCoder' });
    el.style.width = '360px';
    const cols = 14;
    await el.send(`[mock rate=0 echo=1] |${' column |'.repeat(cols)}\n|${'---|'.repeat(cols)}\n|${' a-long-value |'.repeat(cols)}`);
    const scroller = el.shadowRoot!.querySelector<HTMLElement>('.table-scroll')!;
    const message = part(el, 'assistant');
    expect(getComputedStyle(scroller).overflowX).to.equal('auto');
    expect(scroller.scrollWidth).to.be.greaterThan(scroller.clientWidth);
    expect(message.scrollWidth).to.be.at.most(message.clientWidth);
    expect(scroller.getBoundingClientRect().right).to.be.at.most(message.getBoundingClientRect().right);
  });

  it('shows - [ ] and - [x] as disabled checkboxes', async () => {
    const el = await mount({ model: 'MyCoder' });
    await el.send('[mock rate=0 echo=1] - [ ] write tests\n- [x] ship\n- not a task');
    const boxes = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')];
    expect(boxes.map(b => [b.checked, b.disabled])).to.deep.equal([
      [false, true],
      [true, true],
    ]);
    boxes[0]!.click();
    expect(boxes[0]!.checked).to.equal(false);
    expect([...el.shadowRoot!.querySelectorAll('li')].map(li => li.textContent)).to.deep.equal(['write tests', 'ship', 'not a task']);
  });
});
