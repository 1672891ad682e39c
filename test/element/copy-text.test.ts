import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { catchFallbackCopy, mount, part, parts, unmountAll, waitFor } from './chat-fixture.js';

describe('code block copy button', () => {
  afterEach(unmountAll);

  it('copies the exact code of its block through the fallback, and shows it was copied', async () => {
    const el = await mount({ model: 'MyCoder' });
    const reply = await el.send('[mock rate=0 lines=12 lang=py]');
    const code = /```python\n([\s\S]*?)\n```/.exec(reply.content)![1]!;
    const pre = part(el, 'code-block');
    expect(pre.textContent).to.equal(code);
    const copied = catchFallbackCopy();
    try {
      const button = part(el, 'copy-button');
      // A real key press: execCommand('copy') needs user activation.
      button.focus();
      await sendKeys({ press: 'Enter' });
      expect(await copied.text).to.equal(code);
      await waitFor(() => button.textContent?.includes('Copied'), 'the copied state');
      await waitFor(() => !button.textContent?.includes('Copied'), 'the label to come back', 4000);
    } finally {
      copied.restore();
    }
  });

  it('copies through the Clipboard API: pasting gives back the code', async () => {
    const el = await mount({ model: 'MyCoder' });
    const reply = await el.send('[mock rate=0 lines=5 lang=ts]');
    const code = /```\w*\n([\s\S]*?)\n```/.exec(reply.content)![1]!;
    const button = parts(el, 'copy-button')[0]!;
    button.focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(() => button.dataset.copied === 'true', 'the copy to finish');
    const input = part(el, 'input') as HTMLTextAreaElement;
    input.focus();
    await sendKeys({ press: 'Control+V' });
    await waitFor(() => input.value, 'the paste');
    expect(input.value).to.equal(code);
  });
});
