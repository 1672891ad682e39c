import { expect } from 'chai';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { defineVllmChat } from '../../src/element/define.js';
import { VllmChat } from '../../src/element/vllm-chat.js';
import { clearRequests, lastChatBody, mount, part, parts, requests, servers, unmountAll, waitFor } from './chat-fixture.js';

describe('<vllm-chat> contract', () => {
  afterEach(unmountAll);

  it('is defined on import, and defining it again does not throw', async () => {
    expect(customElements.get('vllm-chat')).to.equal(VllmChat);
    expect(() => defineVllmChat()).not.to.throw();
    // A second copy of the module (another class) must not throw either.
    const copy: unknown = await import(`../../src/element/define.ts?copy=${Date.now()}`);
    expect(() => (copy as { defineVllmChat(): void }).defineVllmChat()).not.to.throw();
    expect(customElements.get('vllm-chat')).to.equal(VllmChat);
  });

  it('reflects every attribute as its camelCase property, with the documented defaults', async () => {
    const el = await mount();
    expect(el.endpoint).to.equal('/v1');
    expect(el.model).to.equal('');
    expect(el.apiKey).to.equal('');
    expect(el.theme).to.equal('github-dark');
    expect(el.temperature).to.equal(undefined);
    expect(el.maxTokens).to.equal(undefined);
    el.setAttribute('api-key', 'k1');
    el.setAttribute('system-prompt', 'Be brief.');
    el.setAttribute('temperature', '0.2');
    el.setAttribute('max-tokens', '64');
    el.setAttribute('storage-key', 'conv');
    el.setAttribute('model', 'MyCoder');
    el.setAttribute('theme', 'github-light');
    el.setAttribute('endpoint', servers.crossOrigin);
    expect([el.apiKey, el.systemPrompt, el.temperature, el.maxTokens, el.storageKey, el.model, el.theme, el.endpoint]).to.deep.equal(
      ['k1', 'Be brief.', 0.2, 64, 'conv', 'MyCoder', 'github-light', servers.crossOrigin],
    );
    el.maxTokens = 128;
    await el.updateComplete;
    expect(el.getAttribute('max-tokens')).to.equal('128');
    el.removeAttribute('temperature');
    expect(el.temperature).to.equal(undefined);
    localStorage.removeItem('conv');
  });

  it('sends system-prompt, temperature and max-tokens only when they are set', async () => {
    const el = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin });
    await clearRequests(servers.crossOrigin);
    await el.send('[mock rate=0] hi');
    let body = await lastChatBody(servers.crossOrigin);
    expect(body).to.include({ stream: true, model: 'MyCoder' });
    expect(body.stream_options).to.deep.equal({ include_usage: true });
    expect(body).not.to.have.any.keys('temperature', 'max_tokens', 'max_completion_tokens');
    expect((body.messages as { role: string }[])[0]!.role).to.equal('user');

    el.setAttribute('system-prompt', '你是一个编程助手');
    el.setAttribute('temperature', '0.3');
    el.setAttribute('max-tokens', '500');
    await el.send('[mock rate=0] again');
    body = await lastChatBody(servers.crossOrigin);
    expect(body.temperature).to.equal(0.3);
    expect(body.max_tokens ?? body.max_completion_tokens).to.equal(500);
    expect((body.messages as { role: string; content: string }[])[0]).to.deep.equal({ role: 'system', content: '你是一个编程助手' });
  });

  it('uses the first model of GET /models when model is empty', async () => {
    const el = await mount({ endpoint: servers.multiModel });
    await el.send('[mock rate=0] hi');
    expect((await lastChatBody(servers.multiModel)).model).to.equal('MyCoder');
  });

  it('sends api-key on GET /models and on the chat request', async () => {
    await clearRequests(servers.keyed);
    const el = await mount({ endpoint: servers.keyed, 'api-key': servers.keyedApiKey });
    const reply = await el.send('[mock rate=0] hi');
    expect(reply.status).to.equal('done');
    const log = await requests(servers.keyed);
    const models = log.filter(r => r.path === '/v1/models');
    const chats = log.filter(r => r.path === '/v1/chat/completions');
    expect(models.length).to.be.greaterThan(0);
    expect(chats.length).to.equal(1);
    for (const r of [...models, ...chats]) expect(r.headers.authorization).to.equal(`Bearer ${servers.keyedApiKey}`);
  });

  it('resolves a relative endpoint against the page', async () => {
    const el = await mount({ endpoint: 'v1', model: 'MyCoder' });
    const reply = await el.send('[mock rate=0 echo=1] relative');
    expect(reply.content).to.equal('relative');
  });

  it('fires start, done and error events that bubble out of the shadow root with the message', async () => {
    const el = await mount({ model: 'MyCoder' });
    const seen: [string, ChatMessage, boolean][] = [];
    const record = (e: Event) => seen.push([e.type, (e as CustomEvent<{ message: ChatMessage }>).detail.message, e.composed]);
    for (const type of ['vllm-chat-start', 'vllm-chat-done', 'vllm-chat-error']) document.addEventListener(type, record);
    try {
      const ok = await el.send('[mock rate=0 echo=1] fine');
      const failed = await el.send('[mock error=500]');
      expect(seen.map(s => s[0])).to.deep.equal([
        'vllm-chat-start',
        'vllm-chat-done',
        'vllm-chat-start',
        'vllm-chat-done',
        'vllm-chat-error',
      ]);
      expect(seen[1]![1]).to.equal(ok);
      expect(seen[4]![1]).to.equal(failed);
      expect(seen.every(s => s[2])).to.equal(true);
      expect(ok.content).to.equal('fine');
    } finally {
      for (const type of ['vllm-chat-start', 'vllm-chat-done', 'vllm-chat-error']) document.removeEventListener(type, record);
    }
  });

  it('keeps messages oldest first with role, status and content', async () => {
    const el = await mount({ model: 'MyCoder' });
    await el.send('[mock rate=0 echo=1] one');
    await el.send('[mock rate=0 echo=1] two');
    expect(el.messages.map(m => [m.role, m.status, m.content])).to.deep.equal([
      ['user', 'done', '[mock rate=0 echo=1] one'],
      ['assistant', 'done', 'one'],
      ['user', 'done', '[mock rate=0 echo=1] two'],
      ['assistant', 'done', 'two'],
    ]);
    expect(el.messages[1]!.usage?.completionTokens).to.be.greaterThan(0);
    expect(el.messages[1]!.finishReason).to.equal('stop');
  });

  it('sends the earlier turns with each request, leaving out failed replies with their question', async () => {
    const el = await mount({ model: 'MyCoder', 'system-prompt': 'sys', endpoint: servers.crossOrigin });
    await el.send('[mock rate=0 echo=1] first');
    await el.send('[mock error=400]');
    await el.send('[mock rate=0 echo=1] third');
    const sent = (await lastChatBody(servers.crossOrigin)).messages as { role: string; content: string }[];
    expect(sent).to.deep.equal([
      { role: 'system', content: 'sys' },
      { role: 'user', content: '[mock rate=0 echo=1] first' },
      { role: 'assistant', content: 'first' },
      { role: 'user', content: '[mock rate=0 echo=1] third' },
    ]);
  });

  it('shows every part: messages, input, buttons, code blocks with copy buttons, reasoning, error', async () => {
    const el = await mount({ model: 'MyCoder' });
    expect(part(el, 'input').tagName).to.equal('TEXTAREA');
    expect(part(el, 'send-button').tagName).to.equal('BUTTON');
    const pending = el.send('[mock rate=30 reasoning=5 lines=3 lang=py]');
    await waitFor(() => parts(el, 'stop-button').length, 'the stop button');
    expect(parts(el, 'send-button')).to.have.length(0);
    await pending;
    expect(parts(el, 'stop-button')).to.have.length(0);
    part(el, 'send-button');
    await el.send('[mock error=401]');
    const messages = parts(el, 'message');
    expect(messages.map(m => m.getAttribute('part'))).to.deep.equal([
      'message user',
      'message assistant',
      'message user',
      'message assistant',
    ]);
    expect(parts(el, 'code-block')).to.have.length(1);
    expect(parts(el, 'copy-button')).to.have.length(1);
    expect(messages[1]!.querySelector('[part~="reasoning"]')).to.be.instanceOf(HTMLDetailsElement);
    expect(messages[3]!.querySelector('[part~="reasoning"]')).to.equal(null);
    expect(messages[3]!.querySelector('[part~="error"]')).to.not.equal(null);
  });

  it('rejects send() while a reply streams, naming send()', async () => {
    const el = await mount({ model: 'MyCoder' });
    const first = el.send('[mock rate=20 lines=50]');
    let error: unknown;
    await el.send('second').catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.contain('send()');
    el.stop();
    expect((await first).status).to.equal('stopped');
    expect(el.messages).to.have.length(2);
  });

  it('stop() keeps what arrived', async () => {
    const el = await mount({ model: 'MyCoder' });
    const pending = el.send('[mock rate=40 lines=200 lang=py]');
    await waitFor(() => el.messages[1]!.content.length > 40, 'some content');
    el.stop();
    const reply = await pending;
    expect(reply.status).to.equal('stopped');
    expect(reply.content.length).to.be.greaterThan(40);
    expect(reply.content).not.to.contain('That is the whole listing.');
    const shown = parts(el, 'message')[1]!.textContent ?? '';
    expect(shown).to.contain(reply.content.split('\n')[0]!);
  });

  it('Escape in the input and the stop button stop the reply', async () => {
    const el = await mount({ model: 'MyCoder' });
    let pending = el.send('[mock rate=20 lines=100]');
    await waitFor(() => parts(el, 'stop-button').length, 'the stop button');
    part(el, 'stop-button').click();
    expect((await pending).status).to.equal('stopped');
    pending = el.send('[mock rate=20 lines=100]');
    await waitFor(() => el.messages[3]?.content, 'content');
    part(el, 'input').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    expect((await pending).status).to.equal('stopped');
  });

  it('streams into two elements on one page at once', async () => {
    const a = await mount({ model: 'MyCoder' });
    const b = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder' });
    const [ra, rb] = await Promise.all([a.send('[mock rate=100 echo=1] 左边的回答'), b.send('[mock rate=100 echo=1] right side')]);
    expect([ra.status, rb.status]).to.deep.equal(['done', 'done']);
    expect(ra.content).to.equal('左边的回答');
    expect(rb.content).to.equal('right side');
    expect(parts(a, 'assistant')[0]!.textContent).to.contain('左边的回答');
    expect(parts(b, 'assistant')[0]!.textContent).to.contain('right side');
  });

  it('clear() empties the conversation and the log', async () => {
    const el = await mount({ model: 'MyCoder' });
    await el.send('[mock rate=0 echo=1] x');
    el.clear();
    await el.updateComplete;
    expect(el.messages).to.have.length(0);
    expect(parts(el, 'message')).to.have.length(0);
  });

  it('shows live stats while streaming and the usage at the end', async () => {
    const el = await mount({ model: 'MyCoder' });
    const pending = el.send('[mock rate=60 lines=40]');
    const stats = () => parts(el, 'assistant')[0]?.querySelector('.stats')?.textContent ?? '';
    await waitFor(() => /tokens\/s/.test(stats()), 'live stats');
    const reply = await pending;
    await waitFor(() => stats().includes(String(reply.usage!.completionTokens)), 'usage');
  });

  it('streams a long reply without re-rendering its chrome per token', async () => {
    const el = await mount({ model: 'MyCoder' });
    let updates = 0;
    const update = (el as unknown as { update(changed: unknown): void }).update;
    (el as unknown as { update(changed: unknown): void }).update = function (this: VllmChat, changed: unknown) {
      updates++;
      update.call(this, changed);
    };
    const reply = await el.send('[mock rate=0 lines=400 lang=py]');
    expect(reply.content.split('\n').length).to.be.greaterThan(400);
    // Start and end of the reply (and a model list), not one per patch.
    expect(updates).to.be.lessThan(8);
  });

  it('shows hostile user and model text as text, never as markup', async () => {
    const el = await mount({ model: 'MyCoder' });
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const reply = await el.send(`[mock rate=0 echo=1] ${evil}`);
    expect(reply.content).to.equal(evil);
    await new Promise(r => setTimeout(r, 100));
    expect(el.shadowRoot!.querySelector('img, script')).to.equal(null);
    expect((globalThis as { __pwned?: number }).__pwned).to.equal(undefined);
    expect(parts(el, 'user')[0]!.textContent).to.contain(evil);
    expect(parts(el, 'assistant')[0]!.textContent).to.contain('onerror');
  });

  it('shows markdown images only with allow-images, as links otherwise', async () => {
    const el = await mount({ model: 'MyCoder' });
    const text = '![diagram](https://example.invalid/diagram.png)';
    await el.send(`[mock rate=0 echo=1] ${text}`);
    expect(parts(el, 'assistant')[0]!.querySelector('img')).to.equal(null);
    expect(parts(el, 'assistant')[0]!.querySelector('a')?.getAttribute('href')).to.equal('https://example.invalid/diagram.png');
    el.allowImages = true;
    await el.send(`[mock rate=0 echo=1] ${text}`);
    expect(parts(el, 'assistant')[1]!.querySelector('img')?.getAttribute('src')).to.equal('https://example.invalid/diagram.png');
  });
});
