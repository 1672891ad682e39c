// Build helper shared by worker-assets.js and diagram-assets.js: a Vite
// plugin that ships files as assets and gives the page module the table of
// their URLs.
//
// The source module that stands for the table is replaced by a function
// returning a marker string; the files are emitted as assets, each named by a
// plain `new URL('./chunks/<file>', import.meta.url)`, the form Vite,
// webpack 5 and Rollup's import-meta-assets plugin copy and rewrite; and the
// marker, in the one chunk that holds it, becomes the table.
import { createHash } from 'node:crypto';

/** Vite's default `assetsInlineLimit`: smaller assets become `data:` URLs. */
export const inlineLimit = 4096;

/** A short content hash for a file name. @param {string | Buffer} data */
export const hash = data => createHash('sha256').update(data).digest('base64url').slice(0, 8).replace(/[-_]/g, 'x');

/**
 * `emit(prefix, extension, source)` emits `chunks/<prefix>-<hash>.<extension>`
 * and returns the expression of its URL for the table.
 * @typedef {(prefix: string, extension: string, source: string) => string} Emit
 */

/**
 * @param {{
 *   name: string,
 *   module: string,
 *   exportName: string,
 *   marker: string,
 *   table: (emit: Emit) => Promise<string>,
 * }} options `module` (a source path) exports `exportName()`, which returns the
 *   table: the JavaScript expression `table` builds with `emit`.
 * @returns {import('vite').Plugin}
 */
export function assetTablePlugin({ name, module, exportName, marker, table }) {
  return {
    name,
    apply: 'build',
    enforce: 'pre',
    load(id) {
      if (id === module) return `export function ${exportName}() { return ${JSON.stringify(marker)}; }\n`;
      return undefined;
    },
    async generateBundle(_options, bundle) {
      /** @type {Emit} */
      const emit = (prefix, extension, source) => {
        const fileName = `chunks/${prefix}-${hash(source)}.${extension}`;
        this.emitFile({ type: 'asset', fileName, source });
        return `new URL(${JSON.stringify(`./${fileName}`)}, import.meta.url).href`;
      };
      const assets = await table(emit);
      let replacements = 0;
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        file.code = file.code.replace(new RegExp(`(["'\`])${marker}\\1`, 'g'), () => (replacements++, assets));
      }
      if (replacements !== 1) this.error(`${name}: the asset table went into ${replacements} places, not one`);
    },
  };
}
