/**
 * The one Trusted Types policy of vllm-chat, named `vllm-chat`, shared by every
 * copy of the module on the page (a second `createPolicy` with the same name
 * throws). Sites allow it with `trusted-types vllm-chat`.
 *
 * The policy passes values through unchanged: its callers are the single module
 * that inserts worker-made markup (built from escaped text only) and the worker
 * bootstrap URL. Keeping them behind one named policy is what lets a site audit
 * exactly where HTML and script URLs come from.
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
type Holder = { [key]?: VllmChatPolicy };

const passthrough: VllmChatPolicy = { createHTML: s => s, createScriptURL: s => s };

/** The shared policy, created on first use; a pass-through where Trusted Types do not exist. */
export function trustedTypesPolicy(): VllmChatPolicy {
  const holder = globalThis as Holder;
  const existing = holder[key];
  if (existing) return existing;
  const factory = (globalThis as { trustedTypes?: TrustedTypesFactory }).trustedTypes;
  const policy = factory
    ? factory.createPolicy('vllm-chat', { createHTML: s => s, createScriptURL: s => s })
    : passthrough;
  holder[key] = policy;
  return policy;
}
