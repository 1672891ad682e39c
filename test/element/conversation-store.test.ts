import { expect } from 'chai';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { loadConversation, saveConversation } from '../../src/element/conversation-store.js';
import { SAVE_SHARE, THROTTLE_MS } from '../../src/element/controllers/persistence-controller.js';
import { mount, part, parts, unmountAll, waitFor } from './chat-fixture.js';

/** An iframe whose page holds a `<vllm-chat storage-key=key>`; reloading it is a real page reload. */
async function framedChat(key: string): Promise<{ frame: HTMLIFrameElement; chat(): Promise<VllmChat> }> {
  const frame = document.createElement('iframe');
  frame.width = '800';
  frame.height = '600';
  const loaded = () => new Promise(r => frame.addEventListener('load', r, { once: true }));
  const first = loaded();
  frame.src = new URL(`./fixtures/persisted-chat.html?key=${encodeURIComponent(key)}`, import.meta.url).href;
  document.body.append(frame);
  await first;
  return {
    frame,
    async chat() {
      const el = await waitFor(() => frame.contentDocument?.querySelector('vllm-chat') as VllmChat | null, 'the chat in the frame');
      await el.updateComplete;
      return el;
    },
  };
}

describe('conversation persistence (storage-key)', () => {
  afterEach(unmountAll);

  it('brings the conversation back after a real page reload, a reply cut off by the reload as stopped', async () => {
    const key = `vllm-chat-test-${Date.now()}`;
    const { frame, chat } = await framedChat(key);
    try {
      let el = await chat();
      await el.send('[mock rate=0 reasoning=5 echo=1] 第一条 **消息**');
      const pending = el.send('[mock rate=30 lines=300 lang=py]');
      await waitFor(() => el.messages[3]!.content.includes('```python\n'), 'the code block to start');
      const reloaded = new Promise(r => frame.addEventListener('load', r, { once: true }));
      frame.contentWindow!.location.reload();
      await reloaded;
      void pending;
      el = await chat();
      await waitFor(() => el.messages.length === 4, 'the restored messages');
      expect(el.messages.map(m => [m.role, m.status])).to.deep.equal([
        ['user', 'done'],
        ['assistant', 'done'],
        ['user', 'done'],
        ['assistant', 'stopped'],
      ]);
      expect(el.messages[0]!.content).to.equal('[mock rate=0 reasoning=5 echo=1] 第一条 **消息**');
      expect(el.messages[1]!.content).to.equal('第一条 **消息**');
      expect(el.messages[1]!.reasoning).to.be.a('string').and.not.equal('');
      expect(el.messages[3]!.content).to.contain('```python\n');
      // Restored replies are rendered by the worker: markdown and code blocks, not raw text.
      const first = await waitFor(() => parts(el, 'assistant')[0]!.querySelector('strong'), 'rendered markdown');
      expect(first.textContent).to.equal('消息');
      await waitFor(() => parts(el, 'code-block').length === 1, 'the restored code block');
      expect(parts(el, 'reasoning')).to.have.length(1);
      // The restored conversation goes on.
      const next = await el.send('[mock rate=0 echo=1] 继续');
      expect(next.content).to.equal('继续');
      el.clear();
      expect(localStorage.getItem(key)).to.equal(null);
      const cleared = new Promise(r => frame.addEventListener('load', r, { once: true }));
      frame.contentWindow!.location.reload();
      await cleared;
      el = await chat();
      await new Promise(r => setTimeout(r, 200));
      expect(el.messages).to.have.length(0);
    } finally {
      frame.remove();
      localStorage.removeItem(key);
    }
  });

  it('ignores corrupt or foreign stored data with a warning, and still works', async () => {
    const warnings: unknown[][] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      for (const junk of ['{not json', JSON.stringify({ hello: 'world' }), JSON.stringify({ format: 'vllm-chat/1', messages: [{ role: 'evil' }] })]) {
        localStorage.setItem('junk-key', junk);
        warnings.length = 0;
        const el = await mount({ 'storage-key': 'junk-key', model: 'MyCoder' });
        expect(el.messages).to.have.length(0);
        expect(warnings.length).to.be.greaterThan(0);
        expect(String(warnings[0]![0])).to.contain('junk-key');
        const reply = await el.send('[mock rate=0 echo=1] still fine');
        expect(reply.status).to.equal('done');
        part(el, 'input');
        unmountAll();
      }
    } finally {
      console.warn = warn;
      localStorage.removeItem('junk-key');
    }
  });

  it('spaces the saves of a long conversation while a reply streams by what each save costs', async () => {
    const key = `vllm-chat-long-${Date.now()}`;
    // About 2.5 M characters of stored prose: a save of it costs tens of milliseconds.
    const paragraph = '这一段文字很长，用来让保存对话的代价变大。 Long prose to make a save cost something.\n\n';
    saveConversation(key, [
      { role: 'user', content: 'q', status: 'done' },
      { role: 'assistant', content: paragraph.repeat(Math.ceil(2_500_000 / paragraph.length)), status: 'done' },
    ]);
    const saves: { at: number; ms: number }[] = [];
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (this: Storage, name: string, value: string) {
      const at = performance.now();
      setItem.call(this, name, value);
      if (name === key) saves.push({ at, ms: performance.now() - at });
    };
    try {
      const el = await mount({ 'storage-key': key, model: 'MyCoder' });
      await waitFor(() => el.messages.length === 2, 'the restored conversation');
      const reply = await el.send('[mock rate=150 lines=60 lang=py]');
      expect(reply.status).to.equal('done');
      // The saves at the start and at the end of the reply are immediate; the ones between are periodic.
      expect(saves.length, 'saves').to.be.at.least(3);
      const periodic = saves.slice(1, -1);
      expect(periodic.length, 'periodic saves while streaming').to.be.at.least(1);
      for (let i = 1; i < saves.length - 1; i++) {
        const before = saves[i - 1]!;
        // A save costs at least its setItem; the wait after it is at least that cost ÷ SAVE_SHARE.
        const wait = saves[i]!.at - before.at;
        expect(wait, `wait before periodic save ${i}`).to.be.at.least(Math.max(THROTTLE_MS, before.ms / SAVE_SHARE) - 5);
      }
      // This conversation costs more than THROTTLE_MS × SAVE_SHARE to save: the waits grew past the floor.
      expect(saves[0]!.ms, 'cost of one save').to.be.above(THROTTLE_MS * SAVE_SHARE);
    } finally {
      Storage.prototype.setItem = setItem;
      localStorage.removeItem(key);
    }
  });

  it('stores what it loads: a stored streaming reply loads as stopped', () => {
    saveConversation('shape-key', [
      { role: 'user', content: 'q', status: 'done' },
      { role: 'assistant', content: 'partial', status: 'streaming', error: { message: 'x', status: 500 } },
    ]);
    const loaded = loadConversation('shape-key');
    localStorage.removeItem('shape-key');
    expect(loaded).to.deep.equal([
      { role: 'user', content: 'q', status: 'done' },
      { role: 'assistant', content: 'partial', status: 'stopped', error: { message: 'x', status: 500 } },
    ]);
  });
});
