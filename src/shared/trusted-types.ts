/**
 * The one Trusted Types policy of vllm-chat, named `vllm-chat`, shared by every
 * copy of the module on the page (a second `createPolicy` with the same name
 * throws). Sites allow it with `trusted-types vllm-chat`.
 *
 * `createHTML` passes markup through unchanged: its callers are the single
 * module that inserts worker-made markup (built from escaped text only) and
 * the bundled Lit's own templates. `createScriptURL` accepts only the worker
 * modules (the chat worker and its network thread) and their same-origin
 * blob bootstraps. Keeping them behind one named
 * policy is what lets a site audit exactly where HTML and script URLs come
 * from.
 */
interface VllmChatPolicy {
  createHTML(html: string): string;
  createScriptURL(url: string): string;
}

interface TrustedTypesFactory {
  createPolicy(
    name: string,
    rules: { createHTML(s: string): string; createScriptURL(s: string): string },
  ): VllmChatPolicy;
}

const key = Symbol.for('vllm-chat.trusted-types-policy');
const trustedKey = Symbol.for('vllm-chat.worker-urls');
type Holder = { [key]?: VllmChatPolicy; [trustedKey]?: Set<string> };

/**
 * Adds the URL of one of vllm-chat's own worker modules as the page module
 * resolved it: an app's bundler may rename the file (webpack: a bare hash),
 * so its name alone cannot tell it apart. Shared by every copy of the module.
 */
export function trustWorkerUrl(url: string): void {
  const holder = globalThis as Holder;
  (holder[trustedKey] ??= new Set()).add(new URL(url, globalThis.location?.href).href);
}

/**
 * The only script URLs vllm-chat starts: its worker modules, chat.worker and
 * network.worker (the `.ts` source under the dev server, the hashed chunk in
 * `dist/`, or whatever name an app's bundler gave that file: `trustWorkerUrl`), or a same-origin `blob:` bootstrap that imports one. Anything else is refused, so the shared
 * policy cannot be used to launder an arbitrary script URL.
 */
function workerScriptUrl(url: string): string {
  const parsed = new URL(url, globalThis.location?.href);
  const isBootstrap = parsed.protocol === 'blob:' && url.startsWith(`blob:${globalThis.location?.origin}/`);
  const isWorkerModule =
    /\/(?:chat|network)\.worker(?:-[\w-]+)?\.(?:js|ts)$/.test(parsed.pathname) ||
    ((globalThis as Holder)[trustedKey]?.has(parsed.href) ?? false);
  if (!isBootstrap && !isWorkerModule) throw new TypeError(`vllm-chat policy: refused script URL ${url}`);
  return url;
}

const passthrough: VllmChatPolicy = { createHTML: s => s, createScriptURL: workerScriptUrl };

/** The shared policy, created on first use; a pass-through where Trusted Types do not exist. */
export function trustedTypesPolicy(): VllmChatPolicy {
  const holder = globalThis as Holder;
  const existing = holder[key];
  if (existing) return existing;
  const factory = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;
  const policy = factory
    ? factory.createPolicy('vllm-chat', { createHTML: s => s, createScriptURL: workerScriptUrl })
    : passthrough;
  holder[key] = policy;
  return policy;
}
