/**
 * The file name a downloaded code block gets: `code.<ext>` with the usual
 * extension of the fence's language, `code.txt` when it has none we know.
 */

import { fileExtensions as extensions } from '../../shared/file-extensions.js';

/** `code.py` for `python`; `code.txt` for an empty or unknown word. */
export function codeFileName(lang: string): string {
  const ext = Object.hasOwn(extensions, lang.toLowerCase()) ? extensions[lang.toLowerCase()] : undefined;
  return `code.${ext ?? 'txt'}`;
}
