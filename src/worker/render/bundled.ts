/**
 * Shiki's lazy grammar and theme tables, as the worker's sources use them:
 * one `() => import('@shikijs/…/<id>')` per language and theme. The published
 * bundle replaces this module (scripts/worker-assets.js) with loaders of the
 * same shape that import self-contained files by the URLs the page sent
 * (../assets.ts), so the worker needs no bundler to split it.
 */
export { bundledLanguages, bundledLanguagesAlias } from 'shiki/langs';
export { bundledThemes } from 'shiki/themes';
