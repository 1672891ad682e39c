/**
 * Saves the conversation under the host's `storage-key`: at once when a
 * reply starts or ends and when the page goes away or is hidden (`pagehide`,
 * so a reply cut off by a reload is stored as far as it went, and
 * `visibilitychange`, the last event a phone may give a page before it is
 * discarded), and periodically while a reply streams.
 *
 * A save is O(conversation): `JSON.stringify` and `localStorage.setItem` of
 * all of it, on the main thread (about 25 ms for 1.6 M characters here). The
 * periodic saves are therefore spaced by their own cost, at least
 * `THROTTLE_MS` apart and far enough apart that they take at most
 * `SAVE_SHARE` of the main thread, however long the conversation grows.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage } from '../../shared/chat-message.js';
import { clearConversation, saveConversation } from '../conversation-store.js';

/** Shortest wait between two periodic saves. */
export const THROTTLE_MS = 500;

/** Share of the main thread that periodic saves may take while a reply streams. */
export const SAVE_SHARE = 0.02;

/** The wait before the next periodic save, after one that took `costMs`. */
function saveInterval(costMs: number): number {
  return Math.max(THROTTLE_MS, costMs / SAVE_SHARE);
}

export class PersistenceController implements ReactiveController {
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** How long the last save took, in ms. */
  #costMs = 0;

  constructor(
    host: ReactiveControllerHost,
    /** The storage key; `''`: nothing is stored. */
    private readonly key: () => string,
    private readonly messages: () => readonly ChatMessage[],
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    addEventListener('pagehide', this.saveNow);
    document.addEventListener('visibilitychange', this.#onVisibility);
  }

  hostDisconnected(): void {
    this.saveNow();
    removeEventListener('pagehide', this.saveNow);
    document.removeEventListener('visibilitychange', this.#onVisibility);
  }

  /** Saves within `saveInterval` of the last save's cost, once however often it is called meanwhile. */
  saveSoon(): void {
    if (!this.key() || this.#timer) return;
    this.#timer = setTimeout(this.saveNow, saveInterval(this.#costMs));
  }

  readonly saveNow = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const key = this.key();
    if (!key) return;
    const started = performance.now();
    saveConversation(key, this.messages());
    this.#costMs = performance.now() - started;
  };

  readonly #onVisibility = (): void => {
    // Only with a save pending: nothing changed since the last one otherwise.
    if (document.visibilityState === 'hidden' && this.#timer) this.saveNow();
  };

  /** Forgets the stored conversation. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const key = this.key();
    if (key) clearConversation(key);
  }
}
