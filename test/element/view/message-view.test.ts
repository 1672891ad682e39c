import { expect } from 'chai';
import type { ChatMessage } from '../../../src/shared/chat-message.js';
import type { HighlightedCode, Patch } from '../../../src/shared/protocol.js';
import { LIVE_STATS_MS, MessageView, type MessageActions } from '../../../src/element/view/message-view.js';
import { stringsFor } from '../../../src/element/strings.js';
import { codeBlockSource, STEP_LINES } from '../../../src/element/view/apply-patch.js';
import { MessageRenderer } from '../../../src/worker/render/message-renderer.js';
import { codeBlockShell, plainLineHtml } from '../../../src/worker/render/code-block.js';
import { randomChunks, renderOptions, seeded } from '../../support/render-harness.js';

const strings = stringsFor('en');
const actions: MessageActions = { copyReply: () => undefined, regenerate: () => undefined, edit: () => undefined, switchVersion: () => undefined };

function assistantView(message: Partial<ChatMessage> = {}): MessageView {
  const view = new MessageView({ role: 'assistant', content: '', status: 'streaming', ...message }, strings, actions);
  document.body.append(view.root);
  return view;
}

/** The patches a stream of `chunks` makes, with the raw text each carries, as the worker sends them. */
async function streamPatches(section: 'content' | 'reasoning', chunks: readonly string[]): Promise<Patch[]> {
  const renderer = new MessageRenderer(renderOptions);
  const patches: Patch[] = [];
  for (const chunk of chunks) {
    renderer.feed(section, chunk);
    const { more: _more, ...ops } = await renderer.take();
    patches.push({ ...ops, [section === 'content' ? 'contentDelta' : 'reasoningDelta']: chunk });
  }
  renderer.end();
  const { more: _more, ...ops } = await renderer.take();
  patches.push(ops);
  return patches;
}

/** One-shot render, as `WorkerApi.render` answers. */
async function renderOnce(text: { content: string; reasoning?: string }): Promise<Patch> {
  const renderer = new MessageRenderer(renderOptions);
  if (text.reasoning) renderer.feed('reasoning', text.reasoning);
  renderer.feed('content', text.content);
  renderer.end();
  const { more: _more, ...ops } = await renderer.take();
  return ops;
}

const answer = 'Here:\n\n```py\ndef f(x):\n    return x * 2\n```\n\n- one\n- two\n\nDone.';

describe('MessageView', () => {
  afterEach(() => document.querySelectorAll('article.message').forEach(el => el.remove()));

  it('applies streamed patches to the same DOM and text a restored message gets in one shot', async () => {
    const streamed = assistantView();
    for (const patch of await streamPatches('content', randomChunks(answer, seeded(7), 9))) streamed.applyPatch(patch);
    streamed.applyPatch({ end: { status: 'done', usage: { promptTokens: 3, completionTokens: 20 } } });
    expect(streamed.message.content).to.equal(answer);
    expect(streamed.message.status).to.equal('done');

    const restored = assistantView({ content: answer, status: 'done', usage: { promptTokens: 3, completionTokens: 20 } });
    await restored.restore(renderOnce);
    expect(restored.message.content, 'restore does not append the text again').to.equal(answer);
    expect(restored.root.innerHTML).to.equal(streamed.root.innerHTML);
    expect(restored.root.querySelector('.stats')?.textContent).to.equal(strings.usage(3, 20));
    expect(codeBlockSource(restored.root.querySelector('.code-block')!)).to.equal('def f(x):\n    return x * 2');
  });

  it('leaves a long patch\'s rest for later frames, but applies the last patch whole', () => {
    const lines = (from: number) => Array.from({ length: 3 * STEP_LINES }, (_, i) => plainLineHtml(`x${from + i}`));
    const open: Patch = { content: [{ type: 'code-open', html: codeBlockShell({ lang: 'py', preClass: 'shiki t-github-dark', copyLabel: 'Copy' }) }] };
    const streaming = assistantView();
    streaming.applyPatch(open);
    let rest = streaming.applyPatch({ content: [{ type: 'code-lines', lines: lines(0) }] }, 0);
    expect(rest).to.be.a('function');
    while (rest) rest = rest(0);
    expect(streaming.root.querySelectorAll('.line').length).to.equal(3 * STEP_LINES);
    // The patch that ends the reply: whatever the deadline, the finished reply is all there.
    const last: Patch = { content: [{ type: 'code-lines', lines: lines(3 * STEP_LINES) }, { type: 'code-close' }], end: { status: 'done' } };
    expect(streaming.applyPatch(last, 0)).to.equal(undefined);
    expect(streaming.root.querySelectorAll('.line').length).to.equal(6 * STEP_LINES);
    expect(streaming.message.status).to.equal('done');
  });

  it('keeps the reasoning open while it streams and collapses it once, when the answer starts', async () => {
    const view = assistantView();
    for (const patch of await streamPatches('reasoning', ['Thinking ', 'about *x*.'])) view.applyPatch(patch);
    const details = view.root.querySelector('details[part="reasoning"]') as HTMLDetailsElement;
    expect(details.open).to.equal(true);
    expect(view.message.reasoning).to.equal('Thinking about *x*.');
    view.applyPatch({ content: [{ type: 'tail', html: '<p>A</p>' }], contentDelta: 'A' });
    expect(details.open).to.equal(false);
    details.open = true;
    view.applyPatch({ content: [{ type: 'tail', html: '<p>AB</p>' }], contentDelta: 'B' });
    expect(details.open, 'the reader reopened it').to.equal(true);
  });

  it('shows live stats while streaming, then the ending: an error below the text that arrived', () => {
    const view = assistantView();
    view.applyPatch({ content: [{ type: 'tail', html: '<p>part</p>' }], contentDelta: 'part', stats: { tokens: 10, elapsedMs: 2000 } });
    expect(view.root.querySelector('.stats')?.textContent).to.equal(strings.liveStats(10, 5));
    view.applyPatch({ end: { status: 'error', error: { code: 'stream', message: 'The model crashed.', status: 500, hint: 'Retry.' } } });
    expect(view.message).to.deep.include({ content: 'part', status: 'error', error: { message: 'The model crashed.', status: 500 } });
    expect(view.root.dataset.status).to.equal('error');
    expect(view.root.getAttribute('aria-busy')).to.equal('false');
    const error = view.root.querySelector('[part="error"]');
    expect(error?.textContent).to.contain('The model crashed.').and.contain('Retry.');
    expect(view.root.querySelector('.content')?.textContent).to.equal('part');
  });

  it('changes the live stats at most every LIVE_STATS_MS of the reply, and shows the final count on the last patch', () => {
    const view = assistantView();
    const stats = () => view.root.querySelector('.stats')?.textContent;
    view.applyPatch({ contentDelta: 'a', stats: { tokens: 1, elapsedMs: 0 } });
    expect(stats()).to.equal(strings.liveStats(1, 0));
    view.applyPatch({ contentDelta: 'b', stats: { tokens: 2, elapsedMs: LIVE_STATS_MS - 1 } });
    expect(stats(), 'too soon after the last change').to.equal(strings.liveStats(1, 0));
    view.applyPatch({ contentDelta: 'c', stats: { tokens: 5, elapsedMs: LIVE_STATS_MS } });
    expect(stats()).to.equal(strings.liveStats(5, 5000 / LIVE_STATS_MS));
    view.applyPatch({ contentDelta: 'd', stats: { tokens: 6, elapsedMs: LIVE_STATS_MS + 1 }, end: { status: 'done' } });
    expect(stats(), 'the last patch, without usage').to.equal(strings.liveStats(6, 6000 / (LIVE_STATS_MS + 1)));
    expect(view.message.content).to.equal('abcd');
  });

  it('names its stats and actions by the contract\'s parts', () => {
    const reply = assistantView();
    const parts = (view: MessageView) => [...view.root.querySelectorAll('[part]')].map(el => el.getAttribute('part'));
    expect(parts(reply)).to.include.members(['stats', 'copy-reply-button', 'regenerate-button']);
    const question = new MessageView({ role: 'user', content: 'q', status: 'done' }, strings, actions);
    document.body.append(question.root);
    expect(parts(question)).to.include('edit-button');
  });

  it('says "stopped" when a reply is stopped without usage', () => {
    const view = assistantView();
    view.finish({ status: 'stopped' });
    expect(view.root.querySelector('.stats')?.textContent).to.equal(strings.stopped);
    expect(view.message.status).to.equal('stopped');
  });

  it('re-colours its code blocks with the highlighter it is given, and stops for a newer theme', async () => {
    const view = assistantView({ content: answer, status: 'done' });
    await view.restore(renderOnce);
    const asked: string[] = [];
    const highlight = async (code: string, lang: string): Promise<HighlightedCode> => {
      asked.push(`${lang}:${code}`);
      return { lines: code.split('\n').map(line => plainLineHtml(line)), preClass: 'shiki t-other', styles: [] };
    };
    expect(await view.recolour(highlight, () => true)).to.equal(true);
    expect(asked).to.deep.equal(['py:def f(x):\n    return x * 2']);
    const pre = view.root.querySelector('pre[part="code-block"]')!;
    expect(pre.className).to.equal('shiki t-other');
    expect(codeBlockSource(pre)).to.equal('def f(x):\n    return x * 2');

    let current = true;
    const late = async (code: string, lang: string) => {
      current = false;
      return { ...(await highlight(code, lang)), preClass: 'shiki t-stale' };
    };
    expect(await view.recolour(late, () => current)).to.equal(false);
    expect(pre.className, 'a stale theme is not applied').to.equal('shiki t-other');
  });

  it('restores a stored error reply: its error and status at once, its body from the render', async () => {
    const view = assistantView({ content: 'Half an', status: 'error', error: { message: 'Connection lost.' } });
    let resolve: (patch: Patch) => void = () => undefined;
    const restoring = view.restore(() => new Promise<Patch>(r => (resolve = r)));
    expect(view.root.querySelector('[part="error"]')?.textContent).to.contain('Connection lost.');
    expect(view.root.dataset.status).to.equal('error');
    resolve(await renderOnce({ content: 'Half an' }));
    await restoring;
    expect(view.root.querySelector('.content')?.innerHTML).to.equal('<p dir="ltr">Half an</p>\n');
    expect(view.message.content).to.equal('Half an');
  });
});
