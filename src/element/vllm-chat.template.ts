/**
 * The chrome of `<vllm-chat>` as a Lit template: toolbar, conversation log,
 * live region, composer. Message bodies are not templated: `views` are DOM
 * owned by `MessageView`s, placed here once and never rendered into, so this
 * template runs when a reply starts or ends, never per token.
 */
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AttachmentsController } from './controllers/attachments-controller.js';
import type { ComposerController } from './controllers/composer-controller.js';
import { logBlocks } from './view/log-blocks.js';
import type { MessageView } from './view/message-view.js';
import type { StorageNotice } from './controllers/persistence-controller.js';
import type { VllmChatStrings } from './strings.js';

/** What the template shows and what its controls call. */
export interface ChromeState {
  strings: VllmChatStrings;
  streaming: boolean;
  views: readonly MessageView[];
  /** The position of `views[0]` in the conversation (older messages are not placed yet). */
  firstIndex: number;
  /** Model ids for the picker; shown when there are several. */
  models: readonly string[];
  model: string;
  /** The polite announcement of the last finished reply. */
  announcement: string;
  /** What went wrong with the stored conversation, until dismissed. */
  storageNotice: StorageNotice | undefined;
  dismissNotice(): void;
  /** False while the reader has scrolled away from a growing reply. */
  following: boolean;
  editing: boolean;
  composer: ComposerController;
  attachments: AttachmentsController;
  /** Opens the file picker. */
  pickFiles(): void;
  pickModel(model: string): void;
  clear(): void;
  /** Downloads the branch on screen as Markdown. */
  exportMarkdown(): void;
  jumpToLatest(): void;
  cancelEdit(): void;
  submit(): void;
  stop(): void;
  logClick(event: Event): void;
}

export function renderChrome(c: ChromeState): TemplateResult {
  const s = c.strings;
  const selected = c.model || c.models[0] || '';
  return html`<div class="frame">
    <div class="toolbar">
      ${c.models.length > 1
        ? html`<label class="model"
            ><span>${s.model}</span>
            <select part="model-select" .value=${selected} @change=${(e: Event) => c.pickModel((e.target as HTMLSelectElement).value)}>
              ${c.models.map(m => html`<option value=${m} ?selected=${m === selected}>${m}</option>`)}
            </select></label
          >`
        : nothing}
      <button type="button" class="export" part="export-button" ?disabled=${c.views.length === 0} @click=${c.exportMarkdown}>${s.exportMarkdown}</button>
      <button type="button" class="clear" part="clear-button" ?disabled=${c.views.length === 0} @click=${c.clear}>${s.clear}</button>
    </div>
    <div
      class="log ${c.streaming ? 'busy' : ''}"
      role="log"
      aria-live="off"
      aria-label=${s.conversation}
      aria-busy=${String(c.streaming)}
      tabindex="0"
      @click=${c.logClick}
    >
      ${repeat(
        logBlocks(c.views, c.firstIndex),
        b => b.key,
        b =>
          html`<div class="log-block">
            ${repeat(
              b.views,
              v => v,
              v => v.root,
            )}
          </div>`,
      )}
    </div>
    ${c.storageNotice
      ? html`<div class="notice" part="notice" role="status">
          <span>${noticeText(s, c.storageNotice)}</span>
          <button type="button" part="notice-dismiss" @click=${c.dismissNotice}>${s.dismiss}</button>
        </div>`
      : nothing}
    <div class="visually-hidden" role="status" aria-live="polite">${c.announcement}</div>
    ${c.following
      ? nothing
      : html`<button type="button" class="jump" part="jump-button" @click=${c.jumpToLatest}>${s.jumpToLatest}</button>`}
    <form
      class="composer"
      @submit=${(e: Event) => (e.preventDefault(), c.submit())}
      @dragover=${(e: DragEvent) => onDragOver(e)}
      @drop=${(e: DragEvent) => onDrop(e, c.attachments)}
    >
      ${c.editing
        ? html`<div class="editing">
            <span>${s.editing}</span>
            <button type="button" @click=${c.cancelEdit}>${s.cancelEdit}</button>
          </div>`
        : nothing}
      ${renderAttachButton(c)}
      <textarea
        part="input"
        rows="1"
        aria-label=${s.input}
        placeholder=${s.placeholder}
        @keydown=${c.composer.onKeydown}
        @compositionstart=${c.composer.onCompositionStart}
        @compositionend=${c.composer.onCompositionEnd}
        @input=${c.composer.onInput}
        @paste=${(e: ClipboardEvent) => onPaste(e, c.attachments)}
      ></textarea>
      ${c.streaming
        ? html`<button type="button" part="stop-button" class="stop" @click=${c.stop}>${s.stop}</button>`
        : html`<button type="submit" part="send-button" class="send">${s.send}</button>`}
      ${renderPending(c)}
    </form>
  </div>`;
}

/** The composer's pick button and the hidden file input it opens. */
function renderAttachButton(c: ChromeState): TemplateResult {
  const a = c.attachments;
  return html`<button type="button" part="attach-button" class="attach" @click=${c.pickFiles}>${c.strings.attach}</button>
    <input
      type="file"
      multiple
      hidden
      tabindex="-1"
      aria-hidden="true"
      @change=${(e: Event) => {
        const input = e.target as HTMLInputElement;
        a.offer([...(input.files ?? [])]);
        // The same file can be picked again after it was removed.
        input.value = '';
      }}
    />`;
}

/** The composer's pending files as removable chips, and why a file was refused. */
function renderPending(c: ChromeState): TemplateResult {
  const s = c.strings;
  const a = c.attachments;
  return html`${a.pending.length
      ? html`<ul class="pending" aria-label=${s.pendingAttachments}>
          ${a.pending.map((file, i) => {
            const url = a.pendingThumbnail(file);
            return html`<li part="attachment" class="chip">
              ${url ? html`<img class="thumbnail" src=${url} alt="" />` : nothing}<span class="name">${file.name}</span>
              <button type="button" part="attachment-remove" aria-label=${s.removeAttachment(file.name)} @click=${() => a.remove(i)}>×</button>
            </li>`;
          })}
        </ul>`
      : nothing}
    ${a.refusal
      ? html`<div class="refusal" part="attachment-error" role="alert">
          <span>${s.attachmentRefused(a.refusal)}</span>
          <button type="button" @click=${() => a.dismissRefusal()}>${s.dismiss}</button>
        </div>`
      : nothing}`;
}

function hasFiles(data: DataTransfer | null): boolean {
  return !!data && [...data.types].includes('Files');
}

function onDragOver(e: DragEvent): void {
  if (!hasFiles(e.dataTransfer)) return;
  // Accepting the dragover is what makes the composer a drop target.
  e.preventDefault();
  e.dataTransfer!.dropEffect = 'copy';
}

function onDrop(e: DragEvent, a: AttachmentsController): void {
  const files = [...(e.dataTransfer?.files ?? [])];
  if (files.length === 0) return;
  e.preventDefault();
  a.offer(files);
}

function onPaste(e: ClipboardEvent, a: AttachmentsController): void {
  const files = [...(e.clipboardData?.files ?? [])];
  if (files.length === 0) return;
  // Files, not their names as text.
  e.preventDefault();
  a.offer(files);
}

function noticeText(s: VllmChatStrings, notice: StorageNotice): string {
  if (notice.kind === 'save-failed') return s.storageSaveFailed;
  return notice.asideKey ? s.storageUnreadableKept(notice.key, notice.asideKey) : s.storageUnreadableLeft(notice.key);
}
