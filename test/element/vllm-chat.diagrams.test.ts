import { expect } from 'chai';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { markupViolations } from '../support/allowed-markup.js';
import { mount, parts, unmountAll, waitFor } from './chat-fixture.js';

const FLOWCHART = 'graph TD\n  A[Parse] --> B{Valid?}\n  B -->|yes| C[Render]\n  B -->|no| D[Show code]';
const fenced = (source: string, lang = 'mermaid'): string => `\`\`\`${lang}\n${source}\n\`\`\``;

/** The last assistant message. */
function lastReply(el: VllmChat): HTMLElement {
  const all = parts(el, 'assistant');
  return all[all.length - 1]!;
}

/** Sends `text` for the embedded server to stream back as the answer. */
function echo(el: VllmChat, text: string, rate = 0): ReturnType<VllmChat['send']> {
  return el.send(`[mock echo=1 rate=${rate}] ${text}`);
}

// The default buffer (250 entries) fills with the test page's own modules.
performance.setResourceTimingBufferSize(100_000);

/** Resource URLs of the diagram frame's page the page fetched so far (the frame fetches Mermaid itself). */
function mermaidFetches(): string[] {
  return performance
    .getEntriesByType('resource')
    .map(entry => entry.name)
    .filter(name => name.includes('/diagram-frame.html'));
}

/** Waits for the image of the `index`th diagram of the last reply to load; returns it. */
async function diagramImage(el: VllmChat, index = 0): Promise<HTMLImageElement> {
  const image = await waitFor(
    () => lastReply(el).querySelectorAll<HTMLImageElement>('[part~="diagram"] img')[index],
    'a diagram image',
    30_000,
  );
  await image.decode();
  return image;
}

/** The SVG text inside an image's `data:` URL. */
function svgOf(image: HTMLImageElement): string {
  const prefix = 'data:image/svg+xml;charset=utf-8,';
  expect(image.src.startsWith(prefix), image.src.slice(0, 60)).to.equal(true);
  return decodeURIComponent(image.src.slice(prefix.length));
}

function visible(node: Element | null | undefined): boolean {
  return !!node && node.getBoundingClientRect().height > 0;
}

describe('<vllm-chat> diagrams', () => {
  afterEach(unmountAll);

  // First in this file: no earlier test of this page has loaded Mermaid.
  it('does not fetch the diagram library for a reply without a diagram', async () => {
    const el = await mount({ model: 'MyCoder' });
    const message = await echo(el, `Code:\n\n${fenced('print(1)', 'python')}\n\nand \`mermaid\` in prose.`);
    expect(message.status, message.error?.message).to.equal('done');
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(mermaidFetches()).to.deep.equal([]);
    expect(lastReply(el).querySelector('[data-diagram]')).to.equal(null);
  });

  it('draws a closed mermaid fence as an image only after the fence closed, never while it streams', async () => {
    const el = await mount({ model: 'MyCoder' });
    let sawOpenFence = false;
    let diagramsWhileStreaming = 0;
    let watching = true;
    const watch = (): void => {
      const reply = parts(el, 'assistant')[0];
      if (reply && el.messages.at(-1)?.status === 'streaming') {
        if (reply.querySelector('.code-block[data-lang="mermaid"]')) sawOpenFence = true;
        diagramsWhileStreaming += reply.querySelectorAll('[part~="diagram"]').length;
      }
      if (watching) requestAnimationFrame(watch);
    };
    requestAnimationFrame(watch);
    // Slow enough that several frames see the fence open (a token is a few characters).
    const sending = echo(el, `The pipeline:\n\n${fenced(FLOWCHART)}\n\nThat is all of it, step by step.`, 60);
    const message = await sending;
    watching = false;
    expect(message.status).to.equal('done');
    expect(sawOpenFence, 'the fence was seen open').to.equal(true);
    expect(diagramsWhileStreaming).to.equal(0);
    const image = await diagramImage(el);
    expect(mermaidFetches().length).to.be.greaterThan(0);
    expect(image.naturalWidth).to.be.greaterThan(0);
    expect(visible(image)).to.equal(true);
    expect(image.alt).to.equal('Diagram');
    const svg = svgOf(image);
    expect(svg).to.match(/^<svg\b/);
    expect(svg).to.contain('Parse').and.contain('Render');
    expect(svg).not.to.match(/<script|foreignObject|\son\w+=|javascript:/i);
    // The source stays the message's text and the block's code.
    expect(message.content).to.contain(FLOWCHART);
    expect(lastReply(el).querySelector('[part~="code-block"]')?.textContent).to.equal(FLOWCHART);
  });

  it('the source button toggles to the highlighted code block and back (keyboard-reachable, named, aria-pressed)', async () => {
    const el = await mount({ model: 'MyCoder' });
    await echo(el, fenced(FLOWCHART));
    const image = await diagramImage(el);
    const button = lastReply(el).querySelector<HTMLButtonElement>('[part~="diagram-source-button"]')!;
    const code = lastReply(el).querySelector('[part~="code-block"]')!;
    expect(button.localName).to.equal('button');
    expect(button.tabIndex).to.equal(0);
    expect(button.getAttribute('aria-label')).to.equal('Source');
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    expect(visible(code)).to.equal(false);

    button.focus();
    expect(el.shadowRoot!.activeElement).to.equal(button);
    button.click();
    expect(button.getAttribute('aria-pressed')).to.equal('true');
    expect(visible(code)).to.equal(true);
    expect(visible(image)).to.equal(false);
    expect(code.textContent).to.equal(FLOWCHART);
    // Highlighted like any other code block: several token colours.
    const colours = new Set([...code.querySelectorAll('span span')].map(s => getComputedStyle(s).color));
    expect(colours.size).to.be.greaterThan(1);
    expect(visible(button), 'the toggle stays reachable').to.equal(true);

    button.click();
    expect(button.getAttribute('aria-pressed')).to.equal('false');
    expect(visible(code)).to.equal(false);
    expect(visible(image)).to.equal(true);
  });

  it('draws hostile labels as inert text: allow-listed markup only, nothing in the SVG that could run', async () => {
    const el = await mount({ model: 'MyCoder' });
    const hostile =
      'graph TD\n  A["<img src=x onerror=alert(1)>"] --> B["<script>alert(2)</script>"]\n' +
      '  B --> C["<a href=\'javascript:alert(3)\'>x</a>"]\n  click A "javascript:alert(4)"\n  click C callback';
    await echo(el, fenced(hostile));
    const image = await diagramImage(el);
    // Parsed here only to inspect it (the element never parses it): the payloads are text, not markup.
    const doc = new DOMParser().parseFromString(svgOf(image), 'image/svg+xml');
    expect(doc.querySelector('parsererror')).to.equal(null);
    // (`click` makes Mermaid wrap a node in `<a>`: inert in an image, and its URL is sanitized.)
    expect(doc.querySelectorAll('script, foreignObject, img, iframe, use')).to.have.length(0);
    const attributes = [...doc.querySelectorAll('*')].flatMap(node => [...node.attributes]);
    expect(attributes.filter(a => /^on/i.test(a.name) || /javascript:/i.test(a.value)).map(a => `${a.name}=${a.value}`)).to.deep.equal([]);
    expect(markupViolations(lastReply(el).querySelector('.content')!)).to.deep.equal([]);
  });

  it('draws in one hidden frame per page, sandboxed without allow-same-origin, reused; the SVG never enters the DOM', async () => {
    const first = await mount({ model: 'MyCoder' });
    const second = await mount({ model: 'MyCoder' });
    await echo(first, fenced(FLOWCHART));
    await echo(second, fenced('graph LR\n  X --> Y'));
    await diagramImage(first);
    await diagramImage(second);
    const frames = [...document.querySelectorAll('iframe')].filter(frame => frame.src.includes('diagram-frame'));
    expect(frames).to.have.length(1);
    expect(frames[0]!.getAttribute('sandbox')).to.equal('allow-scripts');
    expect(frames[0]!.getAttribute('aria-hidden')).to.equal('true');
    expect(visible(frames[0])).to.equal(true, 'laid out (Mermaid measures text), though hidden');
    expect(frames[0]!.getBoundingClientRect().right).to.be.at.most(0);
    // Nothing of Mermaid's output is markup in the page: the diagrams are images.
    for (const el of [first, second]) {
      expect(lastReply(el).querySelectorAll('[part~="diagram"] svg, [part~="diagram"] foreignObject')).to.have.length(0);
    }
    expect(document.querySelectorAll('[id^="vllm-chat-diagram"], [id^="dvllm-chat-diagram"]')).to.have.length(0);
  });

  it('ignores messages from other windows and of other shapes while it draws', async () => {
    const forged = (id: number): unknown => ({
      type: 'vllm-chat-diagram',
      id,
      svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 99 99"><text>FORGED</text></svg>',
    });
    // A sandboxed frame has an opaque origin ("null") like the diagram frame: only its window tells them apart.
    const impostor = document.createElement('iframe');
    impostor.setAttribute('sandbox', 'allow-scripts');
    impostor.srcdoc = `<script>
      const forged = ${JSON.stringify(forged(0))};
      setInterval(() => {
        for (let id = 0; id < 64; id++) parent.postMessage({ ...forged, id }, '*');
        parent.postMessage({ type: 'vllm-chat-diagram', ready: true }, '*');
      }, 20);
    </script>`;
    document.body.append(impostor);
    // Every id this page's frame can be at (a drawing's id counts the page's diagrams), often enough
    // to come before any real reply, and not so often that the flood starves the page itself.
    const fromPage = setInterval(() => {
      for (let id = 0; id < 64; id++) {
        window.postMessage(forged(id), '*');
        window.postMessage({ type: 'vllm-chat-diagram', id, svg: ['<svg>'] }, '*');
      }
    }, 20);
    try {
      const el = await mount({ model: 'MyCoder' });
      await echo(el, `${fenced(FLOWCHART)}\n\n${fenced('graph LR\n  X --> Y')}`);
      const svgs = [svgOf(await diagramImage(el, 0)), svgOf(await diagramImage(el, 1))];
      expect(svgs[0]).to.contain('Parse').and.not.contain('FORGED');
      expect(svgs[1]).to.contain('X').and.not.contain('FORGED');
    } finally {
      clearInterval(fromPage);
      impostor.remove();
    }
  });

  it('keeps mermaid source that does not parse as code, with no error', async () => {
    const el = await mount({ model: 'MyCoder' });
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent | PromiseRejectionEvent): void => void errors.push('reason' in event ? event.reason : event.error);
    addEventListener('error', onError);
    addEventListener('unhandledrejection', onError);
    try {
      const broken = 'graph TD\n  A --> (((\n  }} nonsense ]]';
      // A good one after it shows the broken one was looked at, not skipped.
      const message = await echo(el, `${fenced(broken)}\n\n${fenced('graph LR\n  X --> Y')}`);
      expect(message.status).to.equal('done');
      await diagramImage(el);
      const blocks = lastReply(el).querySelectorAll<HTMLElement>('.code-block');
      await waitFor(() => blocks[0]!.dataset.diagram === 'failed', 'the broken block to be given up');
      expect(blocks[0]!.querySelector('[part~="diagram"]')).to.equal(null);
      expect(visible(blocks[0]!.querySelector('[part~="code-block"]'))).to.equal(true);
      expect(blocks[0]!.querySelector('[part~="code-block"]')?.textContent).to.equal(broken);
      expect(lastReply(el).querySelectorAll('[part~="diagram"]')).to.have.length(1);
      // Mermaid leaves no scratch nodes in the page.
      expect(document.querySelectorAll('body > [id^="dvllm-chat-diagram"]')).to.have.length(0);
      expect(errors).to.deep.equal([]);
    } finally {
      removeEventListener('error', onError);
      removeEventListener('unhandledrejection', onError);
    }
  });

  it('a fence cut off by the end of the reply stays code', async () => {
    const el = await mount({ model: 'MyCoder' });
    await echo(el, '```mermaid\ngraph TD\n  A --> B');
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(lastReply(el).querySelector('[data-diagram]')).to.equal(null);
    expect(lastReply(el).querySelector('[part~="code-block"]')?.textContent).to.equal('graph TD\n  A --> B');
  });

  it('no-diagrams keeps mermaid fences as code', async () => {
    const el = await mount({ model: 'MyCoder', 'no-diagrams': '' });
    expect(el.noDiagrams).to.equal(true);
    await echo(el, fenced(FLOWCHART));
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(lastReply(el).querySelector('[data-diagram]')).to.equal(null);
    expect(lastReply(el).querySelectorAll('[part~="diagram"]')).to.have.length(0);
    expect(visible(lastReply(el).querySelector('[part~="code-block"]'))).to.equal(true);
  });

  it('draws diagrams of a restored conversation, and speaks Chinese', async () => {
    const key = `diagrams-${Date.now()}`;
    try {
      const first = await mount({ model: 'MyCoder', 'storage-key': key });
      await echo(first, fenced(FLOWCHART));
      unmountAll();
      const el = await mount({ model: 'MyCoder', 'storage-key': key, lang: 'zh' });
      expect(el.messages).to.have.length(2);
      // Read on demand, shown in the element's next update.
      await el.updateComplete;
      const image = await diagramImage(el);
      expect(image.alt).to.equal('图表');
      expect(lastReply(el).querySelector('[part~="diagram-source-button"]')?.textContent).to.equal('源代码');
    } finally {
      localStorage.removeItem(key);
    }
  });

  it('follows the code theme: a light theme draws a light diagram', async () => {
    const el = await mount({ model: 'MyCoder' });
    await echo(el, fenced(FLOWCHART));
    const dark = svgOf(await diagramImage(el));
    el.theme = 'github-light';
    const light = await waitFor(() => {
      const image = lastReply(el).querySelector<HTMLImageElement>('[part~="diagram"] img');
      const svg = image ? svgOf(image) : '';
      return svg !== dark && svg;
    }, 'the diagram drawn again in a light theme', 15_000);
    expect(light).to.contain('Parse');
    expect(lastReply(el).querySelector('.code-block')?.classList.contains('diagram-dark')).to.equal(false);
  });
});
