/**
 * Every word `<vllm-chat>` shows or announces, in English and Chinese (the
 * words of failures come from the error catalogue, shared/errors.ts). The
 * language is the element's `lang` attribute, else the document's; any `zh…`
 * tag picks Chinese. A page overrides single strings through the element's
 * `strings` property.
 */
import { attachmentRefusalText, errorTexts } from '../shared/errors.js';
import type { AttachmentRefusal } from '../shared/errors.js';

/** The UI text of `<vllm-chat>`. */
export interface VllmChatStrings {
  /** Accessible name of the conversation log. */
  conversation: string;
  placeholder: string;
  /** Accessible name of the text input. */
  input: string;
  send: string;
  stop: string;
  /** Text and accessible name of a code block's copy button (written by the worker). */
  copy: string;
  copied: string;
  copyFailed: string;
  /** Text and accessible name of a code block's download button (written by the worker). */
  download: string;
  /** Text and accessible name of a code block's soft-wrap toggle (written by the worker). */
  wrap: string;
  /** Text and accessible name of a table's copy button (written by the worker). */
  copyTable: string;
  /** Text alternative of a drawn diagram's image. */
  diagram: string;
  /** Text and accessible name of a diagram's toggle to its source code (`aria-pressed`). */
  diagramSource: string;
  /** Above a diagram's code when the page's Content-Security-Policy kept it from being drawn. */
  diagramBlocked: string;
  /** The button under a collapsed code block that shows all of it. */
  expand: (lines: number) => string;
  /** The same button once the block is shown whole. */
  collapse: string;
  copyReply: string;
  regenerate: string;
  edit: string;
  /** Shown above the input while an earlier message is being edited. */
  editing: string;
  cancelEdit: string;
  clear: string;
  jumpToLatest: string;
  model: string;
  reasoning: string;
  /** Labels of the message author, read by screen readers before each message. */
  user: string;
  assistant: string;
  /** Label of a message that carries a tool's result. */
  tool: string;
  /** Label before the function name of a tool call. */
  toolCall: string;
  stopped: string;
  /** Polite announcement when a reply has finished (followed by its opening words). */
  replyDone: string;
  replyFailed: string;
  /** Live stats of a streaming reply. */
  liveStats: (tokens: number, tokensPerSecond: number) => string;
  /** Token usage the server reported at the end. */
  usage: (promptTokens: number, completionTokens: number) => string;
  httpStatus: (status: number) => string;
  /** The conversation stored under `key` could not be read and was moved to `asideKey`. */
  storageUnreadableKept: (key: string, asideKey: string) => string;
  /** The conversation stored under `key` could not be read nor moved: it is left in place and nothing is saved. */
  storageUnreadableLeft: (key: string) => string;
  /** A save failed (storage full); the last saved copy is intact. */
  storageSaveFailed: string;
  /** Hides a notice. */
  dismiss: string;
  /** The composer's button that picks files to attach. */
  attach: string;
  /** Accessible name of a pending file's remove button. */
  removeAttachment: (name: string) => string;
  /** Accessible name of the composer's list of pending files. */
  pendingAttachments: string;
  /** Under a message whose files the browser's storage could not keep. */
  attachmentsNotKept: string;
  /** Why a file was not attached (the file named); see shared/errors.ts. */
  attachmentRefused: (refusal: AttachmentRefusal) => string;
  /** Accessible name of a message's version switcher (regenerated or edited messages). */
  versions: string;
  /** Accessible names of its buttons. */
  previousVersion: string;
  nextVersion: string;
  /** The toolbar button that downloads the conversation as Markdown. */
  exportMarkdown: string;
}

const en: VllmChatStrings = {
  conversation: 'Conversation',
  placeholder: 'Ask about code… (Enter to send, Shift+Enter for a new line)',
  input: 'Message',
  send: 'Send',
  stop: 'Stop',
  copy: 'Copy',
  copied: 'Copied',
  copyFailed: 'Copy failed',
  download: 'Download',
  wrap: 'Wrap',
  copyTable: 'Copy table',
  diagram: 'Diagram',
  diagramSource: 'Source',
  diagramBlocked: 'This page’s Content-Security-Policy does not allow drawing diagrams, so it is shown as code.',
  expand: lines => `Show all ${lines} lines`,
  collapse: 'Collapse',
  copyReply: 'Copy reply',
  regenerate: 'Regenerate',
  edit: 'Edit',
  editing: 'Editing an earlier message: sending adds a new version of it; the current one stays under its arrows.',
  cancelEdit: 'Cancel edit',
  clear: 'Clear conversation',
  jumpToLatest: 'Jump to latest',
  model: 'Model',
  reasoning: 'Reasoning',
  user: 'You',
  assistant: 'Assistant',
  tool: 'Tool',
  toolCall: 'Tool call',
  stopped: 'Stopped',
  replyDone: 'Reply finished.',
  replyFailed: errorTexts.en.replyFailed,
  liveStats: (tokens, rate) => `${tokens} tokens · ${rate.toFixed(1)} tokens/s`,
  usage: (prompt, completion) => `${prompt} prompt + ${completion} completion tokens`,
  httpStatus: errorTexts.en.httpStatus,
  storageUnreadableKept: (key, aside) =>
    `The conversation saved under “${key}” could not be read. It was kept aside under “${aside}”; nothing was overwritten.`,
  storageUnreadableLeft: key =>
    `The conversation saved under “${key}” could not be read. It is left as it is, and this chat will not be saved until you clear it.`,
  storageSaveFailed: 'This conversation could not be saved: the browser’s storage is full. The last saved copy is kept.',
  dismiss: 'Dismiss',
  attach: 'Attach',
  removeAttachment: name => `Remove ${name}`,
  pendingAttachments: 'Files to send',
  attachmentsNotKept: 'The browser’s storage was full: the attached files of this message were not kept, and after a reload they are no longer sent.',
  attachmentRefused: refusal => attachmentRefusalText(refusal, 'en'),
  versions: 'Versions',
  previousVersion: 'Previous version',
  nextVersion: 'Next version',
  exportMarkdown: 'Export',
};

const zh: VllmChatStrings = {
  conversation: '对话',
  placeholder: '输入问题…（Enter 发送，Shift+Enter 换行）',
  input: '消息',
  send: '发送',
  stop: '停止',
  copy: '复制',
  copied: '已复制',
  copyFailed: '复制失败',
  download: '下载',
  wrap: '自动换行',
  copyTable: '复制表格',
  diagram: '图表',
  diagramSource: '源代码',
  diagramBlocked: '本页面的内容安全策略（CSP）不允许绘制图表，因此以代码显示。',
  expand: lines => `展开全部 ${lines} 行`,
  collapse: '收起',
  copyReply: '复制回答',
  regenerate: '重新生成',
  edit: '编辑',
  editing: '正在编辑之前的消息：发送后将添加它的新版本，当前版本仍可通过箭头切换查看。',
  cancelEdit: '取消编辑',
  clear: '清空对话',
  jumpToLatest: '跳到最新',
  model: '模型',
  reasoning: '思考过程',
  user: '你',
  assistant: '助手',
  tool: '工具',
  toolCall: '调用工具',
  stopped: '已停止',
  replyDone: '回答完成。',
  replyFailed: errorTexts.zh.replyFailed,
  liveStats: (tokens, rate) => `${tokens} 个词元 · 每秒 ${rate.toFixed(1)} 个`,
  usage: (prompt, completion) => `提示 ${prompt} + 生成 ${completion} 个词元`,
  httpStatus: errorTexts.zh.httpStatus,
  storageUnreadableKept: (key, aside) => `无法读取保存在“${key}”下的对话。它已另存到“${aside}”，没有覆盖任何内容。`,
  storageUnreadableLeft: key => `无法读取保存在“${key}”下的对话。它保持原样；清空对话之前，本次对话不会被保存。`,
  storageSaveFailed: '无法保存此对话：浏览器存储空间已满。已保留上次保存的版本。',
  dismiss: '关闭',
  attach: '附件',
  removeAttachment: name => `移除 ${name}`,
  pendingAttachments: '待发送的文件',
  attachmentsNotKept: '浏览器存储空间已满：此消息的附件未被保存，重新加载页面后将不再发送。',
  attachmentRefused: refusal => attachmentRefusalText(refusal, 'zh'),
  versions: '版本',
  previousVersion: '上一个版本',
  nextVersion: '下一个版本',
  exportMarkdown: '导出',
};

/** The strings for a BCP 47 language tag (`zh`, `zh-CN`, `zh-Hant`… → Chinese; anything else → English), with overrides. */
export function stringsFor(lang: string, overrides: Partial<VllmChatStrings> = {}): VllmChatStrings {
  const base = /^zh\b/i.test(lang.trim()) ? zh : en;
  return { ...base, ...overrides };
}
