/**
 * Keeps a conversation, every branch of it, in `localStorage` under the
 * element's `storage-key`, without ever losing what was stored.
 *
 * Layout (version 3): `key` holds an index, `{ format: 'vllm-chat',
 * version: 3, records: [id…], parents: [i…], chosen: [i…], root: i }`: the
 * conversation tree (conversation-tree.ts) in its flat form, node `n` being
 * the message stored under `${key}#${records[n]}`, a child of node
 * `parents[n]` (-1: the root) showing its child `chosen[n]`; `root` is the
 * root's choice. A save writes only the messages that changed, each under a
 * new id, then the index, then removes the records it replaced: a save is
 * O(changed messages) in message text (the index is a few numbers per
 * message), and until the index is written the stored conversation is the
 * previous one, whole. A write that fails (quota) removes what it wrote and
 * leaves the previous state intact.
 *
 * Older versions are read and rewritten as version 3 on load: version 2 (the
 * same index with `records` only, one branch) keeps its records; version 1
 * (`{ format: 'vllm-chat/1', messages: […] }`, one value) is split into them.
 *
 * Tool calls added optional fields to a record (`toolCalls`, `toolCallId`)
 * and the role `tool`. A user message's record may carry `attachments`
 * (`{name, type, size}`) and, beside them, `attachmentData`: each file as the
 * request sends it (an image's `data:` URL, a text file's text), `null` for
 * one not kept. Records without these fields read as before. When storage
 * refuses a save (quota), the messages being written are written again
 * without their files (`AttachmentData.dropped`): the conversation is kept,
 * the files are not.
 *
 * What comes back is validated field by field: storage is shared with the
 * rest of the origin. Data under the key that cannot be read is not
 * overwritten: it is moved aside to `${key}.unreadable-<time>` (its records
 * too, under the same suffix), or, when even that cannot be written, left
 * where it is and nothing is saved under the key until `clear()`.
 */
import type { ChatMessage } from '../shared/chat-message.js';
import { isRecord } from '../shared/is-record.js';
import { ConversationTree } from './conversation-tree.js';
import type { FlatNode } from './conversation-tree.js';

const FORMAT = 'vllm-chat';
const VERSION = 3;
/** One branch: an index of `records` only. */
const VERSION_LINEAR = 2;
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

/**
 * One stored (or imported) message, or `undefined` when it is not one: the
 * known fields, each checked, and nothing else.
 */
export function readMessage(value: unknown, restored?: AttachmentData['restored']): ChatMessage | undefined {
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
  tree: ConversationTree;
  unreadable?: Unreadable;
}

/** The index of version 3 for `ids` in the tree's flat form. */
function indexText(ids: readonly string[], nodes: readonly FlatNode[], root: number): string {
  return JSON.stringify({ format: FORMAT, version: VERSION, records: ids, parents: nodes.map(n => n.parent), chosen: nodes.map(n => n.chosen), root });
}

const EMPTY_INDEX = indexText([], [], 0);

const isIndexList = (value: unknown, length: number): value is number[] =>
  Array.isArray(value) && value.length === length && value.every(n => Number.isInteger(n));

/** `'unchanged'`: nothing to write; `'failed'`: storage refused, the previous state is intact. */
export type SaveResult = 'saved' | 'unchanged' | 'failed';

export class ConversationStore {
  /** Record id and fingerprint of each message as last stored. */
  #written = new WeakMap<ChatMessage, { id: string; print: string }>();
  /** The record ids the stored index lists, as this store last read or wrote it; `undefined`: not ours to replace. */
  #index: string[] | undefined = [];
  /** The stored index as last read or written; nothing stored reads as an empty tree. */
  #indexText = EMPTY_INDEX;
  /** Unreadable data stays under the key: nothing is written until `clear()`. */
  #blocked = false;

  /** True while unreadable data is left under the key (nothing is written there until `clear()`). */
  get blocked(): boolean {
    return this.#blocked;
  }

  /** Something is stored under the key, readable or not. */
  get stored(): boolean {
    return this.#get(this.key) != null;
  }

  constructor(
    readonly key: string,
    private readonly storage: Storage | undefined = defaultStorage(),
    private readonly files?: AttachmentData,
  ) {}

  /** Reads the stored conversation (migrating an older version); an empty tree when there is none. */
  load(): Loaded {
    const reading = this.read();
    for (;;) {
      const step = reading.next();
      if (step.done) return step.value;
    }
  }

  /**
   * `load()` in steps: yields after each message record, so that a long
   * conversation can be read a slice per task. Nothing is written before
   * the last step.
   */
  *read(): Generator<void, Loaded> {
    const raw = this.#get(this.key);
    if (raw == null) return { tree: new ConversationTree() };
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      return this.#unreadable(raw, [], 'it is not JSON');
    }
    if (isRecord(data) && data.format === FORMAT_V1 && Array.isArray(data.messages)) {
      const messages = data.messages.map(m => readMessage(m));
      if (messages.some(m => m === undefined)) return this.#unreadable(raw, [], 'a message has an unknown shape');
      // Rewritten as version 3 now; if that fails, the version 1 value stays until a save succeeds.
      const tree = ConversationTree.linear(messages as ChatMessage[]);
      this.#index = undefined;
      this.save(tree);
      return { tree };
    }
    if (!isRecord(data) || data.format !== FORMAT || !Array.isArray(data.records) || !data.records.every(id => typeof id === 'string')) {
      return this.#unreadable(raw, [], 'it is not a vllm-chat conversation');
    }
    const ids = data.records as string[];
    if (data.version !== VERSION && data.version !== VERSION_LINEAR) return this.#unreadable(raw, ids, `version ${String(data.version)} is not known`);
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
      yield;
    }
    let tree: ConversationTree | string;
    if (data.version === VERSION_LINEAR) tree = ConversationTree.linear(messages);
    else if (!isIndexList(data.parents, ids.length) || !isIndexList(data.chosen, ids.length) || !Number.isInteger(data.root)) {
      tree = 'its tree is incomplete';
    } else {
      const { parents, chosen } = data;
      tree = ConversationTree.fromFlat({ chosen: data.root as number, nodes: messages.map((message, i) => ({ parent: parents[i]!, chosen: chosen[i]!, message })) });
    }
    if (typeof tree === 'string') return this.#unreadable(raw, ids, tree);
    this.#index = ids;
    this.#indexText = raw;
    // Version 2 is rewritten as version 3 now: its records stay, only the index is written.
    if (data.version === VERSION_LINEAR) this.save(tree);
    return { tree };
  }

  /**
   * Stores `tree`, writing only the messages that changed since the last
   * save and nothing at all when nothing did. Never throws.
   */
  save(tree: ConversationTree): SaveResult {
    const storage = this.storage;
    if (!storage || this.#blocked) return 'unchanged';
    const flat = tree.flatten();
    const ids: string[] = [];
    const fresh: { id: string; message: ChatMessage; print: string }[] = [];
    for (const { message } of flat.nodes) {
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
    const index = indexText(ids, flat.nodes, flat.chosen);
    if (fresh.length === 0 && previous && index === this.#indexText) return 'unchanged';
    let error = this.#write(fresh, index, true);
    const withFiles = fresh.filter(f => this.files?.data(f.message)?.some(d => d !== undefined));
    if (error && withFiles.length > 0) {
      // Full: the conversation without the files it was adding may still fit.
      error = this.#write(fresh, index, false);
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
    this.#indexText = index;
    return 'saved';
  }

  /** Writes the fresh records, then the index; on failure removes what it wrote and returns the error. */
  #write(fresh: readonly { id: string; message: ChatMessage }[], index: string, withFiles: boolean): string | undefined {
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
      storage.setItem(this.key, index);
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
    this.#indexText = EMPTY_INDEX;
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
      return { tree: new ConversationTree(), unreadable: { reason } };
    }
    for (const id of ids) this.#remove(this.#recordKey(id));
    this.#remove(this.key);
    console.warn(`<vllm-chat>: the data stored under storage-key "${this.key}" cannot be read (${reason}); it was moved to "${asideKey}".`);
    return { tree: new ConversationTree(), unreadable: { reason, asideKey } };
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

/** The branch on screen of the conversation stored under `key` (what a new element would show). */
export function loadConversation(key: string): ChatMessage[] {
  return [...new ConversationStore(key).load().tree.messages];
}

/** Stores `messages` (one branch) under `key` as a new element's first save would. */
export function saveConversation(key: string, messages: readonly ChatMessage[]): SaveResult {
  return new ConversationStore(key).save(ConversationTree.linear(messages));
}
