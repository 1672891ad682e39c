/**
 * Puts text on the clipboard: the async Clipboard API where the page may use
 * it, else the legacy `execCommand('copy')` on a hidden textarea (insecure
 * origins, iframes without `clipboard-write`, older browsers).
 */

/** Copies `text`; resolves `true` when one of the two ways succeeded. */
export async function copyText(text: string, host: ShadowRoot | HTMLElement): Promise<boolean> {
  try {
    if (navigator.clipboard && globalThis.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied or no user activation: fall back below.
  }
  return copyWithTextarea(text, host);
}

/** The fallback; exported so that it can be exercised on its own. */
export function copyWithTextarea(text: string, host: ShadowRoot | HTMLElement): boolean {
  const root = host.ownerDocument ?? document;
  const area = root.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.setAttribute('aria-hidden', 'true');
  area.tabIndex = -1;
  // CSSOM, not a style attribute: strict `style-src` policies allow it.
  area.style.position = 'fixed';
  area.style.top = '0';
  area.style.left = '0';
  area.style.opacity = '0';
  area.style.pointerEvents = 'none';
  const focused = host instanceof ShadowRoot ? host.activeElement : root.activeElement;
  host.appendChild(area);
  // `execCommand('copy')` copies the focused selection: focus, not only select.
  area.focus({ preventScroll: true });
  area.select();
  let ok: boolean;
  try {
    ok = root.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  if (focused instanceof HTMLElement) focused.focus();
  return ok;
}
