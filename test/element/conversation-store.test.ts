import { expect } from 'chai';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { loadConversation, saveConversation } from '../../src/element/conversation-store.js';
import { THROTTLE_MS } from '../../src/element/controllers/persistence-controller.js';
import { lastChatBody, mount, part, parts, removeAll, servers, unmountAll, waitFor, workerRunning } from './chat-fixture.js';

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

/** Every key under `key` (its index, its records) with its value. */
function stored(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < localStorage.length; i++) {
    const name = localStorage.key(i)!;
    if (name === key || name.startsWith(`${key}#`)) out[name] = localStorage.getItem(name)!;
  }
  return out;
}

function asideKeys(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const name = localStorage.key(i)!;
    if (name.startsWith(`${key}.unreadable-`) && !name.includes('#')) out.push(name);
  }
  return out;
}

describe('conversation persistence (storage-key)', () => {
  afterEach(unmountAll);

  it('brings the conversation back after a real page reload, a reply cut off by the reload as stopped', async () => {
    const key = `vllm-chat-test-${Date.now()}`;
    const { frame, chat } = await framedChat(key);
    try {
      let el = await chat();
      const answered = await el.send('[mock rate=0 reasoning=5 echo=1] 第一条 **消息**');
      expect(answered.error?.message ?? '').to.equal('');
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

  it('keeps unreadable stored data aside, says so once, and never writes over it on hide', async () => {
    const junks = [
      '{not json',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify({ format: 'vllm-chat/1', messages: [{ role: 'evil' }] }),
      JSON.stringify({ format: 'vllm-chat', version: 2, records: ['gone'] }),
      JSON.stringify({ format: 'vllm-chat', version: 99, records: [] }),
      JSON.stringify({ format: 'vllm-chat', version: 3, records: [], parents: [], chosen: [], root: 2 }),
      JSON.stringify({ format: 'vllm-chat', version: 3, records: [] }),
    ];
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      for (const [i, junk] of junks.entries()) {
        const key = `junk-key-${i}-${Date.now()}`;
        localStorage.setItem(key, junk);
        const el = await mount({ 'storage-key': key, model: 'MyCoder' });
        expect(el.messages).to.have.length(0);
        // Moved aside byte for byte; the key itself is free.
        const [aside, ...more] = asideKeys(key);
        expect(more, junk).to.have.length(0);
        expect(localStorage.getItem(aside!)).to.equal(junk);
        expect(localStorage.getItem(key)).to.equal(null);
        // Told in words, naming both keys.
        await el.updateComplete;
        const notice = part(el, 'notice');
        expect(notice.textContent).to.contain(key).and.contain(aside!).and.contain('could not be read');
        // Hiding or leaving the page with nothing changed writes nothing.
        dispatchEvent(new PageTransitionEvent('pagehide'));
        expect(localStorage.getItem(key)).to.equal(null);
        expect(localStorage.getItem(aside!)).to.equal(junk);
        // The chat goes on and is stored under the key again; what was kept aside stays.
        const reply = await el.send('[mock rate=0 echo=1] still fine');
        expect(reply.status).to.equal('done');
        expect(loadConversation(key).map(m => m.content)).to.deep.equal(['[mock rate=0 echo=1] still fine', 'still fine']);
        expect(localStorage.getItem(aside!)).to.equal(junk);
        expect(parts(el, 'notice')).to.have.length(1);
        part(el, 'notice-dismiss').click();
        await el.updateComplete;
        expect(parts(el, 'notice')).to.have.length(0);
        unmountAll();
        removeAll(key);
      }
    } finally {
      console.warn = warn;
    }
  });

  it('says so in Chinese when the element speaks Chinese', async () => {
    const key = `junk-zh-${Date.now()}`;
    localStorage.setItem(key, '{not json');
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      const el = await mount({ 'storage-key': key, model: 'MyCoder', lang: 'zh' });
      // Read in the frames after the element first shows (vllm-chat.ts `#restoreSoon`).
      const notice = await waitFor(() => el.shadowRoot!.querySelector('[part~="notice"]'), 'the notice');
      expect(notice.textContent).to.contain('无法读取').and.contain(key);
    } finally {
      console.warn = warn;
      unmountAll();
      removeAll(key);
    }
  });

  it('migrates a conversation stored in the version 1 format', async () => {
    const key = `v1-key-${Date.now()}`;
    const v1 = [
      { role: 'user', content: '写一个函数', status: 'done' },
      { role: 'assistant', content: '```py\nprint(1)\n```', reasoning: 'think', status: 'done', usage: { promptTokens: 3, completionTokens: 4 } },
      { role: 'user', content: 'again', status: 'done' },
      { role: 'assistant', content: 'cut', status: 'streaming' },
    ];
    localStorage.setItem(key, JSON.stringify({ format: 'vllm-chat/1', messages: v1 }));
    try {
      const el = await mount({ 'storage-key': key, model: 'MyCoder' });
      await waitFor(() => el.messages.length === 4, 'the migrated messages');
      expect(el.messages.map(m => [m.role, m.status, m.content])).to.deep.equal([
        ['user', 'done', '写一个函数'],
        ['assistant', 'done', '```py\nprint(1)\n```'],
        ['user', 'done', 'again'],
        ['assistant', 'stopped', 'cut'],
      ]);
      await waitFor(() => parts(el, 'code-block').length === 1, 'the restored code block');
      // Stored as version 3 now: an index and one record per message.
      const index = JSON.parse(localStorage.getItem(key)!) as { format: string; version: number; records: string[] };
      expect([index.format, index.version, index.records.length]).to.deep.equal(['vllm-chat', 3, 4]);
      expect(Object.keys(stored(key))).to.have.length(5);
      expect(loadConversation(key)).to.deep.equal(el.messages);
      expect(parts(el, 'notice')).to.have.length(0);
    } finally {
      unmountAll();
      removeAll(key);
    }
  });

  it('migrates a conversation stored in the version 2 format, keeping its records', async () => {
    const key = `v2-key-${Date.now()}`;
    const records = { a1: { role: 'user', content: 'q', status: 'done' }, b2: { role: 'assistant', content: '**a**', status: 'done' } };
    for (const [id, message] of Object.entries(records)) localStorage.setItem(`${key}#${id}`, JSON.stringify(message));
    localStorage.setItem(key, JSON.stringify({ format: 'vllm-chat', version: 2, records: ['a1', 'b2'] }));
    try {
      const el = await mount({ 'storage-key': key, model: 'MyCoder' });
      await waitFor(() => el.messages.length === 2, 'the migrated messages');
      expect(el.messages.map(m => m.content)).to.deep.equal(['q', '**a**']);
      const index = JSON.parse(localStorage.getItem(key)!) as Record<string, unknown>;
      expect(index).to.deep.equal({ format: 'vllm-chat', version: 3, records: ['a1', 'b2'], parents: [-1, 0], chosen: [0, 0], root: 0 });
      expect(Object.keys(stored(key)).sort()).to.deep.equal([key, `${key}#a1`, `${key}#b2`]);
    } finally {
      unmountAll();
      removeAll(key);
    }
  });

  it('keeps every branch and the one on screen across a reload; a switch writes the index only', async function () {
    this.timeout(60_000);
    const key = `branches-${Date.now()}`;
    const { frame, chat } = await framedChat(key);
    const label = (el: VllmChat, i: number) => parts(el, 'message')[i]!.querySelector('[part="branch-label"]')?.textContent;
    try {
      let el = await chat();
      await el.send('[mock rate=0 echo=1] q1');
      await el.send('[mock rate=0 echo=1] q2');
      el.maxTokens = 1;
      await el.regenerate();
      el.maxTokens = undefined;
      await el.updateComplete;
      expect(label(el, 3)).to.equal('2 / 2');
      // On screen: the first version of the second reply, whose branch goes on.
      parts(el, 'message')[3]!.querySelector<HTMLButtonElement>('[part="branch-prev"]')!.click();
      await el.updateComplete;
      await el.send('[mock rate=0 echo=1] q3');
      const onScreen = el.messages.map(m => m.content);
      expect(onScreen).to.deep.equal(['[mock rate=0 echo=1] q1', 'q1', '[mock rate=0 echo=1] q2', 'q2', '[mock rate=0 echo=1] q3', 'q3']);

      const frameStorage = (frame.contentWindow as unknown as { Storage: typeof Storage }).Storage.prototype;
      const setItem = frameStorage.setItem;
      const writes: string[] = [];
      frameStorage.setItem = function (this: Storage, name: string, value: string) {
        writes.push(name);
        setItem.call(this, name, value);
      };
      try {
        parts(el, 'message')[3]!.querySelector<HTMLButtonElement>('[part="branch-next"]')!.click();
        await el.updateComplete;
        parts(el, 'message')[3]!.querySelector<HTMLButtonElement>('[part="branch-prev"]')!.click();
        await el.updateComplete;
      } finally {
        frameStorage.setItem = setItem;
      }
      expect(writes, 'a switch stores the new choice only').to.deep.equal([key, key]);

      const reloaded = new Promise(r => frame.addEventListener('load', r, { once: true }));
      frame.contentWindow!.location.reload();
      await reloaded;
      el = await chat();
      await waitFor(() => el.messages.length === 6, 'the restored branch');
      expect(el.messages.map(m => m.content)).to.deep.equal(onScreen);
      await el.updateComplete;
      expect(label(el, 3)).to.equal('1 / 2');
      parts(el, 'message')[3]!.querySelector<HTMLButtonElement>('[part="branch-next"]')!.click();
      await el.updateComplete;
      // The version cut at one token, which has no later messages.
      expect(el.messages).to.have.length(4);
      expect(el.messages[3]!.finishReason).to.equal('length');
      expect(label(el, 3)).to.equal('2 / 2');
      const json = JSON.parse(el.exportConversation('json')) as { nodes: unknown[] };
      expect(json.nodes).to.have.length(7);
    } finally {
      frame.remove();
      removeAll(key);
    }
  });

  it('writes nothing when nothing changed, and only the messages that changed otherwise', async function () {
    // Restoring the long reply renders it in the worker first.
    this.timeout(60_000);
    const key = `incremental-${Date.now()}`;
    // Half a million characters of stored prose: rewriting it on every save would cost milliseconds each time.
    const paragraph = '这一段文字很长，用来让保存对话的代价变大。 Long prose to make a save cost something.\n\n';
    const long = paragraph.repeat(Math.ceil(500_000 / paragraph.length));
    saveConversation(key, [
      { role: 'user', content: 'q', status: 'done' },
      { role: 'assistant', content: long, status: 'done' },
    ]);
    const writes: { at: number; name: string; length: number }[] = [];
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (this: Storage, name: string, value: string) {
      if (name === key || name.startsWith(`${key}#`)) writes.push({ at: performance.now(), name, length: value.length });
      setItem.call(this, name, value);
    };
    try {
      const el = await mount({ 'storage-key': key, model: 'MyCoder' });
      await waitFor(() => el.messages.length === 2, 'the restored conversation');
      await workerRunning();
      dispatchEvent(new PageTransitionEvent('pagehide'));
      expect(writes, 'writes on hide with nothing changed').to.have.length(0);
      const reply = await el.send('[mock rate=150 lines=60 lang=py]');
      expect(reply.status).to.equal('done');
      // The long stored reply is never written again: every write is a new or growing message, or the index.
      expect(Math.max(...writes.map(w => w.length))).to.be.below(reply.content.length + 1_000);
      // Saves (one index write each): at the start once the page is idle, at the end at once; those between are periodic.
      const saves = writes.filter(w => w.name === key);
      expect(saves.length, 'saves').to.be.at.least(3);
      for (let i = 2; i < saves.length - 1; i++) {
        expect(saves[i]!.at - saves[i - 1]!.at, `wait before periodic save ${i}`).to.be.at.least(THROTTLE_MS - 5);
      }
      const count = writes.length;
      dispatchEvent(new PageTransitionEvent('pagehide'));
      expect(writes.length, 'writes on hide after the reply was saved').to.equal(count);
      expect(loadConversation(key).map(m => m.content)).to.deep.equal(el.messages.map(m => m.content));
    } finally {
      Storage.prototype.setItem = setItem;
      unmountAll();
      removeAll(key);
    }
  });

  it('is read after the element first shows; a send() or a move before it is shown goes on from it', async () => {
    const key = `early-${Date.now()}`;
    saveConversation(key, [
      { role: 'user', content: '[mock rate=0 echo=1] first', status: 'done' },
      { role: 'assistant', content: 'first', status: 'done' },
    ]);
    try {
      // Sent in the task that added the element: the request carries the stored conversation.
      const el = document.createElement('vllm-chat');
      el.setAttribute('storage-key', key);
      el.setAttribute('model', 'MyCoder');
      el.setAttribute('endpoint', servers.crossOrigin);
      document.body.append(el);
      const reply = await el.send('[mock rate=0 echo=1] second');
      expect(reply.status).to.equal('done');
      const body = await lastChatBody();
      expect((body.messages as { content: string }[]).map(m => m.content)).to.deep.equal(['[mock rate=0 echo=1] first', 'first', '[mock rate=0 echo=1] second']);
      expect(el.messages.map(m => m.content)).to.deep.equal(['[mock rate=0 echo=1] first', 'first', '[mock rate=0 echo=1] second', 'second']);
      // What was stored is kept, the new reply after it.
      expect(loadConversation(key).map(m => m.content)).to.deep.equal(['[mock rate=0 echo=1] first', 'first', '[mock rate=0 echo=1] second', 'second']);
      await el.updateComplete;
      expect(parts(el, 'message').map(m => m.querySelector('.content')!.textContent!.trim())).to.deep.equal(['[mock rate=0 echo=1] first', 'first', '[mock rate=0 echo=1] second', 'second']);
      el.remove();

      // Moved before its first frame: the stored conversation is read meanwhile, and shown once it is back.
      const moved = document.createElement('vllm-chat');
      moved.setAttribute('storage-key', key);
      moved.setAttribute('model', 'MyCoder');
      document.body.append(moved);
      await moved.updateComplete;
      moved.remove();
      expect(moved.messages, 'read while out of the page').to.have.length(4);
      const box = document.createElement('div');
      document.body.append(box);
      box.append(moved);
      await waitFor(() => parts(moved, 'assistant').at(-1)?.querySelector('.content')?.textContent?.trim() === 'second', 'the stored conversation shown');
      expect(parts(moved, 'message')).to.have.length(4);
      moved.remove();
      box.remove();

      // Another key before the first one was read: the other one is shown.
      saveConversation(`${key}-b`, [
        { role: 'user', content: 'b?', status: 'done' },
        { role: 'assistant', content: 'b', status: 'done' },
      ]);
      const switched = await mount({ 'storage-key': key, model: 'MyCoder' });
      switched.setAttribute('storage-key', `${key}-b`);
      await waitFor(() => parts(switched, 'assistant').at(-1)?.querySelector('.content')?.textContent?.trim() === 'b', 'the other conversation shown');
      expect(switched.messages.map(m => m.content)).to.deep.equal(['b?', 'b']);
    } finally {
      unmountAll();
      removeAll(key);
      removeAll(`${key}-b`);
    }
  });

  it('switches conversations with storage-key: each stays under its own key, none is written over another', async () => {
    const key = `switch-${Date.now()}`;
    const other = `${key}-b`;
    const fresh = `${key}-c`;
    saveConversation(other, [
      { role: 'user', content: 'b?', status: 'done' },
      { role: 'assistant', content: 'b', status: 'done' },
    ]);
    const contents = (el: VllmChat) => el.messages.map(m => m.content);
    const shown = (el: VllmChat) => parts(el, 'message').map(m => m.querySelector('.content')!.textContent!.trim());
    try {
      const el = await mount({ 'storage-key': key, model: 'MyCoder' });
      await workerRunning();
      expect((await el.send('[mock rate=0 echo=1] a1')).status).to.equal('done');
      // Switched while a reply streams: it stops, and goes under the key it was made under as far as it went.
      const streaming = el.send('[mock rate=40 lines=200 lang=py]');
      await waitFor(() => (el.messages[3]?.content.length ?? 0) > 20, 'the second reply under way');
      const sofar = el.messages[3]!.content;
      el.setAttribute('storage-key', other);
      expect((await streaming).status).to.equal('stopped');
      await waitFor(() => shown(el).join('|') === 'b?|b', 'the other key’s conversation shown');
      expect(contents(el)).to.deep.equal(['b?', 'b']);
      const first = loadConversation(key);
      expect(first.slice(0, 3).map(m => m.content), 'the first conversation, under its key').to.deep.equal(['[mock rate=0 echo=1] a1', 'a1', '[mock rate=40 lines=200 lang=py]']);
      expect(first[3]!.content.startsWith(sofar), 'the cut-off reply, as far as it went').to.equal(true);
      expect(first[3]!.status).to.equal('stopped');
      expect(loadConversation(other).map(m => m.content), 'the other, unchanged').to.deep.equal(['b?', 'b']);

      // A key with nothing stored: an empty conversation, the others untouched.
      el.setAttribute('storage-key', fresh);
      await waitFor(() => parts(el, 'message').length === 0, 'an empty conversation');
      expect(el.messages).to.have.length(0);
      dispatchEvent(new PageTransitionEvent('pagehide'));
      expect(loadConversation(other).map(m => m.content)).to.deep.equal(['b?', 'b']);

      // Back to the first: it continues where it was.
      el.setAttribute('storage-key', key);
      await waitFor(() => el.messages.length === 4, 'the first conversation again');
      expect((await el.send('[mock rate=0 echo=1] a2')).status).to.equal('done');
      expect(loadConversation(key).map(m => m.content)).to.deep.equal([...first.map(m => m.content), '[mock rate=0 echo=1] a2', 'a2']);
      expect(loadConversation(other).map(m => m.content)).to.deep.equal(['b?', 'b']);

      // A conversation begun without a key keeps going under the key it is given, if that holds nothing.
      const unkeyed = await mount({ model: 'MyCoder' });
      expect((await unkeyed.send('[mock rate=0 echo=1] u1')).status).to.equal('done');
      unkeyed.setAttribute('storage-key', fresh);
      await unkeyed.updateComplete;
      expect(contents(unkeyed)).to.deep.equal(['[mock rate=0 echo=1] u1', 'u1']);
      dispatchEvent(new PageTransitionEvent('pagehide'));
      expect(loadConversation(fresh).map(m => m.content)).to.deep.equal(['[mock rate=0 echo=1] u1', 'u1']);
    } finally {
      unmountAll();
      for (const k of [key, other, fresh]) removeAll(k);
    }
  });

  it('keeps the previous stored state intact when storage is full, and says so once', async () => {
    const key = `quota-${Date.now()}`;
    saveConversation(key, [
      { role: 'user', content: '[mock rate=0 echo=1] first', status: 'done' },
      { role: 'assistant', content: 'first', status: 'done' },
    ]);
    const before = stored(key);
    const fillers: string[] = [];
    try {
      const el = await mount({ 'storage-key': key, model: 'MyCoder' });
      await waitFor(() => el.messages.length === 2, 'the restored conversation');
      await workerRunning();
      // Fill the origin's storage: large values first, then smaller ones, until nothing fits.
      for (let size = 1 << 20; size >= 16; size >>= 2) {
        for (let i = 0; i < 64; i++) {
          const name = `quota-filler-${fillers.length}`;
          try {
            localStorage.setItem(name, 'x'.repeat(size));
          } catch {
            break;
          }
          fillers.push(name);
        }
      }
      const warn = console.warn;
      console.warn = () => undefined;
      let reply;
      try {
        reply = await el.send('[mock rate=0 echo=1] second, longer than what fits in the storage left');
      } finally {
        console.warn = warn;
      }
      expect(reply.status).to.equal('done');
      expect(stored(key)).to.deep.equal(before);
      await el.updateComplete;
      expect(parts(el, 'notice')).to.have.length(1);
      expect(part(el, 'notice').textContent).to.contain('storage is full');
      part(el, 'notice-dismiss').click();
      await el.updateComplete;
      console.warn = () => undefined;
      try {
        await el.send('[mock rate=0 echo=1] third');
      } finally {
        console.warn = warn;
      }
      await el.updateComplete;
      expect(parts(el, 'notice'), 'told once').to.have.length(0);
      expect(stored(key)).to.deep.equal(before);
    } finally {
      for (const name of fillers) localStorage.removeItem(name);
      unmountAll();
      removeAll(key);
    }
  });

  it('stores tool calls and tool messages, and reads hostile tool fields as absent', () => {
    const calls = [{ id: 'c1', name: 'calculate', arguments: '{"expression": "6 * 7"}' }];
    saveConversation('tool-key', [
      { role: 'user', content: 'q', status: 'done' },
      { role: 'assistant', content: '', status: 'done', finishReason: 'tool_calls', toolCalls: calls },
      { role: 'tool', content: '42', status: 'done', toolCallId: 'c1' },
    ]);
    const loaded = loadConversation('tool-key');
    expect(loaded[1]!.toolCalls).to.deep.equal(calls);
    expect(loaded[2]).to.deep.equal({ role: 'tool', content: '42', status: 'done', toolCallId: 'c1' });
    // Records written by another script of the origin: wrong types are dropped field by field.
    const index = JSON.parse(localStorage.getItem('tool-key')!) as { records: string[] };
    localStorage.setItem(
      `tool-key#${index.records[1]}`,
      JSON.stringify({ role: 'assistant', content: '', status: 'done', toolCalls: [null, { id: 1, name: 'x', arguments: '{}' }, { id: 'ok', name: 'f', arguments: '{}', extra: '<b>' }] }),
    );
    localStorage.setItem(`tool-key#${index.records[2]}`, JSON.stringify({ role: 'tool', content: '42', status: 'done', toolCallId: { id: 'c1' } }));
    const hostile = loadConversation('tool-key');
    removeAll('tool-key');
    expect(hostile[1]!.toolCalls).to.deep.equal([{ id: 'ok', name: 'f', arguments: '{}' }]);
    expect(hostile[2]).to.deep.equal({ role: 'tool', content: '42', status: 'done' });
  });

  it('stores what it loads: a stored streaming reply loads as stopped', () => {
    saveConversation('shape-key', [
      { role: 'user', content: 'q', status: 'done' },
      { role: 'assistant', content: 'partial', status: 'streaming', error: { message: 'x', status: 500 } },
    ]);
    const loaded = loadConversation('shape-key');
    removeAll('shape-key');
    expect(loaded).to.deep.equal([
      { role: 'user', content: 'q', status: 'done' },
      { role: 'assistant', content: 'partial', status: 'stopped', error: { message: 'x', status: 500 } },
    ]);
  });
});
