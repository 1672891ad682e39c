/**
 * `<vllm-chat>` embedded the way sites embed it: the built `dist/vllm-chat.js`
 * served from its own origin, imported by a page on another origin (served
 * with the Content-Security-Policy each test names), talking to an API on a
 * third origin. Everything runs for real: Chromium, HTTP, the worker, Shiki.
 */
import { expect } from 'chai';
import { loadEmbedPage, strictCsp, trustedTypesCsp, diagramsCsp, apiOrigin, type EmbedResult } from './load-embed-page.js';

/** Every element's reply finished and shows a highlighted 20-line Python block. */
function expectHighlightedReplies(result: EmbedResult, count: number): void {
  expect(result.importError, 'import').to.equal(undefined);
  expect(result.harnessError, 'harness').to.equal(undefined);
  expect(result.messages?.map(m => m.status)).to.deep.equal(Array(count).fill('done'));
  for (const [i, view] of (result.views ?? []).entries()) {
    // The reply's one fence: "```python\n<20 lines>\n```".
    const fence = /^```\w*\n([\s\S]*?)\n```$/m.exec(result.messages?.[i]?.content ?? '');
    expect(fence?.[1]?.split('\n'), 'code lines in the reply').to.have.length(20);
    expect(view.codeBlocks).to.equal(1);
    expect(view.codeText, 'code block text').to.equal(fence?.[1]);
    // Tokens of one Python block in github-dark come in several colours only
    // if the grammar chunk loaded (from the bundle origin) and the colour
    // rules applied (a constructed stylesheet, allowed by style-src 'self').
    expect(view.tokenColours).to.be.greaterThan(2);
    expect(view.errorText).to.equal('');
  }
}

describe('embedding from another origin', () => {
  it('a page on another origin imports the bundle and highlights code in a lazily loaded language', async () => {
    const result = await loadEmbedPage({});
    expectHighlightedReplies(result, 1);
    expect(result.workersStarted).to.equal(1);
  });

  it('works under a strict CSP without unsafe-inline, unsafe-eval or wasm-unsafe-eval, with no violation', async () => {
    const result = await loadEmbedPage({}, strictCsp);
    expectHighlightedReplies(result, 1);
    expect(result.violations).to.deep.equal([]);
  });

  it('works under Trusted Types with only the vllm-chat policy allowed, with no violation', async () => {
    const result = await loadEmbedPage({}, trustedTypesCsp);
    expectHighlightedReplies(result, 1);
    expect(result.violations).to.deep.equal([]);
  });

  it('shows math as MathML under a strict CSP with Trusted Types, with no violation', async () => {
    const prompt = '[mock echo=1 rate=0] Euler: $e^{i\\pi} + 1 = 0$, \\(\\color{red}{r}\\) and\n\n$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$\n';
    const result = await loadEmbedPage({ prompt }, trustedTypesCsp);
    expect(result.importError, 'import').to.equal(undefined);
    expect(result.harnessError, 'harness').to.equal(undefined);
    expect(result.messages?.[0]?.status).to.equal('done');
    expect(result.views?.[0]?.math).to.deep.equal([
      [false, 'e^{i\\pi} + 1 = 0', true],
      [false, '\\color{red}{r}', true],
      [true, '\\int_0^1 x\\,dx = \\frac{1}{2}', true],
    ]);
    expect(result.violations).to.deep.equal([]);
  });

  describe('diagrams', function () {
    // Mermaid is megabytes of script, compiled in the frame on the first diagram of each page.
    this.timeout(90_000);
    const prompt = '[mock echo=1 rate=0] Flow:\n\n```mermaid\ngraph TD\n  A[Start] --> B{Ok?}\n  B -->|yes| C[Done]\n```\n';

    /** The reply's one diagram was drawn: an image of the size of an SVG with the source's three nodes. */
    function expectDrawn(result: EmbedResult): void {
      expect(result.harnessError, 'harness').to.equal(undefined);
      expect(result.messages?.[0]?.status).to.equal('done');
      expect(result.views?.[0]?.diagramStates).to.deep.equal(['drawn']);
      const [width, height] = result.views?.[0]?.diagramImages[0] ?? [0, 0];
      expect(width).to.be.greaterThan(0);
      expect(height).to.be.greaterThan(0);
      expect(result.views?.[0]?.diagramNodes).to.deep.equal([3]);
      expect(result.diagramChunks, 'the frame page, from the bundle origin').to.equal(1);
    }

    it('draws a diagram in the bundle-origin frame under a strict CSP with Trusted Types and the documented diagram lines, with no violation', async () => {
      const result = await loadEmbedPage({ prompt, diagrams: '1' }, diagramsCsp, 60_000);
      expectDrawn(result);
      expect(result.violations).to.deep.equal([]);
    });

    it("the policy of examples/strict-csp.html shows math and a diagram, with no violation", async () => {
      // The example's own policy, its origins swapped for this test's (the bundle, the API).
      const example = await (await fetch(new URL('../../examples/strict-csp.html', import.meta.url))).text();
      const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(example)?.[1] ?? '';
      expect(policy).to.contain('frame-src').and.contain('img-src');
      const csp = policy.replaceAll('http://localhost:5173', '%BUNDLE%').replace("connect-src 'self'", `connect-src ${apiOrigin}`);
      const math = 'Euler: $e^{i\\pi} + 1 = 0$ and\n\n$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$\n\n';
      const result = await loadEmbedPage({ prompt: prompt.replace('Flow:', () => `${math}Flow:`), diagrams: '1' }, csp, 60_000);
      expectDrawn(result);
      expect(result.views?.[0]?.math).to.deep.equal([
        [false, 'e^{i\\pi} + 1 = 0', true],
        [true, '\\int_0^1 x\\,dx = \\frac{1}{2}', true],
      ]);
      expect(result.violations).to.deep.equal([]);
    });

    it('no-diagrams under Trusted Types keeps the code, makes no frame, with no violation', async () => {
      const result = await loadEmbedPage({ prompt, diagrams: '1', noDiagrams: '1' }, trustedTypesCsp, 40_000);
      expect(result.messages?.[0]?.status).to.equal('done');
      expect(result.views?.[0]?.diagramStates).to.deep.equal(['code']);
      expect(result.views?.[0]?.codeText).to.equal('graph TD\n  A[Start] --> B{Ok?}\n  B -->|yes| C[Done]');
      expect(result.diagramChunks).to.equal(0);
      expect(result.violations).to.deep.equal([]);
    });

    for (const [name, csp, refused] of [
      ['a strict CSP without frame-src for the bundle', strictCsp, /^frame-src /],
      ['Trusted Types without frame-src for the bundle', trustedTypesCsp, /^frame-src /],
      ["frame-src for the bundle but no data: in img-src", `${trustedTypesCsp}; frame-src %BUNDLE%`, /^img-src data/],
    ] as const) {
      it(`under ${name}, a diagram degrades to its code with a note (the policy reports what it blocked)`, async () => {
        const result = await loadEmbedPage({ prompt, diagrams: '1' }, csp, 60_000);
        expect(result.harnessError, 'harness').to.equal(undefined);
        expect(result.messages?.[0]?.status).to.equal('done');
        expect(result.views?.[0]?.diagramStates).to.deep.equal(['failed']);
        expect(result.views?.[0]?.diagramImages).to.deep.equal([]);
        expect(result.views?.[0]?.diagramNotes).to.have.length(1);
        expect(result.views?.[0]?.diagramNotes[0]).to.contain('Content-Security-Policy');
        expect(result.views?.[0]?.codeText).to.contain('A[Start]');
        // Only what diagrams need was refused; the chat itself ran clean.
        expect(result.violations).to.have.length.above(0);
        for (const violation of result.violations) expect(violation).to.match(refused);
      });
    }
  });

  it('an attached image is sent under the strict CSP; its blob: thumbnail needs img-src blob: as the README says', async () => {
    const prompt = 'What is it? [mock describe=1 rate=0]';
    const blocked = await loadEmbedPage({ attach: '1', prompt }, strictCsp);
    expect(blocked.messages?.[0]?.status, blocked.messages?.[0]?.error).to.equal('done');
    expect(blocked.messages?.[0]?.content).to.contain('image, image/png, 70 bytes');
    expect(blocked.views?.[0]?.thumbnail).to.deep.equal(['blob:', 0]);
    // Only the thumbnail was refused (Chromium may report one refused image more than once).
    expect(blocked.violations).to.have.length.above(0);
    for (const violation of blocked.violations) expect(violation).to.match(/^img-src blob/);

    const allowed = await loadEmbedPage({ attach: '1', prompt }, `${trustedTypesCsp}; img-src 'self' blob:`);
    expect(allowed.messages?.[0]?.content).to.contain('image, image/png, 70 bytes');
    expect(allowed.views?.[0]?.thumbnail).to.deep.equal(['blob:', 1]);
    expect(allowed.violations).to.deep.equal([]);
  });

  it('two elements on a page share one worker', async () => {
    const result = await loadEmbedPage({ elements: '2' }, strictCsp);
    expectHighlightedReplies(result, 2);
    expect(result.workersStarted).to.equal(1);
  });

  it('importing the module twice and a second copy (?v=2) does not throw and still starts one worker', async () => {
    const result = await loadEmbedPage({ twice: '1', copies: '2', elements: '2' });
    expectHighlightedReplies(result, 2);
    expect(result.defined).to.equal(true);
    expect(result.workersStarted).to.equal(1);
  });

  it('two copies of the module work together under Trusted Types (one shared policy)', async () => {
    const result = await loadEmbedPage({ copies: '2', elements: '2' }, trustedTypesCsp);
    expectHighlightedReplies(result, 2);
    expect(result.violations).to.deep.equal([]);
  });

  it('a worker blocked by worker-src shows a visible error and send() resolves with status error', async () => {
    const csp = `default-src 'self'; script-src 'self' %BUNDLE%; worker-src 'none'; connect-src ${apiOrigin}; style-src 'self'`;
    const result = await loadEmbedPage({}, csp);
    expect(result.importError, 'import').to.equal(undefined);
    expect(result.harnessError, 'harness').to.equal(undefined);
    expect(result.messages?.[0]?.status).to.equal('error');
    expect(result.messages?.[0]?.error).to.match(/worker could not start/);
    expect(result.views?.[0]?.errorText).to.match(/worker could not start/);
    expect(result.violations.some(v => v.startsWith('worker-src'))).to.equal(true);
  });

  it('a bundle origin missing from worker-src (silent failure inside the worker) is reported as an error, not a hang', async () => {
    const csp = `default-src 'self'; script-src 'self' %BUNDLE%; worker-src blob:; connect-src ${apiOrigin}; style-src 'self'`;
    const result = await loadEmbedPage({}, csp);
    expect(result.messages?.[0]?.status).to.equal('error');
    expect(result.views?.[0]?.errorText).to.match(/worker could not start/);
  });
});
