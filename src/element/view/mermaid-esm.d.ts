/**
 * Mermaid's own pre-bundled ES build: the same API as `mermaid`, with its
 * dependencies already bundled as plain ES modules (the package's main entry
 * imports CommonJS dependencies that only a bundler can load).
 */
declare module 'mermaid/dist/mermaid.esm.min.mjs' {
  import mermaid from 'mermaid';

  export default mermaid;
}
