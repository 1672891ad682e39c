import { expect } from 'chai';
import { frameReply } from '../../../src/element/view/diagram-frame.js';

describe('diagram frame replies', () => {
  let frame: HTMLIFrameElement;
  let frameWindow: Window;
  /** Another window of the page, e.g. an ad's frame. */
  let other: HTMLIFrameElement;

  before(() => {
    frame = document.createElement('iframe');
    other = document.createElement('iframe');
    document.body.append(frame, other);
    frameWindow = frame.contentWindow!;
  });
  after(() => {
    frame.remove();
    other.remove();
  });

  const reply = (data: unknown, init: { origin?: string; source?: Window | null } = {}): ReturnType<typeof frameReply> =>
    frameReply(new MessageEvent('message', { data, origin: init.origin ?? 'null', source: init.source === undefined ? frameWindow : init.source }), frameWindow);
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><g class="node"></g></svg>';

  it('reads the frame’s ready, load failure, drawing and failure replies', () => {
    expect(reply({ type: 'vllm-chat-diagram', ready: true })).to.deep.equal({ ready: true });
    expect(reply({ type: 'vllm-chat-diagram', loadFailed: true })).to.deep.equal({ loadFailed: true });
    expect(reply({ type: 'vllm-chat-diagram', id: 3, svg })).to.deep.equal({ id: 3, svg });
    expect(reply({ type: 'vllm-chat-diagram', id: 4, failed: true })).to.deep.equal({ id: 4, failed: true });
  });

  it('ignores a well-formed reply from another window, from a real origin, or when there is no frame', () => {
    const data = { type: 'vllm-chat-diagram', id: 1, svg };
    expect(reply(data, { source: window })).to.equal(undefined);
    expect(reply(data, { source: other.contentWindow })).to.equal(undefined);
    expect(reply(data, { source: null })).to.equal(undefined);
    expect(reply(data, { origin: location.origin })).to.equal(undefined);
    expect(reply(data, { origin: '' })).to.equal(undefined);
    expect(frameReply(new MessageEvent('message', { data, origin: 'null', source: frameWindow }), null)).to.equal(undefined);
  });

  it('ignores replies of another shape', () => {
    for (const data of [
      null,
      undefined,
      'vllm-chat-diagram',
      [svg],
      { id: 1, svg },
      { type: 'other', id: 1, svg },
      { type: 'vllm-chat-diagram', ready: 'yes' },
      { type: 'vllm-chat-diagram', id: '1', svg },
      { type: 'vllm-chat-diagram', id: 1.5, svg },
      { type: 'vllm-chat-diagram', id: Number.NaN, svg },
      { type: 'vllm-chat-diagram', id: 1 },
      { type: 'vllm-chat-diagram', id: 1, svg: 42 },
      { type: 'vllm-chat-diagram', id: 1, svg: '<img src=x onerror=alert(1)>' },
      { type: 'vllm-chat-diagram', id: 1, svg: ` ${svg}` },
      { type: 'vllm-chat-diagram', id: 1, svg: '<svgx>' },
      { type: 'vllm-chat-diagram', id: 1, svg: `<svg>${' '.repeat(5 * 1024 * 1024)}</svg>` },
      { type: 'vllm-chat-diagram', id: 1, failed: 'yes' },
    ]) {
      expect(reply(data), JSON.stringify(data)?.slice(0, 80)).to.equal(undefined);
    }
  });
});
