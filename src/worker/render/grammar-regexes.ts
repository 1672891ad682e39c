/**
 * Grammar regexes converted at build time (scripts/grammar-regexes.js).
 *
 * Shiki's JavaScript engine converts each Oniguruma pattern of a grammar to
 * a JavaScript RegExp the first time a rule needs it; most of what the first
 * lines of a block in a new language cost is that conversion, paid in the
 * worker between two tokens. The published bundle's grammar files carry the
 * converted regexes, registered here as each file loads; the engine's
 * constructor then only builds the RegExp. A pattern without an entry (the
 * sources run in development, a back-reference resolved against a line,
 * a browser that cannot read the converted syntax) is converted here as
 * Shiki converts it.
 */
import { EmulatedRegExp } from 'oniguruma-to-es';
import { defaultJavaScriptRegexConstructor } from 'shiki/engine/javascript';

/** The options `toRegExpDetails` gives a pattern that needs an `EmulatedRegExp`. */
interface EmulationOptions {
  hiddenCaptures?: number[];
  lazyCompile?: boolean;
  strategy?: string | null;
  transfers?: [number, number[]][];
}

/** `[source, flags]`, or with the options of an `EmulatedRegExp`. */
export type ConvertedRegex = [source: string, flags: string, options?: EmulationOptions];

/** Scanner string → its conversion, until the engine asks for it (it caches what it built). */
const converted = new Map<string, ConvertedRegex>();

/** How many regexes came from the table and how many were converted here, for tests. */
export const grammarRegexStats = { converted: 0, fromTable: 0 };

/** Registers the converted regexes a grammar file carries (none: nothing to do). */
export function addGrammarRegexes(table: unknown): void {
  if (!table || typeof table !== 'object') return;
  for (const [pattern, entry] of Object.entries(table as Record<string, unknown>)) {
    if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string') {
      converted.set(pattern, entry as ConvertedRegex);
    }
  }
}

/** The engine's `regexConstructor`: the build's conversion when there is one, else Shiki's. */
export function grammarRegex(pattern: string): RegExp {
  const entry = converted.get(pattern);
  if (entry) {
    converted.delete(pattern);
    try {
      const [source, flags, options] = entry;
      const regex = options ? new EmulatedRegExp(source, flags, options) : new RegExp(source, flags);
      grammarRegexStats.fromTable++;
      return regex;
    } catch {
      // Syntax this browser cannot read: convert for its own target below.
    }
  }
  grammarRegexStats.converted++;
  return defaultJavaScriptRegexConstructor(pattern);
}
