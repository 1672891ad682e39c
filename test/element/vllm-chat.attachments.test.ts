import { expect } from 'chai';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { markupViolations } from '../support/allowed-markup.js';
import { clearRequests, lastChatBody, mount, part, parts, requests, servers, unmountAll, waitFor } from './chat-fixture.js';

/** A 1×1 PNG (70 bytes), as the server must receive it. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const PNG_URL = `data:image/png;base64,${PNG_BASE64}`;
const pngBytes = () => Uint8Array.from(atob(PNG_BASE64), c => c.charCodeAt(0));
const png = (name = 'dot.png', type = 'image/png') => new File([pngBytes()], name, { type });

type Body = { messages: { role: string; content: unknown }[] };

function files(...list: File[]): DataTransfer {
  const data = new DataTransfer();
  for (const f of list) data.items.add(f);
  return data;
}

/** The composer's pending chips. */
const pending = (el: VllmChat) => [...el.shadowRoot!.querySelectorAll<HTMLElement>('.composer [part~="attachment"]')];

describe('<vllm-chat> attachments', () => {
  afterEach(unmountAll);

  it('sends an image as a data: URL content part in this request and the next, and answers describe=1 about it', async () => {
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    await clearRequests();
    const reply = await el.send('What is this? [mock describe=1 rate=0]', { attachments: [png()] });
    expect(reply.status, reply.error?.message).to.equal('done');
    expect(reply.content).to.equal('The message has 2 parts:\n\n- part 1: text, 38 characters\n- part 2: image, image/png, 70 bytes');
    const parts1 = [
      { type: 'text', text: 'What is this? [mock describe=1 rate=0]' },
      { type: 'image_url', image_url: { url: PNG_URL } },
    ];
    expect(((await lastChatBody()) as Body).messages[0]!.content).to.deep.equal(parts1);
    expect(el.messages[0]).to.deep.include({ content: 'What is this? [mock describe=1 rate=0]', attachments: [{ name: 'dot.png', type: 'image/png', size: 70 }] });

    const second = await el.send('And now? [mock echo=1 rate=0]');
    expect(second.status).to.equal('done');
    const body = (await lastChatBody()) as Body;
    expect(body.messages.map(m => m.content)).to.deep.equal([parts1, reply.content, 'And now? [mock echo=1 rate=0]']);
    expect((await requests()).filter(r => r.path.endsWith('/chat/completions'))).to.have.length(2);

    // The thumbnail is the file itself through a blob: URL.
    const thumb = part(el, 'user').querySelector<HTMLImageElement>('img[part~="attachment"]')!;
    expect(thumb.src).to.match(/^blob:/);
    expect(thumb.alt).to.equal('dot.png');
    await waitFor(() => thumb.complete && thumb.naturalWidth === 1, 'the thumbnail to load');
    expect(markupViolations(part(el, 'user').querySelector('.attachments')!, { images: true, attachments: true })).to.deep.equal([]);
  });

  it('shows a hostile file name as text', async () => {
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    const name = '<img src=x onerror=alert(1)>.txt';
    await el.send('q [mock rate=0]', { attachments: [new File(['x'], name, { type: 'text/plain' })] });
    const list = part(el, 'user').querySelector('.attachments')!;
    expect(list.querySelector('[part~="attachment"]')!.textContent).to.equal(name);
    expect(markupViolations(list, { images: true, attachments: true })).to.deep.equal([]);
  });

  it('takes an image by its extension when it has no MIME type, and names a Blob without a name attachment-N.<ext>', async () => {
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    const untyped = new File([pngBytes()], 'DOT.PNG');
    const blob = new Blob(['plain words\n'], { type: 'text/plain' });
    const imageBlob = new Blob([pngBytes()], { type: 'image/png' });
    await el.send('q [mock rate=0]', { attachments: [untyped, blob, imageBlob] });
    expect(el.messages[0]!.attachments!.map(a => [a.name, a.type])).to.deep.equal([
      ['DOT.PNG', 'image/png'],
      ['attachment-2.txt', 'text/plain'],
      ['attachment-3.png', 'image/png'],
    ]);
    const content = ((await lastChatBody()) as Body).messages[0]!.content;
    expect(content).to.deep.equal([
      { type: 'text', text: 'q [mock rate=0]\n\nattachment-2.txt\n```txt\nplain words\n```' },
      { type: 'image_url', image_url: { url: PNG_URL } },
      { type: 'image_url', image_url: { url: PNG_URL } },
    ]);
  });

  it('adds a text file as a fence headed by its name, longer than any backtick run inside it', async () => {
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    const code = 'def f():\n    return "```"\n';
    await el.send('Review this [mock rate=0]', { attachments: [new File([code], 'f.py')] });
    const content = ((await lastChatBody()) as Body).messages[0]!.content;
    expect(content).to.equal('Review this [mock rate=0]\n\nf.py\n````py\ndef f():\n    return "```"\n````');
    expect(el.messages[0]!.content).to.equal('Review this [mock rate=0]');
    const chip = part(el, 'user').querySelector('[part~="attachment"]')!;
    expect(chip.localName).to.equal('span');
    expect(chip.textContent).to.equal('f.py');
  });

  it('rejects another type, or a file over 10 MiB, naming it, before anything changes', async () => {
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    await clearRequests();
    const events: string[] = [];
    const record = (e: Event) => events.push(e.type);
    for (const type of ['vllm-chat-start', 'vllm-chat-done', 'vllm-chat-error']) el.addEventListener(type, record);
    const refused = [
      [new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' }), /"setup\.exe" cannot be attached/],
      [new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'big.png', { type: 'image/png' }), /"big\.png" is 10\.0 MiB/],
      [new Blob([new Uint8Array(4)]), /"attachment-2"/],
    ] as const;
    for (const [file, message] of refused) {
      let error: unknown;
      try {
        await el.send('x', { attachments: [png(), file] });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.match(message);
    }
    await el.updateComplete;
    expect(el.messages).to.have.length(0);
    expect(parts(el, 'message')).to.have.length(0);
    expect(events).to.deep.equal([]);
    // The model list may be fetched at any time; no chat request may leave.
    expect((await requests()).filter(r => r.path.endsWith('/chat/completions'))).to.deep.equal([]);
  });

  it('shows picked files as named, removable chips and sends what is left', async () => {
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
    expect(input.multiple).to.equal(true);
    expect(part(el, 'attach-button').localName).to.equal('button');
    input.files = files(png(), new File(['x = 1\n'], 'a.py')).files;
    input.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(pending(el).map(c => c.textContent!.replace(/\s+/g, ' ').trim())).to.deep.equal(['dot.png ×', 'a.py ×']);
    const removes = parts(el, 'attachment-remove') as HTMLButtonElement[];
    expect(removes.map(b => [b.localName, b.getAttribute('aria-label')])).to.deep.equal([
      ['button', 'Remove dot.png'],
      ['button', 'Remove a.py'],
    ]);
    removes[0]!.focus();
    expect(el.shadowRoot!.activeElement).to.equal(removes[0]);
    removes[0]!.click();
    await el.updateComplete;
    expect(pending(el).map(c => c.querySelector('.name')!.textContent)).to.deep.equal(['a.py']);
    (part(el, 'input') as HTMLTextAreaElement).value = 'q [mock rate=0]';
    part(el, 'send-button').click();
    await waitFor(() => el.messages[1]?.status === 'done', 'the reply');
    expect(((await lastChatBody()) as Body).messages[0]!.content).to.equal('q [mock rate=0]\n\na.py\n```py\nx = 1\n```');
    expect(pending(el)).to.have.length(0);
  });

  it('puts a message’s files back into the composer with its text when it is edited, and sends them again', async () => {
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    await el.send('first [mock rate=0]', { attachments: [png(), new File(['x = 1\n'], 'a.py')] });
    part(el, 'edit-button').click();
    await el.updateComplete;
    expect((part(el, 'input') as HTMLTextAreaElement).value).to.equal('first [mock rate=0]');
    expect(pending(el).map(c => c.querySelector('.name')!.textContent)).to.deep.equal(['dot.png', 'a.py']);
    (part(el, 'input') as HTMLTextAreaElement).value = 'edited [mock rate=0]';
    part(el, 'send-button').click();
    await waitFor(() => el.messages.length === 2 && el.messages[1]!.status === 'done' && el.messages[0]!.content.startsWith('edited'), 'the edited reply');
    expect(((await lastChatBody()) as Body).messages[0]!.content).to.deep.equal([
      { type: 'text', text: 'edited [mock rate=0]\n\na.py\n```py\nx = 1\n```' },
      { type: 'image_url', image_url: { url: PNG_URL } },
    ]);
    expect(el.messages[0]!.attachments!.map(a => a.name)).to.deep.equal(['dot.png', 'a.py']);
  });

  it('takes pasted and dropped files, sends them, and shows a refusal near the composer in the page’s language', async () => {
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    const input = part(el, 'input') as HTMLTextAreaElement;
    const paste = new ClipboardEvent('paste', { clipboardData: files(png('pasted.png')), bubbles: true, cancelable: true, composed: true });
    input.dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    const form = el.shadowRoot!.querySelector('form')!;
    const over = new DragEvent('dragover', { dataTransfer: files(png('dropped.png')), bubbles: true, cancelable: true });
    form.dispatchEvent(over);
    expect(over.defaultPrevented).to.equal(true);
    form.dispatchEvent(new DragEvent('drop', { dataTransfer: files(png('dropped.png')), bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(pending(el).map(c => c.querySelector('.name')!.textContent)).to.deep.equal(['pasted.png', 'dropped.png']);

    input.dispatchEvent(new DragEvent('drop', { dataTransfer: files(new File(['x'], 'notes.docx', { type: 'application/msword' })), bubbles: true, cancelable: true }));
    await el.updateComplete;
    expect(part(el, 'attachment-error').textContent).to.contain('"notes.docx" cannot be attached');
    expect(pending(el)).to.have.length(2);
    el.setAttribute('lang', 'zh-CN');
    await el.updateComplete;
    expect(part(el, 'attachment-error').textContent).to.contain('无法附加“notes.docx”');

    input.value = 'two [mock rate=0]';
    part(el, 'send-button').click();
    await waitFor(() => el.messages[1]?.status === 'done', 'the reply');
    const content = ((await lastChatBody()) as Body).messages[0]!.content as { type: string }[];
    expect(content.map(p => p.type)).to.deep.equal(['text', 'image_url', 'image_url']);
    expect(parts(el, 'attachment-error')).to.have.length(0);
  });
});

describe('<vllm-chat> attachments with storage-key', () => {
  const removeAll = (key: string) => {
    for (const name of Object.keys(localStorage)) if (name === key || name.startsWith(`${key}#`)) localStorage.removeItem(name);
  };
  afterEach(unmountAll);

  it('keeps images and text files, shows them after a reload and sends them again', async () => {
    const key = `attach-${Date.now()}`;
    try {
      const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder', 'storage-key': key });
      await el.send('look [mock rate=0]', { attachments: [png(), new File(['SELECT 1;\n'], 'q.sql')] });
      unmountAll();
      const again = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder', 'storage-key': key });
      await waitFor(() => again.messages.length === 2, 'the restored conversation');
      expect(again.messages[0]!.attachments).to.deep.equal([
        { name: 'dot.png', type: 'image/png', size: 70 },
        { name: 'q.sql', type: 'text/plain', size: 10 },
      ]);
      const thumb = await waitFor(() => part(again, 'user').querySelector<HTMLImageElement>('img[part~="attachment"]'), 'the restored thumbnail');
      expect(thumb.src).to.match(/^blob:/);
      await waitFor(() => thumb.complete && thumb.naturalWidth === 1, 'the restored thumbnail to load');
      expect(parts(again, 'attachment-note')).to.have.length(0);
      await again.send('more [mock rate=0]');
      expect(((await lastChatBody()) as Body).messages[0]!.content).to.deep.equal([
        { type: 'text', text: 'look [mock rate=0]\n\nq.sql\n```sql\nSELECT 1;\n```' },
        { type: 'image_url', image_url: { url: PNG_URL } },
      ]);
    } finally {
      removeAll(key);
    }
  });

  it('when storage is full, saves the conversation without the files and says so on the message', async () => {
    const key = `attach-full-${Date.now()}`;
    const setItem = Storage.prototype.setItem;
    // Storage with room for the conversation's text, not for the files.
    Storage.prototype.setItem = function (this: Storage, name: string, value: string) {
      if (name.startsWith(`${key}#`) && value.includes('base64')) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      setItem.call(this, name, value);
    };
    try {
      const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder', 'storage-key': key });
      const reply = await el.send('keep? [mock rate=0]', { attachments: [png()] });
      expect(reply.status).to.equal('done');
      const note = await waitFor(() => part(el, 'user').querySelector('[part~="attachment-note"]'), 'the note');
      expect(note.textContent).to.contain('not kept');
      // This page still sends the image: it has it.
      await el.send('again [mock rate=0]');
      expect((((await lastChatBody()) as Body).messages[0]!.content as unknown[])[1]).to.deep.equal({ type: 'image_url', image_url: { url: PNG_URL } });
      expect(parts(el, 'notice')).to.have.length(0);
      unmountAll();

      document.documentElement.lang = 'zh';
      const again = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder', 'storage-key': key });
      await waitFor(() => again.messages.length === 4, 'the restored conversation');
      expect(again.messages[0]).to.deep.include({ content: 'keep? [mock rate=0]', attachments: [{ name: 'dot.png', type: 'image/png', size: 70 }] });
      expect(part(again, 'attachment-note').textContent).to.contain('未被保存');
      expect(part(again, 'user').querySelector('[part~="attachment"]')!.textContent).to.equal('dot.png');
      await again.send('after reload [mock rate=0]');
      expect(((await lastChatBody()) as Body).messages[0]!.content).to.equal('keep? [mock rate=0]');
    } finally {
      document.documentElement.lang = '';
      Storage.prototype.setItem = setItem;
      removeAll(key);
    }
  });
});
