import { messageStyles } from '../../src/element/view/message-styles.js';

/**
 * A short scrolling `.markdown` box in a shadow root with the element's
 * message styles, as a message section is: a few lines on screen, the code
 * groups further down skipped by the browser. `host.remove()` cleans up.
 */
export function messageBox(): { host: HTMLElement; box: HTMLElement } {
  const host = document.createElement('div');
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [messageStyles.styleSheet!];
  const box = document.createElement('div');
  box.className = 'markdown';
  box.style.cssText = 'height: 200px; overflow: auto; font-size: 15px;';
  root.append(box);
  return { host, box };
}
