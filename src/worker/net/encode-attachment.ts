/**
 * Attachments as a request carries them, made in the worker so that base64
 * (a third more than the file, and a pass over every byte) never runs on the
 * page's thread.
 *
 * `FileReaderSync` exists only in workers: a synchronous read is fine here,
 * where nothing waits on this thread but the request it prepares. The image
 * is read through `Blob.slice(…, type)` so that the `data:` URL names the
 * type resolved from the file name when the file itself had none.
 */
import type { AttachmentFile } from '../../shared/protocol.js';

/** An image's `data:<type>;base64,…` URL, or a text file's text (UTF-8). O(file size). */
export function encodeAttachment(file: AttachmentFile): string {
  const reader = new FileReaderSync();
  if (file.kind === 'text') return reader.readAsText(file.blob, 'utf-8');
  return reader.readAsDataURL(file.blob.slice(0, file.blob.size, file.type));
}

/** The bytes a base64 `data:` URL holds, as a Blob of its type. Throws for a URL that is not one. */
export function decodeDataUrl(url: string): Blob {
  const match = /^data:([^;,]*)(;base64)?,/.exec(url);
  if (!match?.[2]) throw new Error('WorkerApi.decodeDataUrl: not a base64 data: URL.');
  const binary = atob(url.slice(match[0].length));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: match[1] ?? '' });
}
