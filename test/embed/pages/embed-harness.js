// Runs on the embedding page (its own origin, CSP from the response header)
// and posts what it saw to the test in the parent frame. No inline script:
// the strict pages allow scripts from 'self' and the bundle origin only.
//
// Query parameters:
//   elements=N   how many <vllm-chat> to add (default 1)
//   copies=2     also import a second copy of the module (`vllm-chat.js?v=2`)
//   twice=1      import the same URL twice
//   prompt=…     sent by every element (default: a Python code answer)
//   noDiagrams=1 the elements carry `no-diagrams`
//   diagrams=1   after the replies, wait until every mermaid block was drawn or given up
//   attach=1     every element sends a 1×1 PNG with its prompt; the report says whether its thumbnail loaded

/** @typedef {{ status: string, content: string, error?: { message: string } }} Message */
export {};

const params = new URL(location.href).searchParams;
const bundle = document.documentElement.dataset.bundle ?? '';
const api = document.documentElement.dataset.api ?? '';

/** CSP violations reported to this document (the worker's own are not: they fire on its global). */
const violations = /** @type {string[]} */ ([]);
document.addEventListener('securitypolicyviolation', event => {
  violations.push(`${event.effectiveDirective} ${event.blockedURI}`);
});

// Counts workers the page starts: wrapped before the module is imported.
let workersStarted = 0;
const PageWorker = window.Worker;
window.Worker = class extends PageWorker {
  /** @param {ConstructorParameters<typeof Worker>} args */
  constructor(...args) {
    super(...args);
    workersStarted++;
  }
};

/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** @param {Element} element */
function inspect(element) {
  const root = element.shadowRoot;
  const blocks = [...(root?.querySelectorAll('[part~="code-block"]') ?? [])];
  const first = blocks[0];
  const colours = new Set(
    [...(first?.querySelectorAll('span') ?? [])]
      .filter(span => span.textContent?.trim())
      .map(span => getComputedStyle(span).color),
  );
  return {
    codeBlocks: blocks.length,
    codeText: first?.textContent ?? '',
    tokenColours: colours.size,
    errorText: root?.querySelector('[part~="error"]')?.textContent?.trim() ?? '',
    // The attached image's thumbnail: `[src scheme, loaded width]`, when there is one.
    thumbnail: (() => {
      const img = /** @type {HTMLImageElement | null | undefined} */ (root?.querySelector('img[part~="attachment"]'));
      return img ? [new URL(img.src).protocol, img.naturalWidth] : null;
    })(),
    // `[display, TeX]` of each formula, and whether the browser laid it out as MathML.
    math: [...(root?.querySelectorAll('math') ?? [])].map(m => [
      m.getAttribute('display') === 'block',
      m.querySelector('annotation')?.textContent ?? '',
      m.namespaceURI === 'http://www.w3.org/1998/Math/MathML' && m.getBoundingClientRect().height > 0,
    ]),
    // What became of each mermaid block (`drawn`, `failed`…), and each drawn diagram's image size.
    diagramNotes: [...(root?.querySelectorAll('.diagram-note') ?? [])].map(note => note.textContent ?? ''),
    diagramStates: [...(root?.querySelectorAll('.code-block[data-lang="mermaid"]') ?? [])].map(b => b.getAttribute('data-diagram') ?? 'code'),
    diagramImages: [...(root?.querySelectorAll('[part~="diagram"] img') ?? [])].map(img =>
      img instanceof HTMLImageElement ? [img.naturalWidth, img.naturalHeight] : [0, 0],
    ),
    // Nodes of each drawn diagram, counted in the SVG text of its `data:` URL
    // (read as text: parsing it would need an HTML sink, which Trusted Types refuses).
    diagramNodes: [...(root?.querySelectorAll('[part~="diagram"] img') ?? [])].map(img => {
      const src = img instanceof HTMLImageElement ? img.src : '';
      const svg = src.startsWith('data:image/svg+xml') ? decodeURIComponent(src.slice(src.indexOf(',') + 1)) : '';
      return svg.match(/<g\b[^>]*\bclass="[^"]*\bnode\b/g)?.length ?? 0;
    }),
  };
}

/** Waits (up to 50 s) until no mermaid block of `elements` is still waiting to be drawn, then for its image. */
async function diagramsSettled(/** @type {Element[]} */ elements) {
  const pending = () =>
    elements.some(el =>
      [...(el.shadowRoot?.querySelectorAll('.code-block[data-lang="mermaid"]') ?? [])].some(
        b => b.getAttribute('data-diagram') === '' || b.getAttribute('data-diagram') === 'queued',
      ),
    );
  for (const start = Date.now(); pending() && Date.now() - start < 50_000; ) await new Promise(resolve => setTimeout(resolve, 50));
  const images = elements.flatMap(el => [...(el.shadowRoot?.querySelectorAll('[part~="diagram"] img') ?? [])]);
  await Promise.all(images.map(img => (img instanceof HTMLImageElement ? img.decode().catch(() => undefined) : undefined)));
  // A refused image is taken away by its `error` event, which may come after
  // decode() has failed: wait until each image shows or is gone.
  const settled = () => images.every(img => !img.isConnected || (img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0));
  for (const start = Date.now(); !settled() && Date.now() - start < 5_000; ) await new Promise(resolve => setTimeout(resolve, 50));
}

async function scenario() {
  const copies = [`${bundle}/vllm-chat.js`];
  if (params.get('twice')) copies.push(`${bundle}/vllm-chat.js`);
  if (params.get('copies') === '2') copies.push(`${bundle}/vllm-chat.js?v=2`);
  try {
    for (const url of copies) await import(url);
  } catch (error) {
    return { importError: String(error) };
  }
  const count = Number(params.get('elements') ?? 1);
  const prompt = params.get('prompt') ?? '写一个 Python 函数 [mock lines=20 lang=py]';
  const elements = Array.from({ length: count }, () => {
    const element = document.createElement('vllm-chat');
    element.setAttribute('endpoint', api);
    element.setAttribute('model', 'MyCoder');
    if (params.get('noDiagrams')) element.setAttribute('no-diagrams', '');
    return document.body.appendChild(element);
  });
  const options = params.get('attach') ? { attachments: [new Blob([Uint8Array.from(atob(PNG), c => c.charCodeAt(0))], { type: 'image/png' })] } : {};
  const messages = /** @type {Message[]} */ (
    await Promise.all(
      elements.map(element =>
        /** @type {{ send(text: string, options: object): Promise<Message> }} */ (/** @type {unknown} */ (element)).send(prompt, options),
      ),
    )
  );
  if (params.get('attach')) {
    // `complete` turns true once the thumbnail loaded or was refused (CSP); its width tells which.
    const images = elements.map(element => element.shadowRoot?.querySelector('img[part~="attachment"]'));
    for (let frames = 0; frames < 120 && images.some(img => img instanceof HTMLImageElement && !img.complete); frames++) {
      await new Promise(resolve => requestAnimationFrame(() => resolve(undefined)));
    }
  }
  // One frame for the last patch to be painted.
  await new Promise(resolve => requestAnimationFrame(() => resolve(undefined)));
  if (params.get('diagrams')) await diagramsSettled(elements);
  return {
    defined: customElements.get('vllm-chat') !== undefined,
    messages: messages.map(m => ({ status: m.status, content: m.content, error: m.error?.message })),
    views: elements.map(inspect),
    // The diagram frame's page, fetched from the bundle origin (the frame fetches Mermaid itself).
    diagramChunks: performance.getEntriesByType('resource').filter(e => /\/chunks\/diagram-frame-/.test(e.name)).length,
  };
}

/** @param {unknown} error */
const failure = error => ({ harnessError: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
scenario()
  .catch(failure)
  .then(result => {
    parent.postMessage({ source: 'vllm-chat-embed', ...result, violations, workersStarted }, '*');
  });
