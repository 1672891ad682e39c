import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { clearRequests, lastChatBody, mount, part, parts, servers, unmountAll, waitFor } from './chat-fixture.js';

/** The version switcher of the message at `index` (its parts, or undefined while it has one version). */
function switcher(el: VllmChat, index: number) {
  const message = parts(el, 'message')[index]!;
  const group = message.querySelector<HTMLElement>('.branches');
  if (!group || group.hidden) return undefined;
  return {
    prev: group.querySelector<HTMLButtonElement>('[part="branch-prev"]')!,
    next: group.querySelector<HTMLButtonElement>('[part="branch-next"]')!,
    label: group.querySelector<HTMLElement>('[part="branch-label"]')!.textContent,
  };
}

const contents = (el: VllmChat) => el.messages.map(m => m.content);
/** What the log shows, message by message (user text, or an assistant's rendered text). */
const shown = (el: VllmChat) => parts(el, 'message').map(m => m.querySelector('.content')!.textContent!.trim());

async function regenerate(el: VllmChat, maxTokens?: number) {
  el.maxTokens = maxTokens;
  const message = await el.regenerate();
  await el.updateComplete;
  return message;
}

describe('<vllm-chat> branches', () => {
  afterEach(unmountAll);

  it('keeps every regenerated reply as a version; switching shows it and the messages after it, and the next request follows', async function () {
    // Eight replies, and the worker's first start on a loaded machine.
    this.timeout(60_000);
    const el = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin });
    const question = '[mock rate=0 echo=1] one two three four';
    el.maxTokens = 1;
    const first = await el.send(question);
    expect(switcher(el, 1), 'one version: no switcher').to.equal(undefined);
    // max_tokens cuts the echo, so each version reads differently.
    const second = await regenerate(el, 2);
    const third = await regenerate(el);
    expect([first.content, second.content, third.content]).to.deep.equal(['one', 'one two', 'one two three four']);
    expect(switcher(el, 1)?.label).to.equal('3 / 3');
    expect(switcher(el, 1)?.next.disabled).to.equal(true);
    expect(switcher(el, 1)?.prev.disabled).to.equal(false);
    expect(switcher(el, 0), 'the question has one version').to.equal(undefined);
    expect(el.messages[1]).to.equal(third);

    switcher(el, 1)!.prev.click();
    await el.updateComplete;
    expect(switcher(el, 1)?.label).to.equal('2 / 3');
    expect(el.messages[1]).to.equal(second);
    await waitFor(() => shown(el)[1] === 'one two', 'version 2 rendered');

    // Version 2 goes on with messages of its own.
    el.maxTokens = undefined;
    await el.send('[mock rate=0 echo=1] more');
    expect(contents(el)).to.deep.equal([question, 'one two', '[mock rate=0 echo=1] more', 'more']);
    switcher(el, 1)!.next.click();
    await el.updateComplete;
    expect(contents(el)).to.deep.equal([question, 'one two three four']);
    expect(parts(el, 'message')).to.have.length(2);
    switcher(el, 1)!.prev.click();
    await el.updateComplete;
    expect(switcher(el, 1)?.label).to.equal('2 / 3');
    expect(contents(el)).to.deep.equal([question, 'one two', '[mock rate=0 echo=1] more', 'more']);
    await waitFor(() => shown(el).join('|') === [question, 'one two', '[mock rate=0 echo=1] more', 'more'].join('|'), 'version 2 and its later messages');
    switcher(el, 1)!.prev.click();
    await el.updateComplete;
    expect(switcher(el, 1)?.label).to.equal('1 / 3');
    expect(switcher(el, 1)?.prev.disabled).to.equal(true);
    expect(el.messages[1]).to.equal(first);

    // The next request carries the branch on screen, not the one last streamed.
    switcher(el, 1)!.next.click();
    await el.updateComplete;
    await clearRequests(servers.crossOrigin);
    await el.send('[mock rate=0 echo=1] and then');
    const body = (await lastChatBody(servers.crossOrigin)) as { messages: { role: string; content: string }[] };
    expect(body.messages.map(m => m.content)).to.deep.equal([question, 'one two', '[mock rate=0 echo=1] more', 'more', '[mock rate=0 echo=1] and then']);
    expect(contents(el)).to.deep.equal([question, 'one two', '[mock rate=0 echo=1] more', 'more', '[mock rate=0 echo=1] and then', 'and then']);
  });

  it('sends an edited middle message as a new version with its own reply, the old branch intact when switched back', async () => {
    const el = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin });
    for (const word of ['first', 'second', 'third']) await el.send(`[mock rate=0 echo=1] ${word}`);
    const before = [...el.messages];
    parts(el, 'user')[1]!.querySelector<HTMLButtonElement>('[part~="edit-button"]')!.click();
    await el.updateComplete;
    const input = part(el, 'input') as HTMLTextAreaElement;
    expect(input.value).to.equal('[mock rate=0 echo=1] second');
    input.value = '[mock rate=0 echo=1] second, edited';
    await clearRequests(servers.crossOrigin);
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await waitFor(() => el.messages.length === 4 && el.messages[3]!.status === 'done', 'the reply to the edit');
    await el.updateComplete;
    expect(contents(el)).to.deep.equal(['[mock rate=0 echo=1] first', 'first', '[mock rate=0 echo=1] second, edited', 'second, edited']);
    const body = (await lastChatBody(servers.crossOrigin)) as { messages: { content: string }[] };
    expect(body.messages.map(m => m.content)).to.deep.equal(['[mock rate=0 echo=1] first', 'first', '[mock rate=0 echo=1] second, edited']);
    expect(switcher(el, 2)?.label).to.equal('2 / 2');
    expect(switcher(el, 3), 'the new reply is the only one of its branch').to.equal(undefined);
    switcher(el, 2)!.prev.click();
    await el.updateComplete;
    expect(el.messages).to.have.length(6);
    el.messages.forEach((m, i) => expect(m, `message ${i}`).to.equal(before[i]));
    await waitFor(() => shown(el)[5] === 'third', 'the old branch rendered');
    expect(switcher(el, 2)?.label).to.equal('1 / 2');
  });

  it('switches with the keyboard, names its buttons in the UI language, and is disabled while a reply streams', async () => {
    const el = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin });
    // Slow enough that the third version below is still streaming when checked.
    await el.send('[mock rate=20 echo=1] a b c d e f');
    await regenerate(el, 1);
    const nav = switcher(el, 1)!;
    expect([nav.prev.getAttribute('aria-label'), nav.next.getAttribute('aria-label')]).to.deep.equal(['Previous version', 'Next version']);
    nav.prev.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(switcher(el, 1)?.label).to.equal('1 / 2');
    // The switched message is drawn anew; focus stays on its switcher.
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('branch-next');
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(switcher(el, 1)?.label).to.equal('2 / 2');
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('branch-prev');

    el.maxTokens = undefined;
    const pending = el.regenerate();
    await waitFor(() => switcher(el, 1)?.label === '3 / 3', 'the third version');
    expect(el.messages[1]!.status).to.equal('streaming');
    expect(switcher(el, 1)!.prev.disabled, 'while streaming').to.equal(true);
    await pending;
    await el.updateComplete;
    expect(switcher(el, 1)!.prev.disabled).to.equal(false);

    el.setAttribute('lang', 'zh');
    await el.updateComplete;
    expect(switcher(el, 1)!.prev.getAttribute('aria-label')).to.equal('上一个版本');
    expect(switcher(el, 1)!.next.getAttribute('aria-label')).to.equal('下一个版本');
  });
});
