/**
 * Keeps a conversation in `localStorage` under the element's `storage-key`,
 * without ever losing what was stored.
 *
 * Layout (version 2): `key` holds an index, `{ format: 'vllm-chat',
 * version: 2, records: [id…] }`, and each message is a record of its own
 * under `${key}#${id}`. A save writes only the messages that changed, each
 * under a new id, then the index, then removes the records it replaced: a
 * save is O(changed messages), and until the index is written the stored
 * conversation is the previous one, whole. A write that fails (quota)
 * removes what it wrote and leaves the previous state intact.
 *
 * Version 1 (`{ format: 'vllm-chat/1', messages: […] }`, one value) is read
 * and rewritten as version 2 on load. Tool calls added optional fields to a
 * record (`toolCalls`, `toolCallId`) and the role `tool`; records without
 * them read as before, so the version stayed 2.
 *
 * A user message's record may carry `attachments` (`{name, type, size}`) and,
 * beside them, `attachmentData`: each file as the request sends it (an
 * image's `data:` URL, a text file's text), `null` for one not kept. Both are
 * optional additions to the version 2 record, so older records read as they
 * are and no migration is needed. When storage refuses a save (quota), the
 * messages being written are written again without their files
 * (`AttachmentData.dropped`): the conversation is kept, the files are not.
 *
 * What comes back is validated field by field: storage is shared with the
 * rest of the origin. Data under the key that cannot be read is not
 * overwritten: it is moved aside to `${key}.unreadable-<time>` (its records
 * too, under the same suffix), or, when even that cannot be written, left
 * where it is and nothing is saved under the key until `clear()`.
 */
import type { ChatMessage } from '../shared/chat-message.js';
import { isRecord } from '../shared/is-record.js';

const FORMAT = 'vllm-chat';
const VERSION = 2;
/** The single-value shape before version 2. */
const FORMAT_V1 = 'vllm-chat/1';

const roles = new Set<unknown>(['system', 'user', 'assistant', 'tool']);
const statuses = new Set<unknown>(['streaming', 'done', 'stopped', 'error']);

/** Where a message's file contents come from and go to; the store keeps them beside the message. */
export interface AttachmentData {
  /** The contents of `message`'s files to store (`undefined` entries: not available). */
  data(message: ChatMessage): readonly (string | undefined)[] | undefined;
  /** Storage was full: `message` was stored without its files. */
  dropped(message: ChatMessage): void;
  /** `message` was read back with these contents (`undefined`: not kept). */
  restored(message: ChatMessage, data: (string | undefined)[]): void;
}

/** A stored image is only ever one of the types a request sends, as base64. */
const storedImage = /^data:image\/(?:png|jpeg|webp|gif);base64,[A-Za-z0-9+/]*={0,2}$/;

/** The files of a stored record, and what storage kept of each (`undefined`: not kept, or not believable). */
function readAttachments(value: Record<string, unknown>): { records: NonNullable<ChatMessage['attachments']>; data: (string | undefined)[] } | undefined {
  if (!Array.isArray(value.attachments)) return undefined;
  const records: NonNullable<ChatMessage['attachments']> = [];
  for (const a of value.attachments) {
    if (!isRecord(a) || typeof a.name !== 'string' || typeof a.type !== 'string' || typeof a.size !== 'number') return undefined;
    records.push({ name: a.name, type: a.type, size: a.size });
  }
  const stored = Array.isArray(value.attachmentData) ? value.attachmentData : [];
  const data = records.map((r, i) => {
    const d: unknown = stored[i];
    if (typeof d !== 'string') return undefined;
    return r.type.startsWith('image/') && !storedImage.test(d) ? undefined : d;
  });
  return { records, data };
}

/** One stored message, or `undefined` when it is not one. */
function readMessage(value: unknown, restored?: AttachmentData['restored']): ChatMessage | undefined {
  if (!isRecord(value) || !roles.has(value.role) || !statuses.has(value.status)) return undefined;
  if (typeof value.content !== 'string') return undefined;
  const message: ChatMessage = {
    role: value.role as ChatMessage['role'],
    content: value.content,
    // A reply still streaming when the page went away was cut off by it.
    status: value.status === 'streaming' ? 'stopped' : (value.status as ChatMessage['status']),
  };
  if (typeof value.reasoning === 'string') message.reasoning = value.reasoning;
  if (typeof value.finishReason === 'string') message.finishReason = value.finishReason;
  if (isRecord(value.error) && typeof value.error.message === 'string') {
    message.error = { message: value.error.message };
    if (typeof value.error.status === 'number') message.error.status = value.error.status;
  }
  const usage = value.usage;
  if (isRecord(usage) && typeof usage.promptTokens === 'number' && typeof usage.completionTokens === 'number') {
    message.usage = { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens };
  }
  const files = readAttachments(value);
  if (files) {
    message.attachments = files.records;
    restored?.(message, files.data);
  }
  if (Array.isArray(value.toolCalls)) {
    const calls = value.toolCalls.filter(
      (call): call is NonNullable<ChatMessage['toolCalls']>[number] =>
        isRecord(call) && typeof call.id === 'string' && typeof call.name === 'string' && typeof call.arguments === 'string',
    );
    if (calls.length) message.toolCalls = calls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args }));
  }
  if (typeof value.toolCallId === 'string') message.toolCallId = value.toolCallId;
  return message;
}

/**
 * What identifies a message's stored state, in O(1): a message changes only
 * by growing while it streams and by how it ends; one edited or replaced is
 * a new object, so it has no record yet.
 */
function fingerprint(m: ChatMessage, data: readonly (string | undefined)[] | undefined): string {
  return [data?.filter(d => d !== undefined).length ?? -1, m.role, m.status, m.content.length, m.content.slice(-32), m.reasoning?.length ?? -1, m.finishReason ?? '', m.error?.message ?? '', m.usage?.completionTokens ?? -1, m.toolCalls?.length ?? -1, m.toolCalls?.[0]?.id ?? '', m.toolCalls?.at(-1)?.arguments.length ?? -1].join('\u0000');
}

let counter = 0;
function newId(): string {
  return `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

function defaultStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Sandboxed iframes and disabled storage throw on access.
    return undefined;
  }
}

/** Why the stored conversation could not be read, and where it is now. */
export interface Unreadable {
  reason: string;
  /** Where it was moved; absent when it could not be, and was left in place. */
  asideKey?: string;
}

export interface Loaded {
  messages: ChatMessage[];
  unreadable?: Unreadable;
}

/** `'unchanged'`: nothing to write; `'failed'`: storage refused, the previous state is intact. */
export type SaveResult = 'saved' | 'unchanged' | 'failed';

export class ConversationStore {
  /** Record id and fingerprint of each message as last stored. */
  #written = new WeakMap<ChatMessage, { id: string; print: string }>();
  /** The record ids the stored index lists, as this store last read or wrote it; `undefined`: not ours to replace. */
  #index: string[] | undefined = [];
  /** Unreadable data stays under the key: nothing is written until `clear()`. */
  #blocked = false;

  constructor(
    readonly key: string,
    private readonly storage: Storage | undefined = defaultStorage(),
    private readonly files?: AttachmentData,
  ) {}

  /** Reads the stored conversation (migrating an older version); `[]` when there is none. */
  load(): Loaded {
    const raw = this.#get(this.key);
    if (raw == null) return { messages: [] };
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return this.#unreadable(raw, [], 'it is not JSON');
    }
    if (isRecord(data) && data.format === FORMAT_V1 && Array.isArray(data.messages)) {
      const messages = data.messages.map(m => readMessage(m));
      if (messages.some(m => m === undefined)) return this.#unreadable(raw, [], 'a message has an unknown shape');
      // Rewritten as version 2 now; if that fails, the version 1 value stays until a save succeeds.
      this.#index = undefined;
      this.save(messages as ChatMessage[]);
      return { messages: messages as ChatMessage[] };
    }
    if (!isRecord(data) || data.format !== FORMAT || !Array.isArray(data.records) || !data.records.every(id => typeof id === 'string')) {
      return this.#unreadable(raw, [], 'it is not a vllm-chat conversation');
    }
    const ids = data.records as string[];
    if (data.version !== VERSION) return this.#unreadable(raw, ids, `version ${String(data.version)} is not known`);
    const messages: ChatMessage[] = [];
    for (const id of ids) {
      const record = this.#get(this.#recordKey(id));
      let message: ChatMessage | undefined;
      try {
        message = record == null ? undefined : readMessage(JSON.parse(record), this.files?.restored);
      } catch {
        message = undefined;
      }
      if (!message) return this.#unreadable(raw, ids, `message record "${id}" is missing or damaged`);
      messages.push(message);
      this.#written.set(message, { id, print: fingerprint(message, this.files?.data(message)) });
    }
    this.#index = ids;
    return { messages };
  }

  /**
   * Stores `messages`, writing only those that changed since the last save
   * and nothing at all when none did. Never throws.
   */
  save(messages: readonly ChatMessage[]): SaveResult {
    const storage = this.storage;
    if (!storage || this.#blocked) return 'unchanged';
    const ids: string[] = [];
    const fresh: { id: string; message: ChatMessage; print: string }[] = [];
    for (const message of messages) {
      const print = fingerprint(message, this.files?.data(message));
      const known = this.#written.get(message);
      if (known && known.print === print) ids.push(known.id);
      else {
        const id = newId();
        ids.push(id);
        fresh.push({ id, message, print });
      }
    }
    const previous = this.#index;
    if (fresh.length === 0 && previous && sameList(previous, ids)) return 'unchanged';
    let error = this.#write(fresh, ids, true);
    const withFiles = fresh.filter(f => this.files?.data(f.message)?.some(d => d !== undefined));
    if (error && withFiles.length > 0) {
      // Full: the conversation without the files it was adding may still fit.
      error = this.#write(fresh, ids, false);
      if (!error) {
        for (const f of withFiles) {
          this.files!.dropped(f.message);
          f.print = fingerprint(f.message, this.files!.data(f.message));
        }
      }
    }
    if (error) {
      console.warn(`<vllm-chat>: could not store the conversation under "${this.key}"; the stored copy is unchanged (${error}).`);
      return 'failed';
    }
    for (const { id, message, print } of fresh) this.#written.set(message, { id, print });
    const kept = new Set(ids);
    for (const id of previous ?? []) if (!kept.has(id)) this.#remove(this.#recordKey(id));
    this.#index = ids;
    return 'saved';
  }

  /** Writes the fresh records, then the index; on failure removes what it wrote and returns the error. */
  #write(fresh: readonly { id: string; message: ChatMessage }[], ids: readonly string[], withFiles: boolean): string | undefined {
    const storage = this.storage!;
    const written: string[] = [];
    try {
      for (const { id, message } of fresh) {
        const data = withFiles ? this.files?.data(message) : undefined;
        const record = data ? { ...message, attachmentData: data.map(d => d ?? null) } : message;
        storage.setItem(this.#recordKey(id), JSON.stringify(record));
        written.push(id);
      }
      // The index makes the new state the stored one, in one write.
      storage.setItem(this.key, JSON.stringify({ format: FORMAT, version: VERSION, records: ids }));
      return undefined;
    } catch (error) {
      for (const id of written) this.#remove(this.#recordKey(id));
      return error instanceof Error ? String(error) : 'storage refused the write';
    }
  }

  /** Removes the stored conversation (a user's action: unreadable data left under the key goes too). */
  clear(): void {
    for (const id of this.#index ?? []) this.#remove(this.#recordKey(id));
    this.#remove(this.key);
    this.#index = [];
    this.#blocked = false;
    this.#written = new WeakMap();
  }

  #recordKey(id: string): string {
    return `${this.key}#${id}`;
  }

  /** Moves what cannot be read aside, or leaves it in place and blocks writes when that fails. */
  #unreadable(raw: string, ids: readonly string[], reason: string): Loaded {
    const storage = this.storage!;
    const asideKey = `${this.key}.unreadable-${new Date().toISOString()}`;
    const copied: string[] = [];
    try {
      storage.setItem(asideKey, raw);
      copied.push(asideKey);
      for (const id of ids) {
        const record = storage.getItem(this.#recordKey(id));
        if (record == null) continue;
        storage.setItem(`${asideKey}#${id}`, record);
        copied.push(`${asideKey}#${id}`);
      }
    } catch {
      for (const key of copied) this.#remove(key);
      this.#blocked = true;
      this.#index = undefined;
      console.warn(`<vllm-chat>: the data stored under storage-key "${this.key}" cannot be read (${reason}); it is left as it is and nothing will be saved there until clear().`);
      return { messages: [], unreadable: { reason } };
    }
    for (const id of ids) this.#remove(this.#recordKey(id));
    this.#remove(this.key);
    console.warn(`<vllm-chat>: the data stored under storage-key "${this.key}" cannot be read (${reason}); it was moved to "${asideKey}".`);
    return { messages: [], unreadable: { reason, asideKey } };
  }

  #get(key: string): string | null {
    try {
      return this.storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }

  #remove(key: string): void {
    try {
      this.storage?.removeItem(key);
    } catch {
      // Nothing stored can be removed where storage is unavailable.
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The conversation stored under `key` (what a new element would show). */
export function loadConversation(key: string): ChatMessage[] {
  return new ConversationStore(key).load().messages;
}

/** Stores `messages` under `key` as a new element's first save would. */
export function saveConversation(key: string, messages: readonly ChatMessage[]): SaveResult {
  return new ConversationStore(key).save(messages);
}
