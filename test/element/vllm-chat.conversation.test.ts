import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { catchFallbackCopy, clearRequests, mount, part, parts, requests, servers, unmountAll, waitFor } from './chat-fixture.js';

const action = (message: HTMLElement, name: string) => message.querySelector<HTMLButtonElement>(`button.${name}`)!;

describe('<vllm-chat> conversation actions', () => {
  afterEach(unmountAll);

  it('regenerates the last reply in place, resending the same question', async () => {
    const el = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin });
    await el.send('[mock rate=0 echo=1] one');
    await el.send('[mock rate=0 echo=1] two');
    await clearRequests(servers.crossOrigin);
    const last = parts(el, 'assistant')[1]!;
    expect(action(parts(el, 'assistant')[0]!, 'regenerate').checkVisibility()).to.equal(false);
    expect(action(last, 'regenerate').checkVisibility()).to.equal(true);
    const done = new Promise<Event>(r => el.addEventListener('vllm-chat-done', r, { once: true }));
    action(last, 'regenerate').click();
    await done;
    expect(el.messages.map(m => m.content)).to.deep.equal(['[mock rate=0 echo=1] one', 'one', '[mock rate=0 echo=1] two', 'two']);
    expect(parts(el, 'message')).to.have.length(4);
    const sent = (await requests(servers.crossOrigin)).filter(r => r.path === '/v1/chat/completions');
    expect(sent).to.have.length(1);
    expect((sent[0]!.body as { messages: { content: string }[] }).messages.map(m => m.content)).to.deep.equal([
      '[mock rate=0 echo=1] one',
      'one',
      '[mock rate=0 echo=1] two',
    ]);
  });

  it('edits an earlier message and resends it, replacing everything after it', async () => {
    const el = await mount({ model: 'MyCoder' });
    await el.send('[mock rate=0 echo=1] first');
    await el.send('[mock rate=0 echo=1] second');
    action(parts(el, 'user')[0]!, 'edit').click();
    await el.updateComplete;
    const input = part(el, 'input') as HTMLTextAreaElement;
    expect(input.value).to.equal('[mock rate=0 echo=1] first');
    expect(el.shadowRoot!.activeElement).to.equal(input);
    input.value = '[mock rate=0 echo=1] edited';
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await waitFor(() => el.messages[1]?.status === 'done' && el.messages.length === 2, 'the new reply');
    expect(el.messages.map(m => m.content)).to.deep.equal(['[mock rate=0 echo=1] edited', 'edited']);
    expect(parts(el, 'message')).to.have.length(2);
  });

  it('copies a whole reply with its copy button', async () => {
    const el = await mount({ model: 'MyCoder' });
    const reply = await el.send('[mock rate=0 echo=1] **bold** and `code`');
    const copied = catchFallbackCopy();
    try {
      action(parts(el, 'assistant')[0]!, 'copy-reply').focus();
      await sendKeys({ press: 'Enter' });
      expect(await copied.text).to.equal(reply.content);
    } finally {
      copied.restore();
    }
  });

  it('offers a model picker when the server lists several models, and sends the one picked', async () => {
    const single = await mount({});
    await new Promise(r => setTimeout(r, 300));
    expect(single.shadowRoot!.querySelector('select')).to.equal(null);
    const el = await mount({ endpoint: servers.multiModel });
    const select = await waitFor(() => el.shadowRoot!.querySelector('select'), 'the model picker');
    expect([...select.options].map(o => o.value)).to.deep.equal(['MyCoder', 'MyCoder-Large']);
    expect(select.closest('label')?.textContent).to.contain('Model');
    select.value = 'MyCoder-Large';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    expect(el.model).to.equal('MyCoder-Large');
    await clearRequests(servers.multiModel);
    await el.send('[mock rate=0 echo=1] hi');
    const chat = (await requests(servers.multiModel)).filter(r => r.path === '/v1/chat/completions');
    expect((chat[0]!.body as { model: string }).model).to.equal('MyCoder-Large');
  });

  it('shows reasoning open while it streams and collapses it when the answer starts', async () => {
    const el = await mount({ model: 'MyCoder' });
    const pending = el.send('[mock rate=40 reasoning=30 echo=1] the answer after thinking');
    const details = await waitFor(() => el.shadowRoot!.querySelector<HTMLDetailsElement>('[part~="reasoning"]'), 'reasoning');
    expect(details.open).to.equal(true);
    const reply = await pending;
    expect(details.open).to.equal(false);
    expect(reply.reasoning).to.be.a('string').and.not.equal('');
    expect(details.textContent).to.contain(reply.reasoning!.trim().split('\n')[0]!.slice(0, 10));
    expect(reply.content).to.equal('the answer after thinking');
  });

  it('turns a leading <think> block into the reasoning section', async () => {
    const el = await mount({ model: 'MyCoder' });
    const reply = await el.send('[mock rate=0 think=1 echo=1] 答案');
    expect(reply.content.trim()).to.equal('答案');
    expect(reply.reasoning).to.be.a('string').and.not.equal('');
    expect(parts(el, 'reasoning')).to.have.length(1);
  });

  it('labels the log and controls, and announces only finished replies', async () => {
    const el = await mount({ model: 'MyCoder' });
    const root = el.shadowRoot!;
    const log = root.querySelector('[role="log"]')!;
    expect(log.getAttribute('aria-label')).to.equal('Conversation');
    expect(log.getAttribute('aria-live')).to.equal('off');
    for (const control of root.querySelectorAll('button, textarea, select')) {
      const name = control.getAttribute('aria-label') ?? control.textContent?.trim();
      expect(name, control.outerHTML).to.not.equal('');
    }
    const status = root.querySelector('[role="status"][aria-live="polite"]')!;
    const pending = el.send('[mock rate=60 echo=1] 写一个递归阶乘函数 please');
    await waitFor(() => el.messages[1]?.content, 'tokens');
    expect(status.textContent?.trim()).to.equal('');
    await pending;
    await el.updateComplete;
    expect(status.textContent).to.contain('Reply finished.');
  });
});
