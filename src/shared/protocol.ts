/**
 * The contract between `<vllm-chat>` (main thread) and its worker. Types only:
 * import with `import type`.
 *
 * The worker does all parsing and rendering. It sends the element *patches*:
 * small, ordered DOM edits whose cost on the main thread is proportional to the
 * patch, never to the message. A rendered message body is
 *
 *     [frozen block]* [tail]?
 *
 * Frozen blocks never change once appended, except that a reference
 * definition arriving after a block that uses it replaces that block
 * (`replace`). The tail is the one block that may
 * still change: either a markdown block re-rendered as a whole (`tail`), or an
 * open fenced code block that grows line by line (`code-open`, `code-lines`,
 * `code-tail` or `code-tail-text`, `code-close`). Code lines may first be shown plain and be
 * coloured in place later (`code-colour`), in any block of the section.
 *
 * All `html` strings are made by the worker's safe-markup module from escaped
 * text; model or server text never reaches them unescaped.
 */
import type { ChatMessage, ToolCall } from './chat-message.js';
import type { ChatErrorCode } from './errors.js';

export type { ChatErrorCode } from './errors.js';

/** Which section of an assistant message a list of ops edits. */
export type RenderSection = 'content' | 'reasoning';

/** One DOM edit of a message section. Apply in order. */
export type BlockOp =
  /** Append frozen blocks after the frozen ones (before the tail, if any). */
  | { type: 'append'; html: string }
  /** Replace the tail with this markdown block HTML (`''`: no tail). Ends an open code block's tail role. */
  | { type: 'tail'; html: string }
  /**
   * The tail becomes an open code block. `html` is its shell: the block wrapper
   * (`data-lang`), its header with the copy button and an empty
   * `<pre part="code-block">`. The previous tail is removed first.
   */
  | { type: 'code-open'; html: string }
  /** Complete lines appended to the open code block; each item is one line's HTML, without newline. */
  | { type: 'code-lines'; lines: string[] }
  /** Replace the partial last line of the open code block (`''`: none yet). */
  | { type: 'code-tail'; html: string }
  /**
   * Replace the partial last line of the open code block with a plain line
   * of `text` (`''`: none): the DOM of `code-tail` with `text` escaped in a
   * `<span class="line">`, built as a text node, never parsed. A `text` that
   * extends the partial line on screen appends only the new characters.
   */
  | { type: 'code-tail-text'; text: string }
  /**
   * The open code block is frozen as it stands (its partial line, if any,
   * stays as the last line). `diagram`: its fence was a ```` ```mermaid ````
   * block that closed (diagrams are on): the element may draw it; the source
   * is the block's code text, so the op carries nothing else.
   */
  | { type: 'code-close'; diagram?: true }
  /**
   * Frozen block `index` (0-based, in order of freezing: each frozen block,
   * markdown or code, is one element) is replaced by `html`, one element. Sent
   * when a reference definition arrives after a frozen block that uses it.
   */
  | { type: 'replace'; index: number; html: string }
  /**
   * The open code block's complete lines again, in another theme (the theme
   * changed while it streamed): replaces its lines and partial line and its
   * `<pre>` classes; later lines come in the new theme.
   */
  | { type: 'code-recolour'; preClass: string; lines: string[] }
  /**
   * Colour for lines already on screen as plain text (the highlighter was
   * behind the stream, or the grammar was loading): the line spans `from`,
   * `from + 1`, … of code block `index` (numbered as for `replace`; open or
   * frozen) get `lines` as their content, in place. Each item is the inside
   * of one `<span class="line">`; the line's text does not change.
   */
  | { type: 'code-colour'; index: number; from: number; lines: string[] };

/**
 * A piece of one tool call of a reply, as parsed from `delta.tool_calls`.
 * `index` is the call's position in the message (calls in order of first
 * appearance), not the server's `index` field.
 */
export interface ToolCallDelta {
  index: number;
  /** Sent once, with the call's first piece. */
  id?: string;
  /** Sent once, with the call's first piece. */
  name?: string;
  /** A fragment of the arguments' JSON text. */
  arguments?: string;
}

/** The rendered arguments of one tool call: `code-*` ops of its one JSON block. */
export interface ToolCallOps {
  index: number;
  ops: BlockOp[];
}

/** A completion token count and rate for the live stats of a streaming reply. */
export interface StreamStats {
  /** Content and reasoning deltas received so far (one per token on vLLM). */
  tokens: number;
  /** Milliseconds since the first token arrived. */
  elapsedMs: number;
}

/** Why a reply failed, as plain data (only message/name/stack survive a thrown Error). */
export interface ChatError {
  /** What failed (errors.ts, which also words every failure of ours). */
  code: ChatErrorCode;
  /** A sentence a user can act on; the server's own message when it sent one. */
  message: string;
  /** HTTP status, when the failure had one. */
  status?: number;
  /** What the user can check or do, e.g. "Check the api-key attribute." */
  hint?: string;
}

/** How a stream ended. Sent once, on the last patch. */
export interface StreamEnd {
  status: Exclude<ChatMessage['status'], 'streaming'>;
  finishReason?: string;
  error?: ChatError;
  usage?: ChatMessage['usage'];
  /** The model that answered, as the server names it in its chunks. */
  model?: string;
  /**
   * A stop ended the reply while some of its code was still shown plain (the
   * highlighter was behind, or a grammar was loading): a stop ends at once,
   * so the element has those blocks coloured afterwards, in place.
   */
  plain?: true;
}

/**
 * Everything that changed since the previous patch of the same stream. The
 * worker sends the next patch only after the element has applied this one, so
 * when the main thread is slow, changes coalesce instead of queueing. When
 * text arrives faster than it renders, the worker renders it in time slices
 * (`TAKE_BUDGET_MS`) and keeps at most `MAX_SLICES_AHEAD` slices ahead of the
 * element (stream-session.ts), merged into the next patch, so a patch's size
 * does not grow with the backlog.
 */
export interface Patch {
  content?: BlockOp[];
  reasoning?: BlockOp[];
  /** Raw text appended to `ChatMessage.content`. */
  contentDelta?: string;
  /** Raw text appended to `ChatMessage.reasoning`. */
  reasoningDelta?: string;
  /** Raw tool-call pieces, merged into `ChatMessage.toolCalls` in order. */
  toolCallDeltas?: ToolCallDelta[];
  /** Each tool call's rendered arguments, in order; a call's first ops open its block. */
  toolCalls?: ToolCallOps[];
  /**
   * CSS rules for token colour classes used by this patch's HTML that this
   * stream (or render call) has not sent before. Idempotent: the class name is
   * derived from the colour, so inserting a rule twice is harmless.
   */
  styles?: string[];
  stats?: StreamStats;
  /** Present on the last patch of a stream. */
  end?: StreamEnd;
}

/** Strings of the UI that the worker writes into its HTML. */
export interface RenderLabels {
  /** Accessible name and text of a code block's copy button. */
  copy: string;
  /** Accessible name and text of a code block's download button (default `Download`). */
  download?: string;
  /** Accessible name and text of a code block's soft-wrap toggle (default `Wrap`). */
  wrap?: string;
  /** Accessible name and text of a table's copy button (default `Copy table`). */
  copyTable?: string;
}

/** Options of any render: the Shiki theme and UI strings. */
export interface RenderOptions {
  theme: string;
  labels: RenderLabels;
  /** Show `![alt](https://…)` as images; otherwise (default) as links, so nothing loads by itself. */
  allowImages?: boolean;
  /** TeX stays text (otherwise `$…$`, `\(…\)`, `$$…$$`, `\[…\]` render as MathML). */
  noMath?: boolean;
  /** ```` ```mermaid ```` fences stay code (otherwise a closed one is marked for the element to draw). */
  noDiagrams?: boolean;
}

/** One OpenAI content part of a message: its text, or an image as a `data:` URL. */
export type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/**
 * A message's `content` as sent: a string, or (a user message with images)
 * its text part then one `image_url` part per image.
 */
export type MessageContent = string | ContentPart[];

/** A file the worker turns into what a request carries (`WorkerApi.encodeAttachments`). */
export interface AttachmentFile {
  /** The file itself (structured-cloned, not copied into a string on the page). */
  blob: Blob;
  /** `image`: base64 `data:` URL of `type`; `text`: the file's text (UTF-8). */
  kind: 'image' | 'text';
  /** The MIME type the data URL names (an image's type as resolved by name when the file had none). */
  type: string;
}

/** One chat completion request, fully resolved by the element. */
export interface ChatRequest {
  /** Absolute base URL of the OpenAI-compatible API, e.g. `http://gpu-box:8000/v1`. */
  endpoint: string;
  /**
   * Model id, sent as it is. The element resolves an empty `model` attribute
   * to the first id of `GET {endpoint}/models` before it asks the worker.
   */
  model: string;
  /** Sent as `Authorization: Bearer …` when non-empty. */
  apiKey: string;
  /**
   * The conversation to send, system prompt first when there is one. Empty
   * when `conversation` is set: the worker then sends its own copy.
   */
  messages: RequestMessage[];
  /**
   * The id of a conversation the element keeps in step in the worker
   * (`WorkerApi.syncConversation`), so that a request posts only what changed
   * since the last one, not the whole history.
   */
  conversation?: string;
  temperature?: number;
  maxTokens?: number;
  /** OpenAI tool definitions, sent as `tools` when present (the element leaves it out when empty). */
  tools?: unknown[];
  /** Sent as `tool_choice` together with `tools`: `auto`, `none`, `required` or the object form. */
  toolChoice?: string | Record<string, unknown>;
  render: RenderOptions;
}

/** One message of a request, as the element builds it (build-messages.ts). */
export interface RequestMessage {
  role: ChatMessage['role'];
  /** A user message with files: OpenAI content parts (attachments-controller.ts); otherwise text. */
  content: MessageContent;
  /** Assistant: the calls it made, sent as `tool_calls` (only when every one has its result). */
  toolCalls?: readonly ToolCall[];
  /** Tool: the call it answers, sent as `tool_call_id`. */
  toolCallId?: string;
}

/**
 * What changed in a conversation since the element last synced it: the
 * worker keeps the first `keep` messages of its copy and appends `append`.
 * `base` is the length the element believes the worker's copy has.
 */
export interface ConversationUpdate {
  conversation: string;
  base: number;
  keep: number;
  append: ChatRequest['messages'];
}

/** Result of listing models: ids, or why it failed. */
export type ModelList = { ok: true; models: string[] } | { ok: false; error: ChatError };

/** Re-highlighted code block, for a theme change. */
export interface HighlightedCode {
  /** One HTML string per line, as in `code-lines`. */
  lines: string[];
  /** Class list for the `<pre part="code-block">` (theme background and foreground). */
  preClass: string;
  styles: string[];
}

/**
 * Where the worker's own files are, as absolute URLs, when the chat worker
 * cannot find them relative to its own URL: in the published bundle the page
 * module holds one `new URL('./chunks/…', import.meta.url)` per file, so an
 * app's bundler copies (and may rename) every file into the app's output,
 * and the page tells the worker the result (worker-assets.ts). Missing
 * fields: the worker uses its own imports (the sources, unbundled).
 */
export interface WorkerAssets {
  /** The network thread's module (network.worker). */
  network?: string;
  /** Shiki grammar name to its module (`export default` one grammar). */
  grammars?: Record<string, string>;
  /** Shiki theme name to its module (`export default` the theme). */
  themes?: Record<string, string>;
}

/** What the worker exposes through Comlink. */
export interface WorkerApi {
  /**
   * Tells the worker where its files are; the page sends it before any other
   * call (the start's handshake), and the network thread starts then if it
   * could not start at load.
   */
  useAssets(assets: WorkerAssets): void;
  /**
   * Streams one reply. `onPatch` is called with each patch; the worker waits
   * for the promise it returns before sending the next one (one patch in
   * flight). The element resolves it once the patch is applied: at once when
   * it arrives while the patches applied since the last animation frame (by
   * every element of the page) took less than the page's per-frame budget,
   * otherwise in a later animation frame, oldest waiting patch first. A
   * patch with more code lines than fit the budget is applied a step of
   * lines at a time, its rest in the frames after (text before colour; the
   * last patch whole). So main-thread patch work between two frames is
   * bounded (the budget plus a step per element) however many elements
   * stream and however large a patch, and while a patch waits for its
   * frame, changes coalesce in the worker. Resolves after the last patch (the one with
   * `end`) was applied. Never rejects for a server or network failure: that
   * is the `end.error`.
   */
  stream(id: string, request: ChatRequest, onPatch: (patch: Patch) => Promise<void>): Promise<void>;
  /**
   * Applies `update` to the worker's copy of a conversation. Returns `false`
   * and changes nothing when `update.keep` > 0 and that copy does not have
   * `update.base` messages (a worker started since, or an update that never
   * arrived): the element then sends the whole conversation (`keep` 0, which
   * always succeeds).
   */
  syncConversation(update: ConversationUpdate): boolean;
  /** Drops the worker's copy of a conversation (the element left the page or was cleared). */
  forgetConversation(conversation: string): void;
  /** Ends stream `id`; what arrived so far is kept and ends with status `stopped`. */
  stop(id: string): void;
  /**
   * Stream `id` continues in `theme`: its open code block is re-coloured
   * (`code-recolour`) and what follows comes in the new theme. Blocks it
   * already froze are the element's to re-colour. Unknown ids are ignored.
   */
  setTheme(id: string, theme: string): void;
  /** `GET {endpoint}/models`. */
  listModels(endpoint: string, apiKey: string): Promise<ModelList>;
  /**
   * One-shot render of a finished message (restored history, tests): the same
   * patch the streaming path would end with, as one patch without `end`.
   */
  render(message: { content: string; reasoning?: string; toolCalls?: readonly ToolCall[] }, options: RenderOptions): Promise<Patch>;
  /**
   * Loads the highlighter, `theme` and the most used grammars ahead of the
   * first code block (the element asks once the page is idle after it
   * connects, and when its theme changes). Optional for correctness: a reply
   * loads whatever it lacks itself, showing code plain meanwhile.
   */
  warmUp(theme: string): Promise<void>;
  /**
   * What each file becomes in a request: an image's base64 `data:` URL, a
   * text file's text. Base64 runs here, off the page's thread.
   */
  encodeAttachments(files: AttachmentFile[]): string[];
  /** A `data:` URL back into a Blob (a stored image's thumbnail), decoded off the page's thread. */
  decodeDataUrl(url: string): Blob;
  /** Highlights one code block whole, for restyling on a theme change. */
  highlight(code: string, lang: string, theme: string): Promise<HighlightedCode>;
  /**
   * Readiness probe: answers once the worker module ran. A worker that CSP or
   * a missing file kept from starting never answers.
   */
  ping(): 'pong';
  /**
   * Takes the worker's life lock (life-lock.ts) and answers with its name
   * once held (`undefined`: no Web Locks here). The page asks for the same
   * lock and is granted it when the worker has died.
   */
  lifeLock(): Promise<string | undefined>;
}

/*
 * The network thread (network.worker.ts), started by the chat worker
 * (network-thread.ts). On the thread itself: one `NetworkReady`, then one
 * `NetworkStart` per reply, each with a port of its own; on that port the
 * thread answers with `NetworkReplyMessage`s and listens for `NetworkStop`.
 */

/** Network thread → chat worker, once: it runs and holds its life lock. */
export interface NetworkReady {
  type: 'ready';
  /** The life lock's name (life-lock.ts); absent where Web Locks do not exist. */
  lock?: string;
}

/** Chat worker → network thread: read one reply, answering on `port`. */
export interface NetworkStart {
  type: 'start';
  /** The request without its messages: they are in `body`. */
  request: ChatRequest;
  /** The request's body, made by the chat worker (worker/net/request-body.ts). */
  body: Blob;
  port: MessagePort;
}

/** On a reply's port, network thread → chat worker. */
export type NetworkReplyMessage =
  /** The deltas of one body chunk read, joined; `count` of them. */
  | { type: 'delta'; content: string; reasoning: string; count: number; toolCalls?: ToolCallDelta[] }
  /** The reply ended; the last message on the port. */
  | { type: 'end'; end: StreamEnd };

/** On a reply's port, chat worker → network thread: abort the reply (it then ends as `stopped`). */
export interface NetworkStop {
  type: 'stop';
}
