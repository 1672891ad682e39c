/**
 * Saves the conversation under the host's `storage-key`: when the page is
 * next idle after a reply starts (its request goes out first), at once when
 * it ends and when the page goes away or is hidden (`pagehide`,
 * so a reply cut off by a reload is stored as far as it went, and
 * `visibilitychange`, the last event a phone may give a page before it is
 * discarded), and periodically while a reply streams.
 *
 * A save writes only the messages that changed (conversation-store.ts), and
 * nothing when none did, so hiding an unchanged page writes nothing. While a
 * reply streams that is the growing reply, written whole each time: the
 * periodic saves are therefore still spaced by their own cost, at least
 * `THROTTLE_MS` apart and far enough apart that they take at most
 * `SAVE_SHARE` of the main thread, however long the reply grows.
 *
 * What went wrong with storage is told once, as `notice`: stored data that
 * could not be read (and where it was kept), or a save that storage refused.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ConversationStore } from '../conversation-store.js';
import type { AttachmentData } from '../conversation-store.js';
import { ConversationTree } from '../conversation-tree.js';
import { whenIdle } from '../when-idle.js';

/** Shortest wait between two periodic saves. */
export const THROTTLE_MS = 500;

/** Share of the main thread that periodic saves may take while a reply streams. */
export const SAVE_SHARE = 0.02;

/** The wait before the next periodic save, after one that took `costMs`. */
function saveInterval(costMs: number): number {
  return Math.max(THROTTLE_MS, costMs / SAVE_SHARE);
}

/** A storage problem the user is told about. */
export type StorageNotice =
  /** The data under `key` could not be read; it was moved to `asideKey`, or left in place (no `asideKey`). */
  | { kind: 'unreadable'; key: string; asideKey?: string }
  /** A save failed (storage full or refused); the last saved copy is intact. */
  | { kind: 'save-failed' };

export class PersistenceController implements ReactiveController {
  /** Cancels the pending save (periodic or idle), if there is one. */
  #pending: (() => void) | undefined;
  /** How long the last save took, in ms. */
  #costMs = 0;
  #store: ConversationStore | undefined;
  #notice: StorageNotice | undefined;
  /** A failed save is told once per element. */
  #toldSaveFailed = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The storage key; `''`: nothing is stored. */
    private readonly key: () => string,
    /** The conversation, every branch of it. */
    private readonly tree: () => ConversationTree,
    /** The messages' file contents, stored beside them while storage has room. */
    private readonly files?: AttachmentData,
  ) {
    host.addController(this);
  }

  /** What to tell the user about storage, until dismissed. */
  get notice(): StorageNotice | undefined {
    return this.#notice;
  }

  dismissNotice(): void {
    this.#notice = undefined;
    this.host.requestUpdate();
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

  /**
   * Reads the conversation stored under the key (migrated if older) in steps,
   * one per message record (conversation-store.ts `read`); tells the user
   * when it could not be read.
   */
  *read(): Generator<void, ConversationTree> {
    const store = this.#storeFor(this.key());
    if (!store) return new ConversationTree();
    const { tree, unreadable } = yield* store.read();
    if (unreadable) {
      this.#notice = { kind: 'unreadable', key: store.key, ...(unreadable.asideKey ? { asideKey: unreadable.asideKey } : {}) };
      this.host.requestUpdate();
    }
    return tree;
  }

  /**
   * Saves when the page is next idle (at the latest after `THROTTLE_MS`):
   * a reply's start does not wait for storage before its request goes out.
   * A save already pending (idle or periodic) covers it.
   */
  saveIdle(): void {
    if (!this.key() || this.#pending) return;
    this.#pending = whenIdle(this.saveNow, THROTTLE_MS);
  }

  /** Saves within `saveInterval` of the last save's cost, once however often it is called meanwhile. */
  saveSoon(): void {
    if (!this.key() || this.#pending) return;
    const timer = setTimeout(this.saveNow, saveInterval(this.#costMs));
    this.#pending = () => clearTimeout(timer);
  }

  readonly saveNow = (): void => {
    this.#cancel();
    this.#saveTo(this.#storeFor(this.key()));
  };

  /** Saves the conversation in `store`; a failure is told once. */
  #saveTo(store: ConversationStore | undefined): void {
    if (!store) return;
    const started = performance.now();
    const result = store.save(this.tree());
    if (result === 'unchanged') return;
    this.#costMs = performance.now() - started;
    if (result === 'failed' && !this.#toldSaveFailed) {
      this.#toldSaveFailed = true;
      this.#notice = { kind: 'save-failed' };
      this.host.requestUpdate();
    }
  }

  readonly #onVisibility = (): void => {
    if (document.visibilityState === 'hidden') this.saveNow();
  };

  /** Forgets the stored conversation. */
  clear(): void {
    this.#cancel();
    this.#storeFor(this.key())?.clear();
  }

  /**
   * Stores the conversation in place of whatever the key held (an import, a
   * user's action: unreadable data left under the key gives way, as for
   * `clear()`). Saved first, so a save that fails leaves the previous state.
   */
  replace(): void {
    const store = this.#storeFor(this.key());
    if (store?.blocked) store.clear();
    this.saveNow();
  }

  /**
   * The key changed from `previous`: the conversation is saved under
   * `previous` one last time (a save pending was meant for it, and a change
   * since the last save would otherwise go to the new key).
   */
  keyChanged(previous: string): void {
    this.#cancel();
    this.#saveTo(this.#storeFor(previous));
  }

  /** Something is stored under the current key. */
  get holdsConversation(): boolean {
    return this.#storeFor(this.key())?.stored ?? false;
  }

  /** Drops the pending save, if any. */
  #cancel(): void {
    this.#pending?.();
    this.#pending = undefined;
  }

  /** The store of `key`; a new key starts a new store (everything is written there on the next save). */
  #storeFor(key: string): ConversationStore | undefined {
    if (!key) return undefined;
    if (this.#store?.key !== key) this.#store = new ConversationStore(key, undefined, this.files);
    return this.#store;
  }
}
