/**
 * Readies the highlighter before the first reply: the Shiki core, the
 * theme, and the grammars most answers use, each loaded and compiled. The
 * element asks for it once the page is idle after it connects
 * (worker-client.ts), so a first reply's code is coloured from its first
 * line; a reply that comes sooner shows its code plain while what it needs
 * loads (section-renderer.ts), so none of this is needed for correctness.
 */
import { loadFenceLanguage, loadTheme, warmLanguage } from './highlight.js';

/** Fence words of the grammars compiled ahead of any reply: the languages answers use most. */
export const WARM_LANGUAGES: readonly string[] = ['ts', 'js', 'python', 'bash', 'json'];

/**
 * The grammars load in parallel (each is a chunk to fetch); they compile one
 * per task, so a reply that starts meanwhile waits for one compilation at
 * most, never for all of them. While `busy()` (a reply streams) no grammar
 * is loaded or compiled: that reply loads what it needs itself, and warming
 * the others would only compete with its first tokens.
 */
export async function warmUp(theme: string, busy: () => boolean = () => false): Promise<void> {
  await loadTheme(theme);
  if (busy()) return;
  await Promise.all(WARM_LANGUAGES.map(word => loadFenceLanguage(word).catch(() => null)));
  for (const word of WARM_LANGUAGES) {
    await new Promise(resolve => setTimeout(resolve, 0));
    if (busy()) return;
    await warmLanguage(word, theme).catch(() => undefined);
  }
}
