/**
 * The DOM of one message, built once with `createElement` and `textContent`
 * (model text never becomes markup here) and then owned by this object. Lit
 * places `root` in the conversation but never renders inside it, so a streamed
 * token costs only the patch the worker sent, not a template diff.
 *
 * Every edit of a message's nodes goes through this class: a streamed patch
 * (`applyPatch`), its end (`finish`), a stored message shown again
 * (`restore`), a theme change (`recolour`), a language change (`relabel`).
 * The helpers it uses (apply-patch.ts for the worker's block ops,
 * recolour-code.ts, diagrams.ts) are called from here only, so one object knows what is on
 * screen; test/package/message-view.test.js checks that no other module calls
 * them. (A pressed copy button shows "Copied" for a moment through
 * copy-feedback.ts: feedback on the control, not content of the message.)
 */
import type { ChatMessage } from '../../shared/chat-message.js';
import type { ChatError, HighlightedCode, Patch, StreamEnd, StreamStats, ToolCallDelta } from '../../shared/protocol.js';
import type { VllmChatStrings } from '../strings.js';
import { applyPatch, fillCodeBlock } from './apply-patch.js';
import type { FrameJob } from './frame-scheduler.js';
import { drawDiagrams, redrawDiagrams, relabelDiagrams } from './diagrams.js';
import { BranchNav } from './branch-nav.js';
import { addTokenStyles } from './message-styles.js';
import { recolourCode } from './recolour-code.js';

/** The text of a message the worker renders in one shot (`WorkerApi.render`). */
export type RenderMessage = (text: Pick<ChatMessage, 'content' | 'reasoning' | 'toolCalls'>) => Promise<Patch>;

/** Highlights one code block whole with the new theme (`WorkerApi.highlight`). */
export type HighlightBlock = (code: string, lang: string) => Promise<HighlightedCode>;

/** Least time, in milliseconds of the reply, between two changes of the live stats. */
export const LIVE_STATS_MS = 250;

function applyNow(apply: () => void): Promise<void> {
  apply();
  return Promise.resolve();
}

/** What the message's own buttons ask the element to do. */
export interface MessageActions {
  copyReply(view: MessageView, button: HTMLButtonElement): void;
  regenerate(view: MessageView): void;
  edit(view: MessageView): void;
  /** Shows the previous (-1) or next (1) version of this message. */
  switchVersion(view: MessageView, delta: -1 | 1, button: HTMLButtonElement): void;
}

export class MessageView {
  /** Made on first use (`root`): a restored conversation makes its views at once and their DOM as each is placed or rendered. */
  #root: HTMLElement | undefined;
  /** The answer (assistant) or the text (user). */
  #content!: HTMLElement;
  /** Content arrived: the reasoning collapsed once and is left as the reader sets it. */
  #answerStarted = false;
  #reasoning: HTMLDetailsElement | undefined;
  #reasoningBody: HTMLElement | undefined;
  #reasoningSummary: HTMLElement | undefined;
  #author!: HTMLElement;
  #stats!: HTMLElement;
  #error: HTMLElement | undefined;
  #attachments: HTMLElement | undefined;
  #buttons: { button: HTMLButtonElement; label: keyof VllmChatStrings }[] = [];
  /** A diagram fence closed in the content: drawn once the message stops streaming. */
  #diagramsPending = false;
  /** The diagrams being drawn (tests and the element may wait for them). */
  diagramsDrawn: Promise<void> = Promise.resolve();
  /** See `codeLeftPlain`. */
  #codeLeftPlain = false;
  /** The `tool-call` parts, by the call's position; their box comes after the answer. */
  #toolCalls: { root: HTMLElement; label: HTMLElement; name: HTMLElement; args: HTMLElement }[] = [];
  #toolCallBox: HTMLElement | undefined;
  /** The version switcher, made the first time the message has several versions. */
  #branches: BranchNav | undefined;
  #bar!: HTMLElement;
  #actions: MessageActions;
  /** The reply's `elapsedMs` when the live stats were last written. */
  #statsShownAt: number | undefined;

  constructor(
    readonly message: ChatMessage,
    private strings: VllmChatStrings,
    actions: MessageActions,
  ) {
    this.#actions = actions;
  }

  /** The message's `article`, built the first time it is asked for. */
  get root(): HTMLElement {
    return this.#root ?? this.#build();
  }

  #build(): HTMLElement {
    const doc = document;
    const { message, strings } = this;
    const actions = this.#actions;
    const role = message.role;
    const root = (this.#root = doc.createElement('article'));
    root.setAttribute('part', `message ${role}`);
    root.className = `message ${role}`;
    this.#author = doc.createElement('h3');
    this.#author.className = 'author visually-hidden';
    root.append(this.#author);
    this.#content = doc.createElement('div');
    this.#content.className = role === 'assistant' ? 'content markdown' : 'content text';
    if (role !== 'assistant') {
      this.#content.textContent = message.content;
      // Whole and final: the browser's first-strong-character rule cannot flip it later.
      this.#content.dir = 'auto';
    }
    root.append(this.#content);

    const footer = doc.createElement('div');
    footer.className = 'meta';
    this.#stats = doc.createElement('span');
    this.#stats.className = 'stats';
    this.#stats.setAttribute('part', 'stats');
    const bar = doc.createElement('span');
    bar.className = 'actions';
    footer.append(this.#stats, bar);
    root.append(footer);
    this.#bar = bar;

    const add = (label: keyof VllmChatStrings, className: string, run: (b: HTMLButtonElement) => void) => {
      const button = doc.createElement('button');
      button.type = 'button';
      button.className = `action ${className}`;
      button.setAttribute('part', `${className}-button`);
      button.addEventListener('click', () => run(button));
      bar.append(button);
      this.#buttons.push({ button, label });
    };
    if (role === 'assistant') {
      add('copyReply', 'copy-reply', b => actions.copyReply(this, b));
      add('regenerate', 'regenerate', () => actions.regenerate(this));
    } else if (role === 'user') {
      add('edit', 'edit', () => actions.edit(this));
    }
    this.relabel(strings);
    this.#setStatus(message.status);
    return root;
  }

  /**
   * Applies one patch of the worker's stream: token styles, each section's
   * block ops, the raw text, the reasoning's open state, the live stats, and
   * the end when the patch carries one. O(patch). With a `deadline`, a
   * patch of many code lines may leave some of them, or of their colour,
   * for later frames: that rest is returned (apply-patch.ts). The last
   * patch is applied whole, so a finished reply is all there and coloured.
   */
  applyPatch(patch: Patch, deadline = Infinity): FrameJob | void {
    void this.root;
    const until = patch.end ? Infinity : deadline;
    const rest: FrameJob[] = [];
    const keep = (job: FrameJob | void) => void (job && rest.push(job));
    if (patch.styles?.length) addTokenStyles(patch.styles);
    if (patch.reasoning?.length) keep(applyPatch(this.#reasoningSection(), patch.reasoning, until));
    if (patch.content?.length) {
      keep(applyPatch(this.#content, patch.content, until));
      if (patch.content.some(op => op.type === 'code-close' && op.diagram)) this.#diagramsPending = true;
    }
    const message = this.message;
    if (patch.reasoningDelta) message.reasoning = (message.reasoning ?? '') + patch.reasoningDelta;
    if (patch.contentDelta) message.content += patch.contentDelta;
    if (patch.toolCallDeltas?.length) this.#mergeToolCalls(patch.toolCallDeltas);
    for (const { index, ops } of patch.toolCalls ?? []) applyPatch(this.#toolCallPart(index).args, ops);
    if (patch.reasoningDelta || patch.reasoning?.length) this.#openReasoning(!this.#answerStarted);
    // Reasoning collapses once, when the answer starts; the reader may reopen it.
    if (!this.#answerStarted && (patch.contentDelta || patch.content?.length || patch.toolCallDeltas?.length)) {
      this.#answerStarted = true;
      this.#openReasoning(false);
    }
    if (patch.stats) this.#liveStats(patch.stats, patch.end !== undefined);
    if (patch.end) this.finish(patch.end);
    this.#drawDiagrams();
    return rest.length ? inTurn(rest) : undefined;
  }

  /** Draws the content's finished diagram fences in idle time, once nothing streams into it any more. */
  #drawDiagrams(): void {
    if (!this.#diagramsPending || this.message.status === 'streaming') return;
    this.#diagramsPending = false;
    this.diagramsDrawn = drawDiagrams(this.#content, () => this.strings);
  }

  /** Ends the message: status, finish reason, usage and error, into the message and on screen. */
  finish(end: StreamEnd): void {
    void this.root;
    const message = this.message;
    message.status = end.status;
    this.#codeLeftPlain = end.plain === true;
    if (end.finishReason !== undefined) message.finishReason = end.finishReason;
    if (end.usage) {
      message.usage = end.usage;
      this.#setStats(this.strings.usage(end.usage.promptTokens, end.usage.completionTokens));
    }
    if (end.error) {
      message.error = { message: end.error.message };
      if (end.error.status !== undefined) message.error.status = end.error.status;
      this.#showError(end.error);
    }
    if (end.status === 'stopped' && !end.usage) this.#setStats(this.strings.stopped);
    this.#setStatus(end.status);
  }

  /**
   * Shows a stored message again: its ending (stats, error) at once, its body
   * as the worker renders it in one shot (the same DOM the stream would have
   * built), reasoning collapsed. `schedule` decides when the body is
   * applied (a frame slot, restore-history.ts); by default at once.
   */
  async restore(render: RenderMessage, schedule: (apply: () => void) => Promise<void> = applyNow): Promise<void> {
    const { status, error, usage, content, reasoning, toolCalls } = this.message;
    if (status !== 'streaming') {
      this.finish({ status, ...(error ? { error: { code: 'http', ...error } } : {}), ...(usage ? { usage } : {}) });
    }
    const patch = await render({ content, ...(reasoning ? { reasoning } : {}), ...(toolCalls?.length ? { toolCalls } : {}) });
    await schedule(() => {
      // The text is already in the message: only the DOM edits apply.
      this.applyPatch({ ...patch, contentDelta: '', reasoningDelta: '' });
      this.#openReasoning(false);
    });
  }

  /**
   * Hands this message's finished code to `collapser` (code-collapser.ts),
   * which keeps far off-screen code groups as plain text until they come
   * near: the one edit of a message's nodes made outside this class, bounded
   * to whole code groups and undone before they are seen.
   */
  watchCode(collapser: { watch(section: Element, message?: Element): void }): void {
    void this.root;
    collapser.watch(this.#content, this.root);
  }

  /**
   * Re-colours this message's code blocks (the theme changed), one block per
   * frame. False when `current()` turned false on the way (a newer theme).
   */
  async recolour(highlight: HighlightBlock, current: () => boolean): Promise<boolean> {
    // Not built yet: nothing is coloured, its body is rendered in the new theme when it is.
    if (!this.#root) return true;
    const done = await recolourCode(this.root, highlight, current);
    // Diagrams follow the code's theme from dark to light and back.
    if (done) this.diagramsDrawn = this.diagramsDrawn.then(() => redrawDiagrams(this.#content, () => this.strings));
    return done;
  }

  /** Shows a user message's files (view/attachment-list.ts) between its text and its actions, replacing any shown. */
  showAttachments(list: HTMLElement): void {
    void this.root;
    this.#attachments?.remove();
    this.#attachments = list;
    this.#content.after(list);
  }

  /** The reply's end said some of its code is still plain (a stop, `StreamEnd.plain`). */
  get codeLeftPlain(): boolean {
    return this.#codeLeftPlain;
  }

  /**
   * Colours the code a stopped reply left plain, in place (apply-patch.ts
   * `fillCodeBlock`), one block per frame. False when `current()` turned
   * false on the way (a new theme, which re-colours everything).
   */
  async colourPlainCode(highlight: HighlightBlock, current: () => boolean): Promise<boolean> {
    if (!this.#root || !this.#codeLeftPlain) return true;
    const done = await recolourCode(this.root, highlight, current, fillCodeBlock);
    if (done) this.#codeLeftPlain = false;
    return done;
  }

  /** The version switcher's buttons, when it has been shown. */
  get branchButtons(): { prev: HTMLButtonElement; next: HTMLButtonElement } | undefined {
    return this.#branches;
  }

  /**
   * Shows which version of this message is on screen (1-based `index` of
   * `count`); nothing while there is one. `busy`: a reply streams, so the
   * switcher is disabled.
   */
  showVersions(index: number, count: number, busy: boolean): void {
    if (count < 2 && !this.#branches) return;
    void this.root;
    if (!this.#branches) {
      this.#branches = new BranchNav(this.strings, (delta, button) => this.#actions.switchVersion(this, delta, button));
      this.#bar.before(this.#branches.root);
    }
    this.#branches.show(index, count, busy);
  }

  /** Re-reads every visible word from `strings` (the language changed). */
  relabel(strings: VllmChatStrings): void {
    this.strings = strings;
    // Not built yet: it is labelled from `strings` when it is.
    if (!this.#root) return;
    this.#branches?.relabel(strings);
    const role = this.message.role;
    this.#author.textContent = role === 'user' ? strings.user : role === 'tool' ? strings.tool : strings.assistant;
    for (const part of this.#toolCalls) part.label.textContent = strings.toolCall;
    for (const { button, label } of this.#buttons) {
      const text = strings[label];
      if (typeof text === 'string') button.textContent = text;
    }
    if (this.#reasoningSummary) this.#reasoningSummary.textContent = strings.reasoning;
    relabelDiagrams(this.#content, strings);
  }

  /**
   * Merges streamed tool-call pieces into `message.toolCalls`: the id and
   * name as first sent, the arguments joined. The name is shown as text.
   */
  #mergeToolCalls(pieces: readonly ToolCallDelta[]): void {
    const calls = (this.message.toolCalls ??= []);
    for (const piece of pieces) {
      for (let i = calls.length; i <= piece.index; i++) calls.push({ id: '', name: '', arguments: '' });
      const call = calls[piece.index]!;
      if (piece.id && !call.id) call.id = piece.id;
      if (piece.name && !call.name) {
        call.name = piece.name;
        this.#toolCallPart(piece.index).name.textContent = piece.name;
      }
      if (piece.arguments) call.arguments += piece.arguments;
    }
  }

  /** Part `tool-call` of call `index` (and those before it), made on first use with `textContent` only. */
  #toolCallPart(index: number): { root: HTMLElement; label: HTMLElement; name: HTMLElement; args: HTMLElement } {
    const doc = document;
    if (!this.#toolCallBox) {
      this.#toolCallBox = doc.createElement('div');
      this.#toolCallBox.className = 'tool-calls';
      this.#content.after(this.#toolCallBox);
    }
    while (this.#toolCalls.length <= index) {
      const root = doc.createElement('div');
      root.setAttribute('part', 'tool-call');
      root.className = 'tool-call';
      const head = doc.createElement('div');
      head.className = 'tool-call-head';
      const label = doc.createElement('span');
      label.className = 'tool-call-label';
      label.textContent = this.strings.toolCall;
      const name = doc.createElement('code');
      name.className = 'tool-call-name';
      name.textContent = this.message.toolCalls?.[this.#toolCalls.length]?.name ?? '';
      head.append(label, ' ', name);
      const args = doc.createElement('div');
      args.className = 'tool-call-args markdown';
      root.append(head, args);
      this.#toolCallBox.append(root);
      this.#toolCalls.push({ root, label, name, args });
    }
    return this.#toolCalls[index]!;
  }

  /** Mirrors the status on the DOM (`data-status`), for styling and `aria-busy`. */
  #setStatus(status: ChatMessage['status']): void {
    this.root.dataset.status = status;
    this.root.setAttribute('aria-busy', String(status === 'streaming'));
    if (status === 'stopped' && !this.#stats.textContent) this.#stats.textContent = this.strings.stopped;
  }

  /** The reasoning section, created (open) the first time reasoning arrives. */
  #reasoningSection(): HTMLElement {
    if (!this.#reasoningBody) {
      const details = document.createElement('details');
      details.setAttribute('part', 'reasoning');
      details.className = 'reasoning';
      details.open = true;
      const summary = document.createElement('summary');
      summary.textContent = this.strings.reasoning;
      const body = document.createElement('div');
      body.className = 'reasoning-body markdown';
      details.append(summary, body);
      this.root.insertBefore(details, this.#content);
      this.#reasoning = details;
      this.#reasoningBody = body;
      this.#reasoningSummary = summary;
    }
    return this.#reasoningBody;
  }

  /** Opens or collapses the reasoning, if there is any. */
  #openReasoning(open: boolean): void {
    if (this.#reasoning) this.#reasoning.open = open;
  }

  /**
   * The live token count and rate, at most every `LIVE_STATS_MS` of the
   * reply, and on its last patch (the ending may then replace it with the
   * usage). A text change lays out and repaints its line: once per patch,
   * with many chats streaming, that was a sizeable share of each frame, for
   * figures nobody reads that fast.
   */
  #liveStats({ tokens, elapsedMs }: StreamStats, last: boolean): void {
    const shown = this.#statsShownAt;
    if (!last && shown !== undefined && elapsedMs - shown < LIVE_STATS_MS) return;
    this.#statsShownAt = elapsedMs;
    const seconds = elapsedMs / 1000;
    this.#setStats(this.strings.liveStats(tokens, seconds > 0 ? tokens / seconds : 0));
  }

  /** Small live text under the message: token rate while streaming, usage at the end. */
  #setStats(text: string): void {
    if (this.#stats.textContent !== text) this.#stats.textContent = text;
  }

  /** Shows why the reply failed below what already arrived: message, HTTP status, hint. */
  #showError(error: Pick<ChatError, 'message' | 'status' | 'hint'>): void {
    this.#error?.remove();
    const box = document.createElement('div');
    box.setAttribute('part', 'error');
    box.setAttribute('role', 'alert');
    box.className = 'error';
    const message = document.createElement('strong');
    message.textContent = error.message;
    box.append(message);
    if (error.status !== undefined) {
      const status = document.createElement('span');
      status.className = 'status';
      status.textContent = ` (${this.strings.httpStatus(error.status)})`;
      // The server's own message may already name the status (as a whole number: 400 is not in 40000).
      if (!new RegExp(`\\b${error.status}\\b`).test(error.message)) box.append(status);
    }
    if (error.hint) {
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.textContent = error.hint;
      box.append(hint);
    }
    this.root.insertBefore(box, this.root.lastElementChild);
    this.#error = box;
  }
}

/** Jobs run one after the other, each until the deadline, as one job. */
function inTurn(jobs: FrameJob[]): FrameJob {
  return deadline => {
    const job = jobs[0]!;
    const rest = job(deadline);
    if (rest) jobs[0] = rest;
    else jobs.shift();
    return jobs.length ? inTurn(jobs) : undefined;
  };
}
