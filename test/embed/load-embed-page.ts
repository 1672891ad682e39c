/**
 * Opens `test/embed/pages/embed.html` on the page origin in an iframe, under
 * the Content-Security-Policy given, and resolves with what its harness
 * reported (see pages/embed-harness.js). The page imports the built bundle
 * from the bundle origin and talks to the API origin: three origins.
 */

/** What the embedding page saw. */
export interface EmbedResult {
  importError?: string;
  harnessError?: string;
  defined?: boolean;
  messages?: { status: string; content: string; error?: string }[];
  views?: {
    codeBlocks: number;
    codeText: string;
    tokenColours: number;
    errorText: string;
    math: [boolean, string, boolean][];
    /** An attached image's thumbnail: its `src` scheme and loaded width (0: blocked), or null. */
    thumbnail: [string, number] | null;
    diagramNotes: string[];
    diagramStates: string[];
    diagramImages: [number, number][];
    /** Nodes (`<g class="node …">`) in each drawn diagram's SVG. */
    diagramNodes: number[];
  }[];
  /** `effectiveDirective blockedURI` of each CSP violation on the page's document. */
  violations: string[];
  /** Fetches of the diagram frame's page. */
  diagramChunks?: number;
  /** `new Worker()` calls on the page. */
  workersStarted: number;
}

interface EmbedServers {
  bundleOrigin: string;
  pageOrigin: string;
  crossOrigin: string;
}

/** The origins the test runner started (web-test-runner.config.js). */
export const servers = (globalThis as unknown as { testServers: EmbedServers }).testServers;

/** The origin of the API, as a CSP source. */
export const apiOrigin = new URL(servers.crossOrigin).origin;

/**
 * @param query harness options (`elements`, `copies`, `twice`, `prompt`)
 * @param csp the page's policy; `%BUNDLE%` and `%API%` are filled in by the page server
 */
export function loadEmbedPage(query: Record<string, string>, csp?: string, timeoutMs = 15_000): Promise<EmbedResult> {
  const url = new URL('/embed.html', servers.pageOrigin);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  if (csp) url.searchParams.set('csp', csp);
  const frame = document.createElement('iframe');
  frame.src = url.href;
  return new Promise<EmbedResult>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${url.pathname}${url.search}: no report in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (event: MessageEvent): void => {
      if (event.source !== frame.contentWindow) return;
      const data = event.data as { source?: string } | null;
      if (data?.source === 'vllm-chat-embed') finish(undefined, data as unknown as EmbedResult);
    };
    function finish(error?: Error, result?: EmbedResult): void {
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      frame.remove();
      if (error) reject(error);
      else resolve(result as EmbedResult);
    }
    window.addEventListener('message', onMessage);
    document.body.append(frame);
  });
}

/**
 * A strict site policy (no 'unsafe-inline', 'unsafe-eval' or
 * 'wasm-unsafe-eval') plus what the README says the element needs from it:
 * the bundle origin in script-src and worker-src, blob: in worker-src, the API
 * origin in connect-src.
 */
export const strictCsp = [
  "default-src 'self'",
  "script-src 'self' %BUNDLE%",
  "worker-src 'self' blob: %BUNDLE%",
  `connect-src ${apiOrigin}`,
  "style-src 'self'",
].join('; ');

/** `strictCsp` with Trusted Types enforced and only the `vllm-chat` policy allowed. */
export const trustedTypesCsp = `${strictCsp}; require-trusted-types-for 'script'; trusted-types vllm-chat`;

/**
 * What diagrams add to a strict policy (README, Deploy): the bundle origin in
 * `frame-src` (the sandboxed frame Mermaid runs in) and `data:` in `img-src`
 * (the drawn SVG is shown as an image of a `data:` URL).
 */
export const diagramsCsp = `${trustedTypesCsp}; frame-src %BUNDLE%; img-src 'self' data:`;
