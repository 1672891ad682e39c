// `npm run manifest` writes custom-elements.json (the Custom Elements Manifest
// that IDEs, Storybook and docs tools read) from the element's class JSDoc,
// which mirrors API.md: @attr, @fires, @csspart, @cssprop.
//
// The published module is dist/vllm-chat.js, not the source file, so the
// manifest names that module and the tag it defines on import.

/** @typedef {{ kind: string, name: string }} Declaration */
/** @typedef {{ path: string, declarations?: Declaration[], exports?: { kind: string, name: string, declaration: { name: string, module?: string } }[] }} Module */

/** Publishes the element under the bundle's path; drops what the module does not export. */
function publishedModule() {
  return {
    name: 'vllm-chat:published-module',
    /** @param {{ customElementsManifest: { modules: Module[] } }} context */
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        const exported = new Set((module.exports ?? []).map(e => e.declaration.name));
        // The analyzer also lists `let` bindings of method bodies as module variables.
        module.declarations = (module.declarations ?? []).filter(d => exported.has(d.name));
        module.path = 'dist/vllm-chat.js';
        for (const e of module.exports ?? []) e.declaration.module = 'dist/vllm-chat.js';
        if (module.declarations.some(d => d.name === 'VllmChat')) {
          module.exports?.push({ kind: 'custom-element-definition', name: 'vllm-chat', declaration: { name: 'VllmChat', module: 'dist/vllm-chat.js' } });
        }
      }
    },
  };
}

export default {
  globs: ['src/element/vllm-chat.ts'],
  outdir: '.',
  litelement: true,
  dev: false,
  // package.json already names custom-elements.json; never rewrite it.
  packagejson: false,
  plugins: [publishedModule()],
};
