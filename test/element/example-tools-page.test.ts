import { expect } from 'chai';
import { workerReady } from '../../src/element/worker-client.js';
import { mount, servers, unmountAll, waitFor } from './chat-fixture.js';

/**
 * examples/tools.html, run against the embedded server: its own buttons, its
 * own listener and tools (the page's inline script, unchanged but for the
 * element it finds), the element from source instead of the built bundle.
 */
describe('examples/tools.html', () => {
  afterEach(() => {
    unmountAll();
    document.querySelector('#example-controls')?.remove();
  });

  it('answers the calculator and clock calls in the page and shows the follow-ups that quote the results', async function () {
    this.timeout(60_000);
    const html = await (await fetch('/examples/tools.html')).text();
    const page = new DOMParser().parseFromString(html, 'text/html');
    const script = [...page.querySelectorAll('script:not([src])')].map(s => s.textContent ?? '').join('\n');
    expect(script).to.match(/addEventListener\(["']vllm-chat-tool-call["']/);
    const controls = document.createElement('div');
    controls.id = 'example-controls';
    controls.append(...[...page.querySelector('p')!.childNodes].map(n => document.importNode(n, true)));
    document.body.append(controls);
    const el = await mount({ endpoint: servers.crossOrigin, model: 'MyCoder', 'tool-choice': 'auto' });
    // A loaded machine can take longer than the element's start-up limit to start a worker: retry, as a page would on its next send.
    for (let attempt = 1; ; attempt++) {
      try {
        await workerReady();
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    const body = script.replace(/document\.querySelector\(["']vllm-chat["']\)/, 'element');
    expect(body).to.not.equal(script);
    // The example's own inline script, fetched from this repository.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const run = new Function('element', body) as (element: HTMLElement) => void;
    run(el);

    // Each round trip is two replies: the call, then the follow-up; the next question waits for both to end.
    let done = 0;
    el.addEventListener('vllm-chat-done', () => done++);
    controls.querySelector<HTMLButtonElement>('#ask-calc')!.click();
    await waitFor(() => done === 2, 'the calculator round trip', 20_000).catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(el.messages)}`);
    });
    expect(el.messages.map(m => m.role)).to.deep.equal(['user', 'assistant', 'tool', 'assistant']);
    expect(el.messages[1]!.toolCalls![0]!.name).to.equal('calculate');
    expect(el.messages[2]!.content).to.equal('42');
    expect(el.messages[3]!.content).to.contain('`calculate` returned: 42');

    controls.querySelector<HTMLButtonElement>('#ask-time')!.click();
    await waitFor(() => done === 4, 'the clock round trip', 20_000).catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(el.messages.slice(4))}`);
    });
    expect(el.messages[5]!.toolCalls![0]!.name).to.equal('current_time');
    const year = String(new Date().getFullYear());
    expect(el.messages[6]!.content).to.contain(year);
    expect(el.messages[7]!.content).to.contain(`\`current_time\` returned: ${el.messages[6]!.content}`);
  });
});
