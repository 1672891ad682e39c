import { expect } from 'chai';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { conversationMarkdown } from '../../src/element/conversation-markdown.js';
import { loadConversation } from '../../src/element/conversation-store.js';
import { markupViolations } from '../support/allowed-markup.js';
import { catchDownloads, mount, part, parts, removeAll, unmountAll, waitFor } from './chat-fixture.js';

/** Every key under `key` (its index, its records) with its value. */
function stored(key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < localStorage.length; i++) {
    const name = localStorage.key(i)!;
    if (name === key || name.startsWith(`${key}#`)) out[name] = localStorage.getItem(name)!;
  }
  return out;
}

const labels = (el: HTMLElement & { shadowRoot: ShadowRoot | null }) =>
  [...el.shadowRoot!.querySelectorAll('.branches:not([hidden]) [part="branch-label"]')].map(l => l.textContent);

describe('<vllm-chat> export and import', () => {
  afterEach(unmountAll);

  it('exports the branch on screen as Markdown: sections per message, text verbatim with its fences, no reasoning', async () => {
    const el = await mount({ model: 'MyCoder' });
    const question = '[mock rate=0 reasoning=5 echo=1] Show me:\n```py\nprint(1)\n```\nthen `x`';
    const reply = await el.send(question);
    expect(reply.reasoning).to.be.a('string').and.not.equal('');
    expect(el.exportConversation('markdown')).to.equal(
      '## User\n\n[mock rate=0 reasoning=5 echo=1] Show me:\n```py\nprint(1)\n```\nthen `x`\n\n' +
        '## Assistant\n\nShow me:\n```py\nprint(1)\n```\nthen `x`\n',
    );
    expect(() => el.exportConversation('html' as 'json')).to.throw(/exportConversation\(\)/);
  });

  it('quotes a text that could end its section in a fence nothing inside closes, and lists attachments by name', () => {
    const messages = [
      { role: 'user', content: 'look:', status: 'done', attachments: [{ name: 'a.png', type: 'image/png', size: 3 }, { name: 'b\nc.txt', type: 'text/plain', size: 1 }] },
      // A reply stopped inside a code block: its fence never closed.
      { role: 'assistant', content: 'Here:\n````py\nx = "```"\n', status: 'stopped' },
      { role: 'user', content: 'and\n## Assistant\nfake', status: 'done' },
      { role: 'assistant', content: '~~~\n## User\n~~~', status: 'done' },
    ] as ChatMessage[];
    expect(conversationMarkdown(messages)).to.equal(
      '## User\n\nlook:\n\nAttachments:\n\n- a.png\n- b c.txt\n\n' +
        '## Assistant\n\n`````markdown\nHere:\n````py\nx = "```"\n`````\n\n' +
        '## User\n\n```markdown\nand\n## Assistant\nfake\n```\n\n' +
        // Inside its own closed fence a heading line is code, not a section.
        '## Assistant\n\n~~~\n## User\n~~~\n',
    );
    expect(conversationMarkdown([])).to.equal('');
  });

  it('round-trips every branch through JSON: export, clear, import, with storage-key', async function () {
    this.timeout(60_000);
    const key = `export-${Date.now()}`;
    try {
      const el = await mount({ model: 'MyCoder', 'storage-key': key });
      await el.send('[mock rate=0 echo=1] alpha beta gamma');
      el.maxTokens = 1;
      await el.regenerate();
      el.maxTokens = undefined;
      await el.send('[mock rate=0 reasoning=3 echo=1] delta **epsilon**');
      await el.updateComplete;
      const json = el.exportConversation('json');
      const before = el.messages.map(m => ({ ...m }));
      const data = JSON.parse(json) as { format: string; version: number; nodes: unknown[] };
      expect([data.format, data.version, data.nodes.length]).to.deep.equal(['vllm-chat-conversation', 1, 5]);

      el.clear();
      expect(el.messages).to.have.length(0);
      expect(localStorage.getItem(key)).to.equal(null);
      el.importConversation(json);
      expect(el.messages.map(m => ({ ...m }))).to.deep.equal(before);
      expect(el.exportConversation('json')).to.equal(json);
      await el.updateComplete;
      expect(labels(el)).to.deep.equal(['2 / 2']);
      await waitFor(() => parts(el, 'assistant')[1]?.querySelector('strong')?.textContent === 'epsilon', 'the imported reply rendered');
      expect(parts(el, 'reasoning')).to.have.length(1);
      // What storage-key holds is the imported conversation, every branch of it.
      expect(loadConversation(key).map(m => ({ ...m }))).to.deep.equal(before);
      parts(el, 'message')[1]!.querySelector<HTMLButtonElement>('[part="branch-prev"]')!.click();
      await el.updateComplete;
      expect(el.messages.map(m => m.content)).to.deep.equal(['[mock rate=0 echo=1] alpha beta gamma', 'alpha beta gamma']);
      // An import into another element is the same conversation.
      const other = await mount({ model: 'MyCoder' });
      other.importConversation(json);
      expect(other.messages.map(m => ({ ...m }))).to.deep.equal(before);
    } finally {
      removeAll(key);
    }
  });

  it('throws for input that is not an export and changes nothing, messages nor storage; throws while a reply streams', async () => {
    const key = `import-bad-${Date.now()}`;
    try {
      const el = await mount({ model: 'MyCoder', 'storage-key': key });
      await el.send('[mock rate=0 echo=1] keep me');
      const good = JSON.parse(el.exportConversation('json')) as { nodes: { message: Record<string, unknown> }[] };
      const node = good.nodes[0]!;
      const variant = (change: (copy: Record<string, unknown>) => void) => {
        const copy = JSON.parse(JSON.stringify(good)) as Record<string, unknown>;
        change(copy);
        return JSON.stringify(copy);
      };
      const bad: unknown[] = [
        '',
        'not json',
        '{"format":"vllm-chat-conversation"',
        'null',
        '[]',
        '42',
        '"text"',
        JSON.stringify({ hello: 'world' }),
        JSON.stringify({ format: 'vllm-chat', version: 3, records: [] }),
        variant(c => (c.version = 2)),
        variant(c => (c.version = '1')),
        variant(c => (c.nodes = {})),
        variant(c => (c.nodes = [null])),
        variant(c => (c.chosen = 1)),
        variant(c => (c.chosen = undefined)),
        variant(c => ((c.nodes as unknown[]).push({ parent: 5, chosen: 0, message: node.message }))),
        variant(c => ((c.nodes as { parent: unknown }[])[1]!.parent = '0')),
        variant(c => ((c.nodes as { chosen: unknown }[])[0]!.chosen = 3)),
        variant(c => ((c.nodes as { message: Record<string, unknown> }[])[0]!.message.role = 'admin')),
        variant(c => ((c.nodes as { message: Record<string, unknown> }[])[0]!.message.content = 42)),
        variant(c => ((c.nodes as { message: Record<string, unknown> }[])[1]!.message.status = 'sent')),
        variant(c => delete (c.nodes as Record<string, unknown>[])[1]!.message),
        variant(c => ((c.nodes as { message: unknown }[])[1]!.message = '<img src=x onerror=alert(1)>')),
        undefined,
        42,
        { format: 'vllm-chat-conversation' },
      ];
      const messages = el.messages;
      const shown = parts(el, 'message');
      const before = stored(key);
      expect(Object.keys(before)).to.have.length(3);
      for (const input of bad) {
        expect(() => el.importConversation(input as string), String(input)).to.throw(Error, /importConversation\(\)/);
        expect(el.messages, String(input)).to.equal(messages);
        expect(stored(key), String(input)).to.deep.equal(before);
      }
      await el.updateComplete;
      expect(parts(el, 'message')).to.deep.equal(shown);

      const valid = el.exportConversation('json');
      const pending = el.send('[mock rate=20 lines=40 lang=py]');
      await waitFor(() => el.messages[3]?.content, 'the reply to stream');
      expect(() => el.importConversation(valid)).to.throw(Error, /streaming/);
      el.stop();
      await pending;
      expect(el.messages).to.have.length(4);
    } finally {
      removeAll(key);
    }
  });

  it('shows imported text as text: hostile markup in any message never becomes live HTML', async () => {
    const el = await mount({ model: 'MyCoder' });
    const evil = '<img src=x onerror="globalThis.pwned=1"><script>globalThis.pwned=1</script>[x](javascript:alert(1)) **ok**';
    const message = (role: string, content: string) => ({ role, content, status: 'done', reasoning: evil });
    el.importConversation(
      JSON.stringify({
        format: 'vllm-chat-conversation',
        version: 1,
        chosen: 0,
        nodes: [
          { parent: -1, chosen: 0, message: message('user', evil) },
          { parent: 0, chosen: 0, message: message('assistant', evil) },
        ],
      }),
    );
    await el.updateComplete;
    const reply = await waitFor(() => parts(el, 'assistant')[0]!.querySelector('strong'), 'the imported reply rendered');
    expect(reply.textContent).to.equal('ok');
    expect(parts(el, 'user')[0]!.querySelector('.content')!.textContent).to.equal(evil);
    for (const shown of el.shadowRoot!.querySelectorAll('.content, .reasoning-body')) expect(markupViolations(shown)).to.deep.equal([]);
    expect(el.shadowRoot!.querySelectorAll('.content img, .content script, .reasoning-body img, .reasoning-body script')).to.have.length(0);
    expect((globalThis as { pwned?: number }).pwned).to.equal(undefined);
  });

  it('downloads the Markdown with the export button, named after the date', async () => {
    const el = await mount({ model: 'MyCoder' });
    expect((part(el, 'export-button') as HTMLButtonElement).disabled, 'nothing to export yet').to.equal(true);
    await el.send('[mock rate=0 echo=1] save ```this```');
    await el.updateComplete;
    const button = part(el, 'export-button') as HTMLButtonElement;
    expect(button.disabled).to.equal(false);
    expect(button.textContent?.trim()).to.equal('Export');
    const { made, clicked } = catchDownloads(() => button.click());
    expect(clicked).to.have.length(1);
    expect(clicked[0]!.name).to.match(/^conversation-\d{4}-\d{2}-\d{2}-\d{4}\.md$/);
    const today = new Date();
    expect(clicked[0]!.name).to.contain(`${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}`);
    expect(clicked[0]!.href.startsWith('blob:')).to.equal(true);
    expect(made[0]!.type).to.equal('text/markdown;charset=utf-8');
    expect(await made[0]!.text()).to.equal(el.exportConversation('markdown'));
    expect(await made[0]!.text()).to.equal('## User\n\n[mock rate=0 echo=1] save ```this```\n\n## Assistant\n\nsave ```this```\n');
  });
});
