import { expect } from 'chai';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { markupViolations } from '../support/allowed-markup.js';
import { clearRequests, mount, part, parts, requests, servers, unmountAll, waitFor } from './chat-fixture.js';

const calculator = {
  type: 'function',
  function: {
    name: 'calculate',
    description: 'Evaluates an arithmetic expression',
    parameters: { type: 'object', properties: { expression: { type: 'string' } }, required: ['expression'] },
  },
};

/** The bodies of every chat completion request the server saw since the last clear. */
async function chatBodies(): Promise<Record<string, unknown>[]> {
  const log = await requests(servers.crossOrigin);
  return log.filter(r => r.path.endsWith('/chat/completions')).map(r => r.body as Record<string, unknown>);
}

async function toolChat(attributes: Record<string, string> = {}): Promise<VllmChat> {
  const el = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin, ...attributes });
  el.tools = [calculator];
  await clearRequests(servers.crossOrigin);
  return el;
}

function nextEvent<T = unknown>(el: EventTarget, name: string): Promise<CustomEvent<T>> {
  return new Promise(resolve => el.addEventListener(name, e => resolve(e as CustomEvent<T>), { once: true }));
}

describe('<vllm-chat> tools', () => {
  afterEach(unmountAll);

  it('sends tools and tool_choice, fires vllm-chat-tool-call, and after every result streams the follow-up with tool_calls and tool_call_ids', async () => {
    const el = await toolChat({ 'tool-choice': 'auto' });
    const asked = nextEvent<{ message: ChatMessage; calls: ChatMessage['toolCalls'] }>(document, 'vllm-chat-tool-call');
    const reply = await el.send('What is 6 * 7? [mock tools=2 rate=0]');
    const event = await asked;
    expect(event.bubbles && event.composed).to.equal(true);
    expect(event.detail.message).to.equal(reply);
    expect(reply.status).to.equal('done');
    expect(reply.finishReason).to.equal('tool_calls');
    expect(reply.content).to.equal('');
    const calls = event.detail.calls!;
    expect(calls).to.equal(reply.toolCalls);
    expect(calls.map(c => c.name)).to.deep.equal(['calculate', 'calculate']);
    expect(JSON.parse(calls[0]!.arguments)).to.deep.equal({ expression: '6 * 7' });

    const first = (await chatBodies())[0]!;
    expect(first.tools).to.deep.equal([calculator]);
    expect(first.tool_choice).to.equal('auto');

    // Still waiting after one of two results: no request yet.
    el.addToolResult(calls[0]!.id, '42');
    expect(await chatBodies()).to.have.length(1);
    const starts: Event[] = [];
    el.addEventListener('vllm-chat-start', e => starts.push(e));
    const done = nextEvent<{ message: ChatMessage }>(el, 'vllm-chat-done');
    el.addToolResult(calls[1]!.id, 'also 42');
    const followUp = (await done).detail.message;
    expect(starts).to.have.length(1);
    expect(followUp.status).to.equal('done');
    expect(followUp.content).to.contain('`calculate` returned: 42');
    expect(followUp.content).to.contain('`calculate` returned: also 42');
    expect(el.messages.map(m => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'tool', 'assistant']);
    expect(el.messages[2]).to.include({ role: 'tool', content: '42', toolCallId: calls[0]!.id });

    const second = (await chatBodies())[1]!;
    expect(second.tools).to.deep.equal([calculator]);
    expect(second.tool_choice).to.equal('auto');
    expect(second.messages).to.deep.equal([
      { role: 'user', content: 'What is 6 * 7? [mock tools=2 rate=0]' },
      {
        role: 'assistant',
        content: null,
        tool_calls: calls.map(c => ({ id: c.id, type: 'function', function: { name: 'calculate', arguments: c.arguments } })),
      },
      { role: 'tool', tool_call_id: calls[0]!.id, content: '42' },
      { role: 'tool', tool_call_id: calls[1]!.id, content: 'also 42' },
    ]);

    // A later turn carries the tool turns too.
    await el.send('thanks [mock rate=0 echo=1]');
    const third = (await chatBodies())[2]!;
    expect((third.messages as { role: string }[]).map(m => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'tool', 'assistant', 'user']);
    expect(parts(el, 'tool')).to.have.length(2);
    expect(part(el, 'tool').textContent).to.contain('42');
  });

  it('sends tool-choice JSON as the object form, and leaves out what is neither a word nor JSON', async () => {
    const el = await toolChat({ 'tool-choice': '{"type":"function","function":{"name":"calculate"}}' });
    el.addEventListener('vllm-chat-tool-call', () => el.stop());
    await el.send('[mock rate=0]');
    expect((await chatBodies())[0]!.tool_choice).to.deep.equal({ type: 'function', function: { name: 'calculate' } });
    el.toolChoice = '{not json';
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args[0]);
    try {
      await el.send('[mock rate=0 echo=1] hi');
    } finally {
      console.warn = warn;
    }
    const body = (await chatBodies())[1]!;
    expect(body).to.not.have.property('tool_choice');
    expect(body.tools).to.deep.equal([calculator]);
    expect(String(warnings[0])).to.contain('tool-choice');
  });

  it('sends neither tools nor tool_choice when tools is empty', async () => {
    const el = await toolChat({ 'tool-choice': 'required' });
    el.tools = [];
    await el.send('[mock rate=0 echo=1] hi');
    const body = (await chatBodies())[0]!;
    expect(body).to.not.have.property('tools');
    expect(body).to.not.have.property('tool_choice');
  });

  it('addToolResult throws, naming the API, for an id no waiting call has', async () => {
    const el = await toolChat();
    expect(() => el.addToolResult('nope', 'x')).to.throw(Error, /addToolResult\(\).*"nope"/);
    const reply = await el.send('[mock tools=1 rate=0]');
    const id = reply.toolCalls![0]!.id;
    expect(() => el.addToolResult('nope', 'x')).to.throw(Error, /addToolResult\(\)/);
    expect(el.messages).to.have.length(2);
    const done = nextEvent(el, 'vllm-chat-done');
    el.addToolResult(id, '1');
    await done;
    // Answered already: no longer waiting.
    expect(() => el.addToolResult(id, 'again')).to.throw(Error, /addToolResult\(\)/);
  });

  it('stop() ends the wait: a later result throws and no follow-up is sent; the next turn leaves the unanswered calls out', async () => {
    const el = await toolChat();
    const reply = await el.send('[mock tools=1 rate=0]');
    el.stop();
    expect(() => el.addToolResult(reply.toolCalls![0]!.id, '42')).to.throw(Error, /addToolResult\(\)/);
    await new Promise(r => setTimeout(r, 100));
    expect(await chatBodies()).to.have.length(1);
    expect(el.messages).to.have.length(2);
    await el.send('[mock rate=0 echo=1] next');
    const body = (await chatBodies())[1]!;
    // The unanswered call's reply said nothing: it goes, with the question it answered.
    expect(body.messages).to.deep.equal([{ role: 'user', content: '[mock rate=0 echo=1] next' }]);
  });

  it('streams each call as part tool-call: the name, and the arguments highlighted as JSON as they arrive', async () => {
    const el = await toolChat();
    const seen: string[] = [];
    const watcher = new MutationObserver(() => {
      const code = el.shadowRoot!.querySelector('[part~="tool-call"] pre > code');
      if (code && seen.at(-1) !== code.textContent) seen.push(code.textContent ?? '');
    });
    watcher.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
    const reply = await el.send('[mock tools=1 rate=40]');
    watcher.disconnect();
    const call = part(el, 'tool-call');
    expect(call.closest('[part~="assistant"]')).to.not.equal(null);
    expect(call.querySelector('.tool-call-name')!.textContent).to.equal('calculate');
    const code = call.querySelector('[part="code-block"] > code')!;
    expect(code.textContent).to.equal(reply.toolCalls![0]!.arguments);
    expect(call.querySelector('.code-block')!.getAttribute('data-lang')).to.equal('json');
    expect(code.querySelectorAll('[class*="c-"]').length, 'coloured JSON tokens').to.be.greaterThan(1);
    expect(seen.length, `arguments grew on screen: ${JSON.stringify(seen)}`).to.be.greaterThan(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.startsWith(seen[i - 1]!)).to.equal(true);
  });

  it('never turns a hostile tool name, arguments or result into HTML', async () => {
    const el = await toolChat();
    const hostileName = '<img src=x onerror="window.__pwned=1">';
    el.tools = [{ type: 'function', function: { name: hostileName, parameters: { type: 'object', properties: { '<script>window.__pwned=2</script>': { type: 'string' } } } } }];
    const args = encodeURIComponent(JSON.stringify({ html: '<svg onload=alert(1)>', '</code><b>x</b>': '<a href="javascript:alert(1)">x</a>' }));
    const reply = await el.send(`[mock tools=1 rate=0 args=${args}]`);
    const call = part(el, 'tool-call');
    expect(call.querySelector('.tool-call-name')!.textContent).to.equal(hostileName);
    expect(call.querySelector('pre > code')!.textContent).to.equal(reply.toolCalls![0]!.arguments);
    const done = nextEvent(el, 'vllm-chat-done');
    el.addToolResult(reply.toolCalls![0]!.id, '<img src=x onerror="window.__pwned=3"><b>bold</b>');
    await done;
    expect(part(el, 'tool').textContent).to.contain('<b>bold</b>');
    for (const message of parts(el, 'message')) expect(markupViolations(message)).to.deep.equal([]);
    expect(el.shadowRoot!.querySelector('img, svg, script, b, a')).to.equal(null);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
  });

  it('with storage-key, keeps tool calls and tool messages across a reload', async () => {
    const key = `tools-${Math.random().toString(36).slice(2)}`;
    const el = await toolChat({ 'storage-key': key });
    const reply = await el.send('[mock tools=1 rate=0]');
    const done = nextEvent(el, 'vllm-chat-done');
    el.addToolResult(reply.toolCalls![0]!.id, '42');
    await done;
    const before = el.messages.map(m => ({ ...m }));
    unmountAll();
    const again = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin, 'storage-key': key });
    expect(again.messages.map(m => [m.role, m.content, m.toolCalls, m.toolCallId])).to.deep.equal(
      before.map(m => [m.role, m.content, m.toolCalls, m.toolCallId]),
    );
    const call = await waitFor(() => again.shadowRoot!.querySelector('[part~="tool-call"] pre > code'), 'the restored tool call');
    expect(call.textContent).to.equal(reply.toolCalls![0]!.arguments);
    expect(part(again, 'tool-call').querySelector('.tool-call-name')!.textContent).to.equal('calculate');
    expect(part(again, 'tool').textContent).to.contain('42');
    // The restored conversation is sent with its tool turns.
    again.tools = [calculator];
    await clearRequests(servers.crossOrigin);
    await again.send('[mock rate=0 echo=1] more');
    const body = (await chatBodies())[0]!;
    expect((body.messages as { role: string }[]).map(m => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'assistant', 'user']);
    again.clear();
  });

  it('with storage-key, a reply still waiting for tool results when the page went away waits again: the event fires for the unanswered calls and their results stream the follow-up', async () => {
    const key = `tools-wait-${Math.random().toString(36).slice(2)}`;
    const el = await toolChat({ 'storage-key': key });
    const reply = await el.send('What is 6 * 7? [mock tools=2 rate=0]');
    const [first, second] = reply.toolCalls!;
    // One of two answered, then the page goes away.
    el.addToolResult(first!.id, '42');
    unmountAll();

    const asked = nextEvent<{ message: ChatMessage; calls: ChatMessage['toolCalls'] }>(document, 'vllm-chat-tool-call');
    const again = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin, 'storage-key': key });
    again.tools = [calculator];
    const event = await asked;
    expect(event.target).to.equal(again);
    expect(event.detail.message).to.equal(again.messages[1]);
    expect(event.detail.calls!.map(c => c.id), 'only the call without a result').to.deep.equal([second!.id]);
    // The answered call is not waiting any more; the unanswered one is.
    expect(() => again.addToolResult(first!.id, '42 again')).to.throw(/addToolResult\(\)/);
    await clearRequests(servers.crossOrigin);
    const done = nextEvent<{ message: ChatMessage }>(again, 'vllm-chat-done');
    again.addToolResult(second!.id, 'also 42');
    const followUp = (await done).detail.message;
    expect(followUp.content).to.contain('`calculate` returned: 42').and.contain('`calculate` returned: also 42');
    expect(again.messages.map(m => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'tool', 'assistant']);
    const body = (await chatBodies())[0]!;
    expect((body.messages as { role: string; tool_call_id?: string }[]).map(m => m.tool_call_id ?? m.role)).to.deep.equal(['user', 'assistant', first!.id, second!.id]);
    unmountAll();

    // Every call answered: nothing waits after a reload.
    const events: Event[] = [];
    const count = (e: Event) => events.push(e);
    document.addEventListener('vllm-chat-tool-call', count);
    try {
      const third = await mount({ model: 'MyCoder', endpoint: servers.crossOrigin, 'storage-key': key });
      await third.updateComplete;
      expect(events).to.have.length(0);
      expect(() => third.addToolResult(second!.id, 'x')).to.throw(/no reply is waiting/);
      third.clear();
    } finally {
      document.removeEventListener('vllm-chat-tool-call', count);
    }
  });
});
