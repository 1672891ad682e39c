/**
 * Attachments: the composer's pending files (picked, pasted or dropped,
 * shown as removable chips), the refusal of a file `send` cannot take, and,
 * per user message, its files as the requests send them.
 *
 * Bytes never become text on the page's thread: the worker encodes them
 * (`WorkerApi.encodeAttachments`) just before the first request that needs
 * them, and decodes a stored image back into a Blob for its thumbnail.
 * Thumbnails are `<img>` with a `blob:` URL of the file itself: no model or
 * server text is involved, and nothing is encoded to show them.
 *
 * A message's wire content is built once and kept, so that the conversation
 * update (conversation-update.ts) finds it unchanged by identity.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type * as Comlink from 'comlink';
import type { ChatMessage } from '../../shared/chat-message.js';
import type { AttachmentRefusal } from '../../shared/errors.js';
import type { MessageContent, WorkerApi } from '../../shared/protocol.js';
import { prepareAttachments, recordedKind, wireContent } from '../attachments.js';
import type { Attachment, EncodedAttachment } from '../attachments.js';

/** One file of a sent message. */
interface SentFile extends EncodedAttachment {
  type: string;
  /** The file, until the worker encoded it; a restored image's decoded bytes. */
  blob: Blob | undefined;
  /** Its thumbnail's `blob:` URL (images only), revoked when the message goes. */
  url: string | undefined;
}

interface SentFiles {
  files: SentFile[];
  /** The content last built from `files` (undefined: build again). */
  content: MessageContent | undefined;
  /** Storage refused the files: the record holds the message without them. */
  notKept: boolean;
}

export class AttachmentsController implements ReactiveController {
  /** Files waiting in the composer for the next send. */
  pending: Attachment[] = [];
  /** Why the last files offered to the composer were refused, until the next offer or send. */
  refusal: AttachmentRefusal | undefined;
  readonly #sent = new WeakMap<ChatMessage, SentFiles>();
  /** Thumbnails of pending files, by file. */
  readonly #pendingUrls = new Map<Blob, string>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly worker: () => Comlink.Remote<WorkerApi> | undefined,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    // Pending thumbnails are cheap to make again; sent ones stay with their messages.
    for (const url of this.#pendingUrls.values()) URL.revokeObjectURL(url);
    this.#pendingUrls.clear();
  }

  /** Adds files to the composer, or refuses them all and says why (nothing changes then). */
  offer(files: readonly Blob[]): void {
    if (files.length === 0) return;
    const all = prepareAttachments([...this.pending.map(a => a.blob), ...files]);
    if ('refusal' in all) {
      this.refusal = all.refusal;
    } else {
      this.refusal = undefined;
      this.pending = all.attachments;
    }
    this.host.requestUpdate();
  }

  remove(index: number): void {
    const [gone] = this.pending.splice(index, 1);
    const url = gone && this.#pendingUrls.get(gone.blob);
    if (gone && url) {
      URL.revokeObjectURL(url);
      this.#pendingUrls.delete(gone.blob);
    }
    this.pending = [...this.pending];
    this.host.requestUpdate();
  }

  /** A pending image's thumbnail URL. */
  pendingThumbnail(attachment: Attachment): string | undefined {
    if (attachment.kind !== 'image') return undefined;
    let url = this.#pendingUrls.get(attachment.blob);
    if (!url) this.#pendingUrls.set(attachment.blob, (url = URL.createObjectURL(attachment.blob)));
    return url;
  }

  /** Empties the composer's files (they were sent). */
  clearPending(): void {
    this.hostDisconnected();
    this.pending = [];
    this.refusal = undefined;
    this.host.requestUpdate();
  }

  /** Puts `message`'s files back into the composer (editing it), as files with their names. */
  restorePending(message: ChatMessage): void {
    this.clearPending();
    const files = (this.#sent.get(message)?.files ?? []).flatMap(f => {
      const bytes = f.blob ?? (f.kind === 'text' ? f.data : undefined);
      return bytes === undefined ? [] : [new File([bytes], f.name, { type: f.type })];
    });
    this.offer(files);
  }

  dismissRefusal(): void {
    this.refusal = undefined;
    this.host.requestUpdate();
  }

  /** `message` carries `attachments`; their bytes are read when a request first needs them. */
  attach(message: ChatMessage, attachments: readonly Attachment[]): void {
    if (attachments.length === 0) return;
    const files = attachments.map(a => ({
      name: a.name,
      type: a.type,
      kind: a.kind,
      lang: a.lang,
      blob: a.blob,
      data: undefined,
      url: a.kind === 'image' ? URL.createObjectURL(a.blob) : undefined,
    }));
    this.#sent.set(message, { files, content: undefined, notKept: false });
  }

  /**
   * A restored message's files: `data` as storage kept it (an entry
   * `undefined` was not kept). Stored images come back as thumbnails once
   * the worker has decoded them; `shown` is called then.
   */
  restore(message: ChatMessage, data: readonly (string | undefined)[], shown: () => void): void {
    const records = message.attachments ?? [];
    if (records.length === 0) return;
    const files: SentFile[] = records.map((r, i) => ({ name: r.name, type: r.type, ...recordedKind(r.name, r.type), data: data[i], blob: undefined, url: undefined }));
    const entry: SentFiles = { files, content: undefined, notKept: files.some(f => f.data === undefined) };
    this.#sent.set(message, entry);
    const worker = this.worker();
    const images = files.filter(f => f.kind === 'image' && f.data !== undefined);
    if (!worker || images.length === 0) return;
    void Promise.all(
      images.map(async f => {
        f.blob = await worker.decodeDataUrl(f.data!);
        f.url = URL.createObjectURL(f.blob);
      }),
    ).then(shown, (e: unknown) => console.warn('<vllm-chat>: a stored image could not be shown.', e));
  }

  /** The files of `message` as its view shows them. */
  filesOf(message: ChatMessage): { files: readonly { name: string; kind: 'image' | 'text'; url: string | undefined }[]; notKept: boolean } | undefined {
    return this.#sent.get(message);
  }

  /** Has the worker encode every file of `messages` not encoded yet (one call). */
  async encode(messages: readonly ChatMessage[]): Promise<void> {
    const waiting: SentFile[] = [];
    const entries: SentFiles[] = [];
    for (const m of messages) {
      const entry = this.#sent.get(m);
      const files = entry?.files.filter(f => f.data === undefined && f.blob) ?? [];
      if (files.length === 0) continue;
      waiting.push(...files);
      entries.push(entry!);
    }
    const worker = this.worker();
    if (waiting.length === 0 || !worker) return;
    const data = await worker.encodeAttachments(waiting.map(f => ({ blob: f.blob!, kind: f.kind, type: f.type })));
    waiting.forEach((f, i) => (f.data = data[i]));
    for (const entry of entries) entry.content = undefined;
  }

  /** `message`'s content as the request sends it; the same value while nothing changed. */
  content(message: ChatMessage): MessageContent {
    const entry = this.#sent.get(message);
    if (!entry) return message.content;
    entry.content ??= wireContent(message.content, entry.files);
    return entry.content;
  }

  /** What storage keeps of `message`'s files (`undefined`: nothing to keep, or storage refused them). */
  storedData(message: ChatMessage): readonly (string | undefined)[] | undefined {
    const entry = this.#sent.get(message);
    if (!entry || entry.notKept) return undefined;
    return entry.files.map(f => f.data);
  }

  /** Storage was full: `message` is stored without its files, and says so. */
  notKept(message: ChatMessage): void {
    const entry = this.#sent.get(message);
    if (entry) entry.notKept = true;
  }

  /** `message` left the conversation: its thumbnails go. */
  forget(message: ChatMessage): void {
    const entry = this.#sent.get(message);
    for (const f of entry?.files ?? []) if (f.url) URL.revokeObjectURL(f.url);
    this.#sent.delete(message);
  }
}
