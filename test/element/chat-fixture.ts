/**
 * Shared steps of the `<vllm-chat>` browser tests: mount an element, reach
 * into its shadow root by part, read what the embedded server received.
 */
import '../../src/vllm-chat.js';
import type { VllmChat } from '../../src/element/vllm-chat.js';
import { workerReady } from '../../src/element/worker-client.js';

/** What `globalThis.testServers` holds (set by web-test-runner.config.js). */
export interface TestServers {
  crossOrigin: string;
  keyed: string;
  keyedApiKey: string;
  multiModel: string;
}

export const servers = (globalThis as unknown as { testServers: TestServers }).testServers;

const mounted: HTMLElement[] = [];

/** A connected `<vllm-chat>` with `attributes`, rendered. */
export async function mount(attributes: Record<string, string> = {}, parent: HTMLElement = document.body): Promise<VllmChat> {
  const el = document.createElement('vllm-chat');
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  parent.append(el);
  mounted.push(el);
  await el.updateComplete;
  return el;
}

/** Removes every element `mount` added (call in `afterEach`). */
export function unmountAll(): void {
  for (const el of mounted.splice(0)) el.remove();
}

/** Elements of the shadow root carrying `part`. */
export function parts(el: VllmChat, part: string): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${part}"]`)];
}

/** The one element with `part`; fails the test when there is none. */
export function part(el: VllmChat, name: string): HTMLElement {
  const found = parts(el, name)[0];
  if (!found) throw new Error(`no [part~="${name}"] in the shadow root`);
  return found;
}

/** Polls `check` each frame until it is truthy. */
export async function waitFor<T>(check: () => T, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const start = performance.now();
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => requestAnimationFrame(r));
  }
}

/** One request the embedded server recorded. */
export interface LoggedRequest {
  id: number;
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  aborted: boolean;
}

/** An endpoint → its server's request log (the cross-origin server's by default: it keeps one). */
function logUrl(endpoint = servers.crossOrigin): string {
  return new URL('../__mock/requests', new URL(endpoint.replace(/\/?$/, '/'), location.href)).href;
}

export async function requests(endpoint?: string): Promise<LoggedRequest[]> {
  const response = await fetch(logUrl(endpoint));
  return (await response.json()) as LoggedRequest[];
}

export async function clearRequests(endpoint?: string): Promise<void> {
  await fetch(logUrl(endpoint), { method: 'DELETE' });
}

/** The body of the last `POST …/chat/completions` the server saw. */
export async function lastChatBody(endpoint?: string): Promise<Record<string, unknown>> {
  const log = await requests(endpoint);
  const last = log.filter(r => r.path.endsWith('/chat/completions')).at(-1);
  if (!last) throw new Error('the server saw no chat completion request');
  return last.body as Record<string, unknown>;
}

/** Makes the Clipboard API refuse, so the textarea fallback runs, and captures what it copied. */
export function catchFallbackCopy(): { text: Promise<string>; restore(): void } {
  const clipboard = navigator.clipboard;
  const original = clipboard.writeText;
  clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  let resolve!: (text: string) => void;
  const text = new Promise<string>(r => (resolve = r));
  const onCopy = (event: Event) => {
    const area = event.composedPath()[0];
    if (area instanceof HTMLTextAreaElement) resolve(area.value.slice(area.selectionStart, area.selectionEnd));
  };
  document.addEventListener('copy', onCopy, true);
  return {
    text,
    restore() {
      clipboard.writeText = original;
      document.removeEventListener('copy', onCopy, true);
    },
  };
}

/**
 * Runs `act` with downloads caught: each Blob given a `blob:` URL and each
 * anchor click (name and URL) is recorded instead of saving a file.
 */
export function catchDownloads(act: () => void): { made: Blob[]; clicked: { name: string; href: string }[] } {
  const made: Blob[] = [];
  const clicked: { name: string; href: string }[] = [];
  const create = URL.createObjectURL;
  const click = HTMLAnchorElement.prototype.click;
  URL.createObjectURL = (blob: Blob | MediaSource) => {
    made.push(blob as Blob);
    return create.call(URL, blob);
  };
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    clicked.push({ name: this.download, href: this.href });
  };
  try {
    act();
  } finally {
    URL.createObjectURL = create;
    HTMLAnchorElement.prototype.click = click;
  }
  return { made, clicked };
}

/** Removes every localStorage key that starts with `prefix`. */
export function removeAll(prefix: string): void {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const name = localStorage.key(i)!;
    if (name.startsWith(prefix)) localStorage.removeItem(name);
  }
}

/**
 * Until the worker runs: its first start loads the whole worker graph from
 * the dev server, which on a loaded machine may exceed the start timeout
 * (each call then starts another).
 */
export async function workerRunning(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await workerReady();
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** The test server's hold on Shiki's grammar and theme modules (web-test-runner.config.js). */
export async function holdShiki(query = ''): Promise<{ held: number; seen: number }> {
  return (await (await fetch(`/__hold/shiki${query}`, { cache: 'no-store' })).json()) as { held: number; seen: number };
}
