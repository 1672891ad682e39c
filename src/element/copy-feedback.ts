/**
 * Copies text for a button and shows the outcome on the button itself
 * ("Copied" / "Copy failed") for a moment, then restores its label.
 */
import { copyText } from './copy-text.js';

const SHOWN_MS = 1500;

/** Resolves `true` when the text reached the clipboard. A button already showing an outcome is left alone. */
export async function copyWithFeedback(
  text: string,
  button: HTMLButtonElement,
  root: ShadowRoot,
  labels: { copied: string; copyFailed: string },
): Promise<boolean> {
  if (button.dataset.copied) return false;
  const ok = await copyText(text, root);
  const label = [...button.childNodes];
  button.dataset.copied = String(ok);
  button.textContent = ok ? labels.copied : labels.copyFailed;
  setTimeout(() => {
    delete button.dataset.copied;
    button.replaceChildren(...label);
  }, SHOWN_MS);
  return ok;
}
