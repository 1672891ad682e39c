/**
 * Saves the conversation under the host's `storage-key`: at once when a
 * reply starts or ends and when the page goes away (`pagehide`, so a reply
 * cut off by a reload is stored as far as it went), and at most every 500 ms
 * while a reply streams (a save is O(conversation); tokens arrive every few ms).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatMessage } from '../chat-message.js';
import { clearConversation, saveConversation } from './conversation-store.js';

const THROTTLE_MS = 500;

export class PersistenceController implements ReactiveController {
  #timer: ReturnType<typeof setTimeout> | undefined;

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
  }

  hostDisconnected(): void {
    this.saveNow();
    removeEventListener('pagehide', this.saveNow);
  }

  /** Saves within `THROTTLE_MS`, once however often it is called meanwhile. */
  saveSoon(): void {
    if (!this.key() || this.#timer) return;
    this.#timer = setTimeout(this.saveNow, THROTTLE_MS);
  }

  readonly saveNow = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const key = this.key();
    if (key) saveConversation(key, this.messages());
  };

  /** Forgets the stored conversation. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const key = this.key();
    if (key) clearConversation(key);
  }
}
