/**
 * What `send(text, { attachments })` accepts and how each file is sent.
 *
 * Images (PNG, JPEG, WebP, GIF, by MIME type, else by extension) go as
 * OpenAI `image_url` content parts with a `data:` URL; text and code files
 * (`text/*`, or an extension of the code blocks' table) go into the text as
 * a fence headed by the file name. Anything else, or a file over
 * `MAX_ATTACHMENT_BYTES`, is refused before anything changes. Classifying
 * reads only a file's name, type and size: its bytes are read in the worker
 * (WorkerApi.encodeAttachments).
 */
import type { ChatMessage } from '../shared/chat-message.js';
import type { AttachmentRefusal } from '../shared/errors.js';
import { fileExtensions } from '../shared/file-extensions.js';
import type { ContentPart, MessageContent } from '../shared/protocol.js';

/** The largest file `send` accepts: larger images overflow the context of most vision models anyway. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Extensions of the image types a vision model in vLLM reads, to their MIME type. */
const imageTypes: Readonly<Record<string, string>> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif' };
const imageExtensions: Readonly<Record<string, string>> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' };

/** Extensions sent as text: every code extension of the table, and plain-text files. */
const textExtensions = new Set([...Object.values(fileExtensions), 'txt', 'text', 'csv', 'tsv', 'log', 'rst', 'cfg', 'conf', 'env']);

/** One accepted file. */
export interface Attachment {
  /** Its name, or `attachment-N.<ext>` for a Blob without one. */
  name: string;
  /** The MIME type it is sent as (resolved by extension when the file had none we know). */
  type: string;
  size: number;
  kind: 'image' | 'text';
  /** A text file's fence word: its extension (`py`), or `''`. */
  lang: string;
  blob: Blob;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** The extension a nameless Blob of `type` gets. */
function extensionFor(type: string): string {
  if (Object.hasOwn(imageExtensions, type)) return imageExtensions[type]!;
  const subtype = type.split('/')[1]?.split(/[;+]/)[0]?.replace(/^x-/, '') ?? '';
  return Object.hasOwn(fileExtensions, subtype) ? fileExtensions[subtype]! : type.startsWith('text/') ? 'txt' : '';
}

/**
 * The files `send` will attach, in order, or the first one it refuses.
 * `files` is whatever the caller passed: anything but a Blob is refused.
 */
export function prepareAttachments(files: readonly unknown[]): { attachments: Attachment[] } | { refusal: AttachmentRefusal } {
  const attachments: Attachment[] = [];
  for (const [i, file] of files.entries()) {
    if (!(file instanceof Blob)) return { refusal: { kind: 'type', name: String(file), type: typeof file } };
    const given = file instanceof File && file.name ? file.name : '';
    const mime = file.type.toLowerCase().split(';')[0]!.trim();
    const ext = extensionFor(mime);
    const name = given || `attachment-${i + 1}${ext ? `.${ext}` : ''}`;
    const byName = extensionOf(name);
    let kind: Attachment['kind'] | undefined;
    let type = mime;
    if (Object.hasOwn(imageExtensions, mime)) kind = 'image';
    else if (mime.startsWith('text/')) kind = 'text';
    else if (Object.hasOwn(imageTypes, byName)) {
      kind = 'image';
      type = imageTypes[byName]!;
    } else if (textExtensions.has(byName)) {
      kind = 'text';
      type ||= 'text/plain';
    }
    if (!kind) return { refusal: { kind: 'type', name, type: mime } };
    if (file.size > MAX_ATTACHMENT_BYTES) return { refusal: { kind: 'size', name, size: file.size, limit: MAX_ATTACHMENT_BYTES } };
    const lang = kind === 'text' && textExtensions.has(byName) ? byName : '';
    attachments.push({ name, type, size: file.size, kind, lang, blob: file });
  }
  return { attachments };
}

/** `messages`' record of the files: what `ChatMessage.attachments` holds. */
export function attachmentRecords(attachments: readonly Pick<Attachment, 'name' | 'type' | 'size'>[]): NonNullable<ChatMessage['attachments']> {
  return attachments.map(({ name, type, size }) => ({ name, type, size }));
}

/**
 * A text file as a fence headed by its name. The fence is longer than any
 * run of backticks in the file, so no line of the file can close it.
 */
export function fenceFile(name: string, lang: string, text: string): string {
  let longest = 0;
  for (const run of text.matchAll(/`+/g)) longest = Math.max(longest, run[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${name}\n${fence}${lang}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}`;
}

/** One attachment with what the worker made of it (`undefined`: not available, e.g. not kept in storage). */
export interface EncodedAttachment {
  name: string;
  kind: Attachment['kind'];
  lang: string;
  data: string | undefined;
}

/**
 * A user message's `content` as sent: the typed text, each text file fenced
 * after it; with images, that text as the first part and one `image_url`
 * part per image. O(text + attachments).
 */
export function wireContent(text: string, attachments: readonly EncodedAttachment[]): MessageContent {
  const blocks = [text];
  const images: ContentPart[] = [];
  for (const a of attachments) {
    if (a.data === undefined) continue;
    if (a.kind === 'text') blocks.push(fenceFile(a.name, a.lang, a.data));
    else images.push({ type: 'image_url', image_url: { url: a.data } });
  }
  const joined = blocks.filter(Boolean).join('\n\n');
  return images.length ? [{ type: 'text', text: joined }, ...images] : joined;
}

/** How a recorded attachment (`ChatMessage.attachments`, e.g. restored from storage) is sent. */
export function recordedKind(name: string, type: string): Pick<Attachment, 'kind' | 'lang'> {
  const ext = extensionOf(name);
  return { kind: Object.hasOwn(imageExtensions, type) ? 'image' : 'text', lang: textExtensions.has(ext) ? ext : '' };
}
