import { LitElement } from 'lit';
import type { PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type * as Comlink from 'comlink';
import type { ChatMessage } from '../shared/chat-message.js';
import { chatError } from '../shared/errors.js';
import type { ChatError, ChatRequest, RenderOptions, WorkerApi } from '../shared/protocol.js';
import { attachmentRefusalText } from '../shared/errors.js';
import { AttachmentsController } from './controllers/attachments-controller.js';
import { attachmentRecords, prepareAttachments, type Attachment } from './attachments.js';
import { attachmentList } from './view/attachment-list.js';
import { AutoScrollController } from './controllers/auto-scroll-controller.js';
import { buildMessages, resolveEndpoint } from './build-messages.js';
import { ComposerController } from './controllers/composer-controller.js';
import { conversationJson, parseConversationJson } from './conversation-json.js';
import { conversationMarkdown } from './conversation-markdown.js';
import { ConversationTree } from './conversation-tree.js';
import { conversationUpdate } from './conversation-update.js';
import { downloadText, markdownFileName } from './view/download-text.js';
import { codeBlockSource } from './view/apply-patch.js';
import { collapseCodeBlocks, downloadCode, toggleExpand, toggleWrap } from './view/code-block-controls.js';
import { CodeCollapser } from './view/code-collapser.js';
import { copyWithFeedback } from './copy-feedback.js';
import { emit } from './emit.js';
import { messageStyles, tokenStyleSheet } from './view/message-styles.js';
import { MessageView, type HighlightBlock } from './view/message-view.js';
import { ModelListController } from './controllers/model-list-controller.js';
import { PersistenceController } from './controllers/persistence-controller.js';
import { frameScheduler } from './view/frame-scheduler.js';
import { READ_SLICE_MS, restoreHistory } from './view/restore-history.js';
import { tableText } from './view/table-text.js';
import { StreamController } from './controllers/stream-controller.js';
import { ToolController } from './controllers/tool-controller.js';
import { toolOptions } from './tool-options.js';
import type { PreparedRequest } from './controllers/stream-controller.js';
import { stringsFor } from './strings.js';
import type { VllmChatStrings } from './strings.js';
import { vllmChatStyles } from './vllm-chat.styles.js';
import { renderChrome } from './vllm-chat.template.js';
import { acquireWorker, releaseWorker, workerReady } from './worker-client.js';

/** `temperature="" ` or `max-tokens="abc"` mean unset, not 0 or NaN. */
const optionalNumber = {
  fromAttribute: (value: string | null) => (value === null || value.trim() === '' || Number.isNaN(Number(value)) ? undefined : Number(value)),
  toAttribute: (value: number | undefined) => (value === undefined ? null : String(value)),
};

/**
 * A chat with a self-hosted code model (vLLM or any OpenAI-compatible API)
 * that streams long code answers without blocking the page: a shared Web
 * Worker fetches, parses and highlights; the element applies its patches.
 *
 * @tag vllm-chat
 *
 * @attr {string} endpoint - base URL of an OpenAI-compatible API (vLLM, llama.cpp server, Ollama, OpenAI); relative URLs resolve against the page. Default `/v1`.
 * @attr {string} model - model name; empty: the first id from `GET {endpoint}/models`.
 * @attr {string} api-key - sent as `Authorization: Bearer …` when set.
 * @attr {string} system-prompt - sent as the first message when set.
 * @attr {number} temperature - omitted from the request when unset.
 * @attr {number} max-tokens - omitted from the request when unset.
 * @attr {string} theme - Shiki theme of code blocks. Default `github-dark`.
 * @attr {string} storage-key - when set, the conversation persists in the browser under this key and is restored on load.
 * @attr {boolean} allow-images - show markdown images (otherwise they are links, so nothing loads by itself).
 * @attr {boolean} no-math - TeX stays text (otherwise `$…$`, `\(…\)`, `$$…$$`, `\[…\]` render as MathML).
 * @attr {boolean} no-diagrams - `mermaid` fences stay code (otherwise a closed one is drawn as a diagram once the reply ends).
 * @attr {boolean} line-numbers - code blocks show line numbers (never part of the copied text).
 * @attr {number} collapse-lines - a finished code block longer than this shows collapsed (0: never). Default `0`.
 * @attr {string} tool-choice - sent as `tool_choice` whenever `tools` is sent: `auto`, `none`, `required`, or JSON for the object form (anything else is not sent, with a console warning).
 *
 * @fires vllm-chat-start - `{ message: ChatMessage }` — a reply began (fired for every `send()`, even one that then fails before any byte)
 * @fires vllm-chat-done - `{ message: ChatMessage }` — a reply ended, whatever its status
 * @fires vllm-chat-error - `{ message: ChatMessage }` — a reply ended with status `error`
 * @fires vllm-chat-tool-call - `{ message: ChatMessage, calls: ChatMessage['toolCalls'] }` — the model asked for tools; answer with `addToolResult`
 *
 * @csspart message - one per message, in order, plus `user` / `assistant` / `tool`
 * @csspart user - a message of the user
 * @csspart assistant - a message of the assistant
 * @csspart tool - a tool's result (role `tool`), shown as text
 * @csspart tool-call - one per tool call of an assistant message: the function name and its arguments, highlighted as JSON
 * @csspart code-block - each fenced code block in an assistant message: a `<pre>` whose text is exactly the code
 * @csspart copy-button - the copy button of a code block
 * @csspart math-error - TeX that could not be typeset, shown as written with its delimiters
 * @csspart code-language - the language of a code block, as its fence wrote it (empty when none)
 * @csspart download-button - saves a code block as a file named after its language's extension
 * @csspart wrap-button - soft-wraps a code block's lines (off at first; `aria-pressed`)
 * @csspart expand-button - shows a collapsed code block whole, and collapses it again (`aria-expanded`)
 * @csspart diagram - a drawn `mermaid` block: a box holding the diagram as an `<img>` (nothing in it runs script)
 * @csspart diagram-source-button - toggles a diagram to its source shown as a `code-block`, and back (`aria-pressed`)
 * @csspart table-copy-button - copies a table as tab-separated text
 * @csspart copy-reply-button - copies an assistant message's text
 * @csspart regenerate-button - answers the last user message again, as a new version of the reply
 * @csspart edit-button - puts a user message's text into the input; sending it adds a version of that message
 * @csspart branch-prev - shows the previous version of a message that has several (regenerated or edited)
 * @csspart branch-next - shows the next version of a message that has several
 * @csspart branch-label - which version of the message is on screen, of how many (`2 / 3`)
 * @csspart stats - a reply's tokens/s while it streams, then its usage
 * @csspart input - the text input
 * @csspart send-button - the send button
 * @csspart stop-button - the stop button (replaces the send button while a reply streams)
 * @csspart reasoning - the reasoning of an assistant message, when it has one
 * @csspart error - the visible error of a failed reply
 * @csspart model-select - the model picker, shown when the server lists several models
 * @csspart clear-button - the button that clears the conversation
 * @csspart export-button - downloads the conversation on screen as Markdown
 * @csspart jump-button - "jump to latest", shown while the reader has scrolled away from a growing reply
 * @csspart notice - what went wrong with the stored conversation (`storage-key`): unreadable data kept aside, or a save that failed
 * @csspart notice-dismiss - the button that hides the notice
 * @csspart attach-button - opens the file picker (files can also be pasted or dropped onto the composer)
 * @csspart attachment - a pending file in the composer (a chip), or a sent one in its user message (an image's thumbnail, a text file's chip)
 * @csspart attachment-remove - the button that removes a pending file
 * @csspart attachment-error - why a file offered to the composer was not attached (it names the file)
 * @csspart attachment-note - under a user message whose files the browser's storage could not keep
 *
 * @cssprop --vllm-chat-background - background of the element
 * @cssprop --vllm-chat-surface - background of messages and the input
 * @cssprop --vllm-chat-user-background - background of the user's messages
 * @cssprop --vllm-chat-text - text colour
 * @cssprop --vllm-chat-muted - colour of secondary text (stats, hints)
 * @cssprop --vllm-chat-border - colour of borders
 * @cssprop --vllm-chat-accent - colour of the send button, links and focus rings
 * @cssprop --vllm-chat-accent-text - text on the accent colour
 * @cssprop --vllm-chat-error - colour of errors
 * @cssprop --vllm-chat-font - font of the UI and answers
 * @cssprop --vllm-chat-code-font - font of code
 * @cssprop --vllm-chat-font-size - base font size
 * @cssprop --vllm-chat-radius - corner radius
 * @cssprop --vllm-chat-spacing - base spacing unit
 */
export class VllmChat extends LitElement {
  static override styles = [messageStyles, vllmChatStyles, tokenStyleSheet];

  static override get observedAttributes(): string[] {
    // `lang` is native; observing it lets the UI switch language live.
    return [...super.observedAttributes, 'lang'];
  }

  /** Base URL of an OpenAI-compatible API; relative URLs resolve against the page. */
  @property({ reflect: true }) endpoint = '/v1';
  /** Model name; empty: the first id from `GET {endpoint}/models`. */
  @property({ reflect: true }) model = '';
  /** Sent as `Authorization: Bearer …` when set. Not reflected, so a key set as a property stays out of the DOM. */
  @property({ attribute: 'api-key' }) apiKey = '';
  /** Sent as the first message when set. */
  @property({ attribute: 'system-prompt', reflect: true }) systemPrompt = '';
  /** Omitted from the request when unset. */
  @property({ reflect: true, converter: optionalNumber }) temperature: number | undefined;
  /** Omitted from the request when unset. */
  @property({ attribute: 'max-tokens', reflect: true, converter: optionalNumber }) maxTokens: number | undefined;
  /** Shiki theme of code blocks; live. */
  @property({ reflect: true }) theme = 'github-dark';
  /** When set, the conversation persists under this key and is restored on load. */
  @property({ attribute: 'storage-key', reflect: true }) storageKey = '';
  /** Show markdown images instead of links to them. */
  @property({ attribute: 'allow-images', type: Boolean, reflect: true }) allowImages = false;
  /** TeX stays text instead of rendering as MathML. */
  @property({ attribute: 'no-math', type: Boolean, reflect: true }) noMath = false;
  /** `mermaid` fences stay code instead of being drawn as diagrams. */
  @property({ attribute: 'no-diagrams', type: Boolean, reflect: true }) noDiagrams = false;
  /** Code blocks show line numbers; they are never in the code's text, a copy or a selection. */
  @property({ attribute: 'line-numbers', type: Boolean, reflect: true }) lineNumbers = false;
  /** A finished code block longer than this many lines shows collapsed; 0: never. */
  @property({ attribute: 'collapse-lines', type: Number, reflect: true }) collapseLines = 0;
  /** Sent as `tool_choice` with `tools`: `auto`, `none`, `required`, or JSON for the object form. */
  @property({ attribute: 'tool-choice', reflect: true }) toolChoice: string | undefined;
  /** OpenAI tool definitions, sent as `tools` when non-empty. */
  @property({ attribute: false }) tools: unknown[] = [];
  /** Overrides of the UI text (English or Chinese, from `lang`). */
  @property({ attribute: false }) strings: Partial<VllmChatStrings> = {};

  @state() private editing: MessageView | undefined;
  @state() private announcement = '';

  @query('textarea') private input!: HTMLTextAreaElement;
  @query('.log') private log!: HTMLElement;

  /** Every version of every message; `#views` shows its path (conversation-tree.ts). */
  #treeValue = new ConversationTree();
  /**
   * A stored conversation is read in a task after the element's first render
   * and shown in the task after that (`#restoreSoon`): each is a task of its
   * own for a long one. Anything that needs it before then finishes both at
   * once.
   */
  #restoring: 'read' | 'show' | undefined;
  /** The stored conversation's reading, while `#restoring` is `'read'`. */
  #reading: Generator<void, ConversationTree> | undefined;
  /** A step of `#restoreSoon` waits for its frame. */
  #restoreScheduled = false;
  /** The `storage-key` whose conversation was read (or is being read). */
  #keyRead: string | undefined;
  get #tree(): ConversationTree {
    // A storage-key set in this very task (its update, which reads it, has not run): read now, before anything is added.
    if (!this.#restoring && this.#storedToRead()) this.#restoring = 'read';
    if (this.#restoring) this.#restore();
    return this.#treeValue;
  }
  set #tree(tree: ConversationTree) {
    this.#restoring = undefined;
    this.#reading = undefined;
    this.#treeValue = tree;
  }
  #views: MessageView[] = [];
  /** Views before this index are restored but not placed in the log yet (restore-history.ts). */
  #placedFrom = 0;
  #worker: Comlink.Remote<WorkerApi> | undefined;
  #recolourAfterStream = false;
  #lang = '';
  /** This element's conversation in the worker, and what the worker's copy holds (conversation-update.ts). */
  readonly #conversation = `conversation-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  #synced: ChatRequest['messages'] = [];

  readonly #scroll = new AutoScrollController(this);
  /** Finished code far off screen kept as text only (code-collapser.ts). */
  readonly #collapser = new CodeCollapser();
  readonly #models = new ModelListController(this);
  readonly #attachments = new AttachmentsController(this, () => this.#worker);
  readonly #store = new PersistenceController(
    this,
    () => this.storageKey,
    () => this.#tree,
    {
      data: m => this.#attachments.storedData(m),
      dropped: m => {
        this.#attachments.notKept(m);
        this.#showAttachments(m);
      },
      restored: (m, data) => this.#attachments.restore(m, data, () => this.#showAttachments(m)),
    },
  );
  readonly #composer = new ComposerController(this, {
    submit: () => this.#submit(),
    stop: () => (this.#stream.streaming ? this.stop() : (this.editing = undefined)),
  });
  readonly #tools = new ToolController({
    addMessage: message => {
      this.#push(message, this.messages.length);
      this.#store.saveNow();
    },
    followUp: () => this.#reply(this.messages.length),
  });
  readonly #stream = new StreamController({
    applied: () => {
      this.#scroll.followSoon();
      this.#store.saveSoon();
    },
  });

  /** The conversation on screen (the chosen branch), oldest first. */
  get messages(): readonly ChatMessage[] {
    return this.#tree.messages;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#worker = acquireWorker();
    // Moved out of the page before its conversation was shown: it is now.
    if (this.#restoring) this.#restoreSoon();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Moving the element (disconnect and reconnect in one task) must not end its reply.
    queueMicrotask(() => {
      if (!this.isConnected) this.#stream.stop();
    });
    this.#collapser.disconnect();
    const worker = this.#worker;
    this.#worker = undefined;
    // A reconnected element syncs its whole conversation again; the worker's copy goes now.
    this.#synced = [];
    worker?.forgetConversation(this.#conversation).catch(() => undefined);
    releaseWorker();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  /**
   * Appends the user message and streams the reply. Resolves with the final
   * assistant message whatever the ending (done, stopped, error); rejects
   * when a reply is already streaming, or, before anything changes, when an
   * attachment is of a type it cannot send or over 10 MiB.
   */
  async send(text: string, options: { attachments?: readonly (File | Blob)[] } = {}): Promise<ChatMessage> {
    if (this.#stream.streaming) {
      throw new Error('send() was called while a reply is streaming: call stop() or wait for vllm-chat-done.');
    }
    const prepared = prepareAttachments(options.attachments ?? []);
    if ('refusal' in prepared) throw new Error(`send(): ${attachmentRefusalText(prepared.refusal)}`);
    return this.#send(String(text), this.messages.length, prepared.attachments);
  }

  /** Sends `text` (with its checked files) as a new version of the message at `depth` (`messages.length`: a new message). */
  #send(text: string, depth: number, attachments: readonly Attachment[]): Promise<ChatMessage> {
    this.#tools.cancel();
    const message: ChatMessage = { role: 'user', content: text, status: 'done' };
    if (attachments.length) message.attachments = attachmentRecords(attachments);
    this.#attachments.attach(message, attachments);
    this.#push(message, depth);
    this.#showAttachments(message);
    return this.#reply(depth + 1);
  }

  /** Shows `message`'s files in its view, if it has any. */
  #showAttachments(message: ChatMessage, view = this.#views.find(v => v.message === message)): void {
    const files = this.#attachments.filesOf(message);
    if (files && view) view.showAttachments(attachmentList(files.files, files.notKept, this.#strings()));
  }

  /**
   * Streams the last reply again as a new version of it (the earlier ones
   * stay, under its `branch-prev`). Rejects while a reply streams.
   */
  async regenerate(): Promise<ChatMessage> {
    if (this.#stream.streaming) {
      throw new Error('regenerate() was called while a reply is streaming: call stop() or wait for vllm-chat-done.');
    }
    this.#tools.cancel();
    const messages = this.messages;
    const last = messages.length - 1;
    return this.#reply(messages[last]?.role === 'assistant' ? last : last + 1);
  }

  /** Ends the reply in progress, or the wait for tool results; what arrived so far is kept. */
  stop(): void {
    this.#tools.cancel();
    this.#stream.stop();
  }

  /**
   * The page's result of tool call `id` (from `vllm-chat-tool-call`): adds a
   * message of role `tool`; once every call of the reply has its result, the
   * follow-up reply streams. Throws for an id that no waiting call has.
   */
  addToolResult(id: string, content: string): void {
    this.#tools.addResult(id, content);
  }

  /** Empties the conversation (and the stored copy, with `storage-key`). */
  clear(): void {
    this.#showEmpty();
    this.#store.clear();
    this.#followBranch();
  }

  /** An empty conversation in place of the one on screen: a reply streaming stops, tool calls waiting are dropped. */
  #showEmpty(): void {
    this.#tools.cancel();
    this.#stream.stop();
    this.#forgetAll();
    this.#tree = new ConversationTree();
    this.#showFrom(0);
    this.editing = undefined;
  }

  /**
   * The conversation as text: `'markdown'`, the branch on screen
   * (conversation-markdown.ts); `'json'`, every branch, for
   * `importConversation` (conversation-json.ts).
   */
  exportConversation(format: 'markdown' | 'json'): string {
    if (format === 'markdown') return conversationMarkdown(this.messages);
    if (format === 'json') return conversationJson(this.#tree);
    throw new Error(`exportConversation() takes 'markdown' or 'json', not ${JSON.stringify(format)}.`);
  }

  /**
   * Replaces the conversation (and what `storage-key` holds) with a JSON
   * export. Throws, changing nothing, for text that is not one, and while a
   * reply streams.
   */
  importConversation(json: string): void {
    if (this.#stream.streaming) {
      throw new Error('importConversation() was called while a reply is streaming: call stop() or wait for vllm-chat-done.');
    }
    const tree = parseConversationJson(json);
    this.#forgetAll();
    this.#tree = tree;
    this.editing = undefined;
    this.#showFrom(0);
    this.#store.replace();
    this.#followBranch();
  }

  /** Every version of every message leaves: their thumbnails go. */
  #forgetAll(): void {
    for (const { message } of this.#tree.flatten().nodes) this.#attachments.forget(message);
  }

  #strings(): VllmChatStrings {
    const lang = this.closest('[lang]')?.getAttribute('lang') ?? '';
    return stringsFor(lang, this.strings);
  }

  #renderOptions(): RenderOptions {
    const { copy, download, wrap, copyTable } = this.#strings();
    return { theme: this.theme, labels: { copy, download, wrap, copyTable }, allowImages: this.allowImages, noMath: this.noMath, noDiagrams: this.noDiagrams };
  }

  #view(message: ChatMessage, strings = this.#strings()): MessageView {
    return new MessageView(message, strings, {
      copyReply: (v, button) => void this.#copy(v.message.content, button),
      regenerate: () => void this.regenerate().catch(() => undefined),
      edit: v => this.#startEdit(v),
      switchVersion: (v, delta, button) => this.#switchVersion(v, delta, button),
    });
  }

  /** Adds `message` as a new version at `depth` (or a new message at the end) and shows it, nothing after it. */
  #push(message: ChatMessage, depth: number): MessageView {
    this.#tree.add(depth, message);
    const view = this.#view(message);
    const dropped = this.#views.length > depth;
    this.#views = [...this.#views.slice(0, depth), view];
    if (dropped) this.#collapser.prune();
    this.#placedFrom = Math.min(this.#placedFrom, depth);
    this.#showVersions();
    this.requestUpdate();
    return view;
  }

  /**
   * Shows the tree's path from `depth` on: the views above stay, the ones
   * below are made again from the finished messages, their bodies rendered by
   * the worker in one shot as a stored conversation's are, newest first, a
   * few per frame (restore-history.ts).
   */
  #showFrom(depth: number): void {
    const worker = this.#worker;
    const options = this.#renderOptions();
    // Starting the worker (its assets' table, the Worker itself) waits for a
    // task of its own: the task that shows a stored conversation already
    // places the newest messages.
    let started: Promise<void> | undefined;
    const render = async (text: Pick<ChatMessage, 'content' | 'reasoning' | 'toolCalls'>) => {
      started ??= new Promise(resolve => setTimeout(resolve, 0)).then(() => {
        if (this.#worker !== worker) throw new Error('the element left the page');
        return workerReady();
      });
      await started;
      return worker!.render(text, options);
    };
    const strings = this.#strings();
    const views = this.#tree.messages.slice(depth).map(message => {
      const view = this.#view(message, strings);
      this.#showAttachments(message, view);
      return view;
    });
    this.#views = [...this.#views.slice(0, depth), ...views];
    this.#placedFrom = Math.min(this.#placedFrom, depth);
    this.#collapser.prune();
    this.#showVersions();
    this.requestUpdate();
    if (!worker || views.length === 0) return;
    // The conversation opens at its bottom, in the frame that first shows it.
    this.#scroll.followSoon();
    void restoreHistory(views, render, {
      // A whole conversation grows upward a batch per frame; a switched tail is placed at once
      // (placing from an index hides what is above it). Not once it was cleared or cut above them.
      place: index => {
        if (depth === 0 && this.#views[0] === views[0]) this.#place(index);
      },
      // Cleared, switched, edited or regenerated meanwhile: a dropped view is no longer at its place.
      wanted: (view, index) => this.#views[depth + index] === view,
      layout: () => void (this.log as HTMLElement | null)?.scrollHeight,
      shown: shown => {
        for (const view of shown) {
          this.#collapse(view);
          view.watchCode(this.#collapser);
        }
        this.#scroll.followSoon();
      },
      failed: (_view, e) => {
        // Left the page meanwhile: nothing failed that anyone will see.
        if (this.#worker === worker) console.warn('<vllm-chat>: could not render a restored message.', e);
      },
    });
  }

  /** Each view's version switcher, from the tree; disabled while a reply streams. O(messages on screen). */
  #showVersions(): void {
    // An edit of a message no longer on screen has nothing to replace.
    if (this.editing && !this.#views.includes(this.editing)) this.editing = undefined;
    const busy = this.#stream.streaming;
    this.#views.forEach((view, depth) => {
      const { index, count } = this.#tree.versions(depth);
      view.showVersions(index, count, busy);
    });
  }

  /** Shows the previous or next version of `view`'s message and what was chosen after it. */
  #switchVersion(view: MessageView, delta: -1 | 1, button: HTMLButtonElement): void {
    const depth = this.#views.indexOf(view);
    if (this.#stream.streaming || depth < 0 || !this.#tree.switch(depth, delta)) return;
    if (this.editing && this.#views.indexOf(this.editing) >= depth) this.editing = undefined;
    const focused = (this.renderRoot as ShadowRoot).activeElement === button;
    this.#showFrom(depth);
    this.#store.saveNow();
    this.#followBranch();
    if (focused) {
      // The switched message is a new view: keyboard focus moves to its same button (or the other one at an end).
      void this.updateComplete.then(() => {
        const buttons = this.#views[depth]?.branchButtons;
        const same = delta < 0 ? buttons?.prev : buttons?.next;
        (same && !same.disabled ? same : delta < 0 ? buttons?.next : buttons?.prev)?.focus();
      });
    }
  }

  /** Streams a reply as the message at `depth`: a new version when one is there already. */
  async #reply(depth: number): Promise<ChatMessage> {
    const turns = this.messages.slice(0, depth);
    const view = this.#push({ role: 'assistant', content: '', status: 'streaming' }, depth);
    const message = view.message;
    this.#scroll.jumpToLatest();
    this.announcement = '';
    emit(this, 'vllm-chat-start', { message });
    this.#store.saveIdle();
    const run = this.#stream.run(view, async () => {
      // The worker reads the files' bytes the first time a request carries them.
      try {
        await this.#attachments.encode(turns);
      } catch (error) {
        return { code: 'worker', message: `The attached files could not be read (${error instanceof Error ? error.message : String(error)}).` };
      }
      this.#store.saveIdle();
      return this.#prepare(buildMessages(this.systemPrompt, turns, m => this.#attachments.content(m)));
    });
    this.#showVersions();
    this.requestUpdate();
    await run;
    this.#showVersions();
    view.watchCode(this.#collapser);
    this.requestUpdate();
    this.#store.saveNow();
    const strings = this.#strings();
    this.announcement =
      message.status === 'error'
        ? `${strings.replyFailed} ${message.error?.message ?? ''}`
        : `${message.status === 'stopped' ? strings.stopped : strings.replyDone} ${message.content.slice(0, 200)}`;
    if (this.#recolourAfterStream) {
      // Blocks the stream froze before it switched themes are still in the old one.
      this.#recolourAfterStream = false;
      void this.#recolour([view]);
    } else if (view.codeLeftPlain) {
      void this.#colourPlain(view);
    }
    this.#collapse(view);
    emit(this, 'vllm-chat-done', { message });
    if (message.status === 'error') emit(this, 'vllm-chat-error', { message });
    this.#tools.replyEnded(this, message);
    // Ids given to calls that came without one are stored, so results still match them after a reload.
    if (this.#tools.waiting) this.#store.saveSoon();
    return message;
  }

  /** The request for the reply, or why none can be made (bad endpoint, no model). */
  async #prepare(messages: ChatRequest['messages']): Promise<PreparedRequest | ChatError> {
    const worker = this.#worker;
    if (!worker) {
      return chatError('notInPage', {});
    }
    try {
      await workerReady();
    } catch (error) {
      const e = error as Partial<ChatError>;
      return { code: 'worker', message: e.message ?? String(error), ...(e.hint ? { hint: e.hint } : {}) };
    }
    let endpoint: string;
    try {
      endpoint = resolveEndpoint(this.endpoint);
    } catch {
      return chatError('badEndpoint', { endpoint: this.endpoint });
    }
    const model = await this.#models.resolve(worker, endpoint, this.apiKey, this.model);
    if (typeof model !== 'string') return model;
    // The worker keeps the conversation: only what changed since the last request crosses to it.
    try {
      await this.#syncWorker(worker, messages);
    } catch (error) {
      return { code: 'worker', message: `The chat worker did not take the conversation (${error instanceof Error ? error.message : String(error)}).` };
    }
    const request: ChatRequest = {
      endpoint,
      model,
      apiKey: this.apiKey,
      messages: [],
      conversation: this.#conversation,
      render: this.#renderOptions(),
    };
    if (this.temperature !== undefined) request.temperature = this.temperature;
    if (this.maxTokens !== undefined) request.maxTokens = this.maxTokens;
    Object.assign(request, toolOptions(this.tools, this.toolChoice));
    return { worker, request };
  }

  /**
   * Sends the worker what turns its copy of the conversation into
   * `messages`. `#synced` moves at the call, so calls made one after another
   * send consistent updates in order; one the worker refuses (its copy is not
   * the one assumed) is followed by the whole list.
   */
  async #syncWorker(worker: Comlink.Remote<WorkerApi>, messages: ChatRequest['messages']): Promise<void> {
    const update = conversationUpdate(this.#conversation, this.#synced, messages);
    this.#synced = messages;
    try {
      if (!(await worker.syncConversation(update))) {
        await worker.syncConversation(conversationUpdate(this.#conversation, [], messages));
      }
    } catch (error) {
      // Unknown state: the next sync replaces the copy whole.
      this.#synced = [];
      throw error;
    }
  }

  /** After a switch, an import or a clear: the worker's copy becomes the branch on screen now, not at the next request. */
  #followBranch(): void {
    const worker = this.#worker;
    if (!worker) return;
    const messages = buildMessages(this.systemPrompt, this.messages);
    workerReady()
      .then(() => this.#syncWorker(worker, messages))
      .catch(() => undefined);
  }

  #submit(): void {
    const text = this.input.value;
    const files = this.#attachments.pending.map(a => a.blob);
    if ((!text.trim() && files.length === 0) || this.#stream.streaming) return;
    // The composer's files were checked when offered: this send does not refuse them.
    const prepared = prepareAttachments(files);
    if ('refusal' in prepared) return;
    // An edited message is sent as a new version of it; the old one keeps its own later messages.
    const edited = this.editing ? this.#views.indexOf(this.editing) : -1;
    this.editing = undefined;
    this.input.value = '';
    this.#composer.resize(this.input);
    this.#attachments.clearPending();
    void this.#send(text, edited >= 0 ? edited : this.messages.length, prepared.attachments);
  }

  #startEdit(view: MessageView): void {
    if (this.#stream.streaming) return;
    this.editing = view;
    this.input.value = view.message.content;
    // Its files go back to the composer with its text: sending the edit sends them again.
    this.#attachments.restorePending(view.message);
    this.#composer.resize(this.input);
    this.input.focus();
  }

  async #copy(text: string, button: HTMLButtonElement): Promise<void> {
    const strings = this.#strings();
    const ok = await copyWithFeedback(text, button, this.renderRoot as ShadowRoot, strings);
    this.announcement = ok ? strings.copied : strings.copyFailed;
  }

  /** The buttons of code blocks and tables come from the worker's HTML: one delegated listener. */
  #onLogClick = (event: Event): void => {
    const target = event.target instanceof Element ? event.target : null;
    const button = target?.closest<HTMLButtonElement>('button[part]');
    const part = button?.getAttribute('part');
    if (!button || !part) return;
    if (part === 'copy-button') void this.#copy(codeBlockSource(button), button);
    else if (part === 'wrap-button') toggleWrap(button);
    else if (part === 'download-button') downloadCode(button);
    else if (part === 'expand-button') toggleExpand(button, this.#strings());
    else if (part === 'table-copy-button') {
      const table = button.closest('.table-block')?.querySelector('table');
      if (table) void this.#copy(tableText(table), button);
    }
  };

  /** Collapses the long code blocks of a finished message (never while it streams). */
  #collapse(view: MessageView): void {
    if (view.message.role !== 'assistant' || view.message.status === 'streaming') return;
    const limit = Number.isFinite(this.collapseLines) ? this.collapseLines : 0;
    collapseCodeBlocks(view.root, limit, this.#strings());
  }

  /** A `storage-key` whose conversation was not read yet, while nothing else is shown. */
  #storedToRead(): boolean {
    return !!this.storageKey && this.storageKey !== this.#keyRead && this.#treeValue.messages.length === 0;
  }

  /**
   * `#restore` a step per frame, each in the task after a frame (the first
   * after the frame that shows the element), unless something needed the
   * conversation before.
   */
  #restoreSoon(): void {
    this.#restoring ??= 'read';
    if (this.#restoreScheduled) return;
    this.#restoreScheduled = true;
    const step = (): void => {
      this.#restoreScheduled = false;
      if (!this.#restoring || !this.isConnected) return;
      this.#restore(this.#restoring);
      if (this.#restoring) this.#restoreSoon();
    };
    frameScheduler().afterPatches(this, () => setTimeout(step, 0));
  }

  /**
   * Reads the stored conversation, then shows it, every branch kept;
   * assistant bodies are rendered by the worker in one shot. `'read'`: reads
   * for `READ_SLICE_MS` at most, and stops there.
   */
  #restore(until: 'read' | 'show' = 'show'): void {
    if (this.#restoring === 'read') {
      this.#keyRead = this.storageKey;
      this.#reading ??= this.#store.read();
      const deadline = until === 'read' ? performance.now() + READ_SLICE_MS : Infinity;
      let step: IteratorResult<void, ConversationTree>;
      do step = this.#reading.next();
      while (!step.done && performance.now() < deadline);
      if (!step.done) return;
      this.#reading = undefined;
      this.#treeValue = step.value;
      this.#restoring = 'show';
      if (until === 'read') return;
    }
    // Its bodies are rendered by the worker: not while the element is out of the page.
    if (this.#restoring !== 'show' || !this.#worker) return;
    this.#restoring = undefined;
    this.#showFrom(0);
    // A reply that was waiting for tool results when the page went away waits again.
    this.#tools.resume(this, this.messages);
  }

  /** The `export-button`: the branch on screen as a Markdown file named after the date. */
  #downloadMarkdown(): void {
    downloadText(this.exportConversation('markdown'), markdownFileName(new Date()), 'text/markdown;charset=utf-8');
  }

  /** Places the views from `index` on in the log, keeping the reader where they are. */
  #place(index: number): void {
    if (index === this.#placedFrom) return;
    const log = this.log as HTMLElement | null;
    const kept = log && !this.#scroll.attached ? log.scrollHeight - log.scrollTop : undefined;
    this.#placedFrom = index;
    this.requestUpdate();
    void this.updateComplete.then(() => {
      // Messages placed above move what is on screen down by their height: the reader stays, or follows the bottom.
      if (log && kept !== undefined) log.scrollTop = log.scrollHeight - kept;
      this.#scroll.followSoon();
    });
  }

  /** Re-colours the code of `views` (default: every reply; a growing block is left to its stream). */
  async #recolour(views: readonly MessageView[] = this.#views): Promise<void> {
    const theme = this.theme;
    const highlight = this.#highlightIn(theme);
    if (!highlight) return;
    const sections = views.filter(v => v.message.role === 'assistant');
    try {
      for (const view of sections) if (!(await view.recolour(highlight, () => this.theme === theme))) return;
    } catch (error) {
      console.warn(`<vllm-chat>: could not re-colour code blocks for theme "${theme}".`, error);
    }
    // Re-coloured blocks have new groups: watch those instead.
    this.#collapser.prune();
    for (const view of sections) view.watchCode(this.#collapser);
  }

  /** The worker's whole-block highlight in `theme`; `undefined` before the worker exists. */
  #highlightIn(theme: string): HighlightBlock | undefined {
    const worker = this.#worker;
    return worker && ((code, lang) => worker.highlight(code, lang, theme));
  }

  /** Colours the code a stopped reply left plain: a stop ends the reply at once, before its colour. */
  async #colourPlain(view: MessageView): Promise<void> {
    const theme = this.theme;
    const highlight = this.#highlightIn(theme);
    if (!highlight) return;
    try {
      // A new theme meanwhile re-colours every block, these too.
      await view.colourPlainCode(highlight, () => this.theme === theme);
    } catch (error) {
      console.warn('<vllm-chat>: could not colour the code of a stopped reply.', error);
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const previous = changed.get('storageKey');
    if (changed.has('storageKey') && previous !== undefined && previous !== this.storageKey) this.#keyChanged(previous);
  }

  /**
   * `storage-key` changed from `previous`, which names the conversation on
   * screen: it is saved there a last time, and the new key's conversation
   * (none: an empty one) takes its place. A conversation begun without a
   * key keeps going under the new one, unless that key holds another.
   * Never is one conversation written over another's key.
   */
  #keyChanged(previous: string): void {
    // Something needed the conversation since the change: what is on screen is the new key's already.
    if (this.#keyRead === this.storageKey) return;
    if (this.#restoring) {
      // Nothing of the previous key is shown yet: the new one is read instead.
      for (const { message } of this.#treeValue.flatten().nodes) this.#attachments.forget(message);
      this.#tree = new ConversationTree();
      return;
    }
    if (this.#treeValue.messages.length === 0) return;
    this.#store.keyChanged(previous);
    if (!previous && !this.#store.holdsConversation) return;
    this.#showEmpty();
    this.#followBranch();
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.#scroll.observe(this.log);
    this.#collapser.observe(this.log);
    this.#collapser.settle();
    if ((changed.has('endpoint') || changed.has('apiKey')) && this.#worker) {
      try {
        void this.#models.refresh(this.#worker, resolveEndpoint(this.endpoint), this.apiKey);
      } catch {
        // An endpoint that is not a URL: the reply's request says so.
      }
    }
    // The highlighter and theme load while the reader types, not after the first reply arrived.
    if (changed.has('theme')) this.#worker?.warmUp(this.theme).catch(() => undefined);
    if (changed.has('storageKey') && this.#storedToRead()) this.#restoreSoon();
    if (changed.has('theme') && changed.get('theme') !== undefined) {
      // A streaming reply goes on in the new theme; what is shown is re-coloured now.
      if (this.#stream.streaming) {
        this.#stream.setTheme(this.theme);
        this.#recolourAfterStream = true;
      }
      void this.#recolour();
    }
    if (changed.has('collapseLines') && changed.get('collapseLines') !== undefined) {
      for (const view of this.#views) this.#collapse(view);
    }
    const lang = this.closest('[lang]')?.getAttribute('lang') ?? '';
    if (changed.has('strings') || lang !== this.#lang) {
      this.#lang = lang;
      const strings = this.#strings();
      for (const view of this.#views) {
        view.relabel(strings);
        this.#showAttachments(view.message, view);
      }
    }
  }

  protected override render(): unknown {
    const listed = this.#models.models;
    return renderChrome({
      strings: this.#strings(),
      streaming: this.#stream.streaming,
      views: this.#placedFrom > 0 ? this.#views.slice(this.#placedFrom) : this.#views,
      firstIndex: this.#placedFrom,
      models: this.model && !listed.includes(this.model) ? [this.model, ...listed] : listed,
      model: this.model,
      announcement: this.announcement,
      storageNotice: this.#store.notice,
      dismissNotice: () => this.#store.dismissNotice(),
      following: this.#scroll.attached,
      editing: this.editing !== undefined,
      composer: this.#composer,
      attachments: this.#attachments,
      pickFiles: () => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click(),
      pickModel: model => (this.model = model),
      clear: () => this.clear(),
      exportMarkdown: () => this.#downloadMarkdown(),
      jumpToLatest: () => this.#scroll.jumpToLatest(),
      cancelEdit: () => {
        this.editing = undefined;
        this.#attachments.clearPending();
      },
      submit: () => this.#submit(),
      stop: () => this.stop(),
      logClick: this.#onLogClick,
    });
  }
}
