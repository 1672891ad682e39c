/**
 * The files of a sent user message: images as thumbnails (`<img>` with a
 * `blob:` URL of the file), text files and images without bytes as chips
 * with their name, and a note when storage could not keep them. Names are
 * written as text, never as markup.
 */
import type { VllmChatStrings } from '../strings.js';

export interface ShownFile {
  name: string;
  kind: 'image' | 'text';
  /** The thumbnail's `blob:` URL; absent: a chip. */
  url: string | undefined;
}

export function attachmentList(files: readonly ShownFile[], notKept: boolean, strings: VllmChatStrings): HTMLElement {
  const list = document.createElement('div');
  list.className = 'attachments';
  for (const file of files) {
    let item: HTMLElement;
    if (file.kind === 'image' && file.url) {
      const img = document.createElement('img');
      img.src = file.url;
      img.alt = file.name;
      img.title = file.name;
      img.className = 'thumbnail';
      item = img;
    } else {
      item = document.createElement('span');
      item.className = 'chip';
      item.textContent = file.name;
    }
    item.setAttribute('part', 'attachment');
    list.append(item);
  }
  if (notKept) {
    const note = document.createElement('p');
    note.className = 'attachment-note';
    note.setAttribute('part', 'attachment-note');
    note.textContent = strings.attachmentsNotKept;
    list.append(note);
  }
  return list;
}
