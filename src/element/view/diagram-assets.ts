/**
 * Where the diagram frame's page and the Mermaid script it loads are, as URLs
 * resolved by the page module.
 *
 * This is the sources' version: the frame page next to this file and
 * Mermaid's classic (IIFE) build from node_modules. The published bundle
 * replaces this module (scripts/diagram-assets.js) with
 * `new URL('./chunks/<file>', import.meta.url)` literals, the form that Vite,
 * webpack and Rollup's import-meta-assets plugin copy into an app's output,
 * as for the worker's files (scripts/worker-assets.js). Neither file is
 * fetched until the first diagram.
 */
export interface DiagramAssets {
  /** The frame's HTML page (diagram-frame.html). */
  frame: string;
  /** Mermaid's classic script, which the frame loads (a classic script needs no CORS from an opaque origin). */
  script: string;
}

export function diagramAssets(): DiagramAssets {
  return {
    frame: new URL('./diagram-frame.html', import.meta.url).href,
    script: new URL('../../../node_modules/mermaid/dist/mermaid.min.js', import.meta.url).href,
  };
}
