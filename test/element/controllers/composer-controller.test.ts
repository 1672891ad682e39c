import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { mount, part, parts, unmountAll, waitFor } from '../chat-fixture.js';

const enter = (init: KeyboardEventInit = {}) =>
  new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 13, bubbles: true, composed: true, cancelable: true, ...init });

describe('composer', () => {
  afterEach(unmountAll);

  it('sends on Enter typed on the keyboard and empties the input', async () => {
    const el = await mount({ model: 'MyCoder' });
    const input = part(el, 'input') as HTMLTextAreaElement;
    input.focus();
    await sendKeys({ type: '[mock rate=0 echo=1] typed' });
    await sendKeys({ press: 'Enter' });
    await waitFor(() => el.messages[1]?.status === 'done', 'the reply');
    expect(el.messages[0]!.content).to.equal('[mock rate=0 echo=1] typed');
    expect(input.value).to.equal('');
  });

  it('inserts a newline on Shift+Enter instead of sending', async () => {
    const el = await mount({ model: 'MyCoder' });
    const input = part(el, 'input') as HTMLTextAreaElement;
    input.focus();
    await sendKeys({ type: 'line one' });
    await sendKeys({ press: 'Shift+Enter' });
    await sendKeys({ type: 'line two' });
    expect(input.value).to.equal('line one\nline two');
    expect(el.messages).to.have.length(0);
  });

  it('never sends on an Enter that confirms an IME candidate', async () => {
    const el = await mount({ model: 'MyCoder' });
    const input = part(el, 'input') as HTMLTextAreaElement;
    input.value = '[mock rate=0 echo=1] 写一个递归阶乘函数';
    input.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, composed: true, data: '' }));
    // Chromium and Firefox: the Enter inside the composition carries isComposing.
    const composing = enter({ isComposing: true, keyCode: 229 });
    input.dispatchEvent(composing);
    // Our own flag: a keydown that reports neither signal while a composition is open.
    input.dispatchEvent(enter());
    input.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, composed: true, data: '函数' }));
    // Safari: the confirming Enter arrives after compositionend, isComposing false, keyCode 229.
    const safari = enter({ isComposing: false, keyCode: 229 });
    input.dispatchEvent(safari);
    await new Promise(r => setTimeout(r, 50));
    expect(el.messages).to.have.length(0);
    expect(composing.defaultPrevented).to.equal(false);
    expect(safari.defaultPrevented).to.equal(false);
    // The next plain Enter sends.
    const plain = enter();
    input.dispatchEvent(plain);
    expect(plain.defaultPrevented).to.equal(true);
    await waitFor(() => el.messages[1]?.status === 'done', 'the reply');
    expect(el.messages[1]!.content).to.equal('写一个递归阶乘函数');
  });

  it('does not send an empty or blank input', async () => {
    const el = await mount({ model: 'MyCoder' });
    const input = part(el, 'input') as HTMLTextAreaElement;
    input.value = '   \n ';
    input.dispatchEvent(enter());
    part(el, 'send-button').click();
    await new Promise(r => setTimeout(r, 50));
    expect(el.messages).to.have.length(0);
  });

  it('turns the send button into a stop button while streaming and back', async () => {
    const el = await mount({ model: 'MyCoder' });
    const input = part(el, 'input') as HTMLTextAreaElement;
    input.value = '[mock rate=30 lines=60]';
    part(el, 'send-button').click();
    await waitFor(() => parts(el, 'stop-button').length, 'the stop button');
    expect(part(el, 'stop-button').textContent?.trim()).to.equal('Stop');
    part(el, 'stop-button').click();
    await waitFor(() => parts(el, 'send-button').length, 'the send button');
    expect(el.messages[1]!.status).to.equal('stopped');
  });
});
