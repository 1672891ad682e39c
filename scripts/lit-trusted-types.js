// Build helper: makes the bundled Lit create its template HTML through the
// `vllm-chat` Trusted Types policy instead of creating its own `lit-html`
// policy.
//
// Why: Lit calls `trustedTypes.createPolicy('lit-html', …)` when its module
// is evaluated. On a page with `trusted-types vllm-chat` that call throws and
// the whole bundle fails to load; and a second copy of the bundle on the page
// (`vllm-chat.js?v=2`) throws "already exists" unless the site also allows
// `'allow-duplicates'`. Sharing our one policy (itself shared by every copy
// through `globalThis`) keeps the site's line at exactly
// `trusted-types vllm-chat`. Lit only passes its own developer-authored
// template strings through this policy (see lit-html's comment at the call),
// never data, so the audit surface does not grow.
//
// The rewrite is checked: if a Lit upgrade changes the call, the build fails
// instead of silently shipping a bundle that breaks under Trusted Types.
import { fileURLToPath } from 'node:url';

const policyModule = fileURLToPath(new URL('../src/shared/trusted-types.ts', import.meta.url));
const litHtmlFile = /[\\/]lit-html[\\/](?:development[\\/])?lit-html\.js$/;
// `trustedTypes.createPolicy('lit-html', { createHTML: (s) => s, })` in the
// development build, `s.createPolicy("lit-html",{createHTML:t=>t})` minified.
const createPolicyCall = /\b[\w$]+\.createPolicy\(\s*(["'])lit-html\1\s*,\s*\{[^{}]*\}\s*\)/;

/** @returns {import('vite').Plugin} */
export function litTrustedTypes() {
  return {
    name: 'vllm-chat:lit-trusted-types',
    transform: {
      filter: { id: litHtmlFile },
      handler(code, id) {
        if (!litHtmlFile.test(id)) return null;
        if (!createPolicyCall.test(code)) {
          this.error(`lit-trusted-types: no createPolicy('lit-html') call found in ${id}; update scripts/lit-trusted-types.js.`);
        }
        const rewritten = code.replace(createPolicyCall, '__vllmChatTrustedTypesPolicy()');
        return {
          code: `import { trustedTypesPolicy as __vllmChatTrustedTypesPolicy } from ${JSON.stringify(policyModule)};\n${rewritten}`,
          map: null,
        };
      },
    },
  };
}
