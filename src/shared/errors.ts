/**
 * Every failure vllm-chat words itself: its code, and its message and hint in
 * English and Chinese; and the HTTP status → sentence and hint mapping. The
 * worker and the element both build their `ChatError`s here, so one failure
 * reads the same wherever it is detected, and a new language is one table.
 *
 * A server's own message always wins over ours (server-error.ts decides
 * that); the sentences here are for failures that come without one. Errors
 * are made in English: the worker does not know the page's language. The
 * element shows its own labels (`replyFailed`, `httpStatus`) in its language.
 */
import type { ChatError } from './protocol.js';

/**
 * What failed. `http`: the server answered with an error status; `network`:
 * no answer, or the connection broke; `stream`: an error event inside the
 * stream; `protocol`: the answer was not an OpenAI-compatible stream (or the
 * request could not be made: no model, no URL); `worker`: the worker could
 * not run.
 */
export type ChatErrorCode = 'http' | 'network' | 'stream' | 'protocol' | 'worker';

/** The languages of the catalogue (the element's `lang`: `zh…` → `zh`, else `en`). */
export type ErrorLanguage = 'en' | 'zh';

/** What a failure says: a sentence, and what the user can check or do. */
export interface Wording {
  message: string;
  hint?: string;
}

/** The failures we word ourselves, with what each sentence names. */
export interface FailureParams {
  /** The endpoint attribute cannot be a URL. */
  badEndpoint: { endpoint: string };
  /** `fetch` got no answer at all (down, wrong host). */
  unreachable: { endpoint: string };
  /** Something answered, but the browser withheld it (CORS); `withKey`: an api-key was sent. */
  withheldByCors: { endpoint: string; withKey: boolean };
  /** The body broke after the reply began. */
  connectionLost: { endpoint: string };
  /** The body ended cleanly but without `[DONE]` or a `finish_reason`. */
  unfinished: { endpoint: string };
  /** A payload that is not a chat completion chunk; `sample` is its start. */
  notAnAnswer: { endpoint: string; sample: string };
  /** An HTML page where the API should be (a proxy, a web app's fallback route). */
  htmlPage: { endpoint: string; status: number };
  /** An error event inside a 200 stream; `contextFull`: it says the context is full. */
  streamFailed: { contextFull: boolean };
  /** `GET /models` listed nothing, and the model attribute is empty. */
  noModels: Record<string, never>;
  /** `send()` on an element that is not in a document. */
  notInPage: Record<string, never>;
  /** The element's worker stopped answering; `detail` is the cause's own words, if any. */
  workerLost: { detail: string };
  /** A worker (`what`: "chat worker", "thread that reads replies") could not start. */
  workerStart: { what: string; detail: string };
  /** A worker that was running is gone (crashed, out of memory, closed). */
  workerGone: { what: string; detail: string };
  /** Reading the reply threw in the worker. */
  readFailed: { detail: string };
  /** Rendering the reply threw in the worker. */
  renderFailed: { detail: string };
}

export type Failure = keyof FailureParams;

/** The code of each failure (the same in every language). */
const codes: { readonly [K in Failure]: ChatErrorCode } = {
  badEndpoint: 'protocol',
  unreachable: 'network',
  withheldByCors: 'network',
  connectionLost: 'network',
  unfinished: 'protocol',
  notAnAnswer: 'protocol',
  htmlPage: 'http',
  streamFailed: 'stream',
  noModels: 'protocol',
  notInPage: 'worker',
  workerLost: 'worker',
  workerStart: 'worker',
  workerGone: 'worker',
  readFailed: 'worker',
  renderFailed: 'worker',
};

/** What our sentence for an HTTP error status says (`httpMessage` maps statuses to these). */
export type HttpMessageCase = 'apiKey' | 'notFound' | 'busy' | 'serverFailed' | 'refused';

/** What the hint for an HTTP error status points at (`httpHint` maps statuses to these). */
export type HttpHintCase = 'apiKey' | 'notFound' | 'contextFull' | 'busy' | 'serverLog' | 'settings' | 'notTheApi';

/** One language of the catalogue. */
export interface ErrorTexts {
  failures: { readonly [K in Failure]: (params: FailureParams[K]) => Wording };
  /** Our sentences for an HTTP error status that came without the server's own message. */
  httpMessages: { readonly [C in HttpMessageCase]: (status: number, endpoint: string) => string };
  /** What to check for an HTTP error status. */
  httpHints: { readonly [C in HttpHintCase]: string };
  /** Announced before the message of a failed reply. */
  replyFailed: string;
  /** The status shown after an error's message. */
  httpStatus: (status: number) => string;
}

const en: ErrorTexts = {
  failures: {
    badEndpoint: ({ endpoint }) => ({
      message: `The endpoint ${JSON.stringify(endpoint)} is not a valid URL.`,
      hint: 'Set the endpoint attribute to the API base, e.g. http://gpu-box:8000/v1.',
    }),
    unreachable: ({ endpoint }) => ({
      message: `Cannot reach ${endpoint}: is the server running and does it allow this origin (CORS)?`,
      hint: 'Check the endpoint attribute and that the server is running.',
    }),
    withheldByCors: ({ endpoint, withKey }) => ({
      message: `Cannot reach ${endpoint}: is the server running and does it allow this origin (CORS)?`,
      hint:
        'The server answered but the browser withheld the answer (CORS): allow this page’s origin on the server (vLLM: --allowed-origins)' +
        (withKey ? ', and check the api-key attribute (vLLM refuses a wrong key without CORS headers).' : '.'),
    }),
    connectionLost: ({ endpoint }) => ({
      message: `The connection to ${endpoint} was lost during the reply; what arrived is kept.`,
      hint: 'Check the server and the network, then send again.',
    }),
    unfinished: ({ endpoint }) => ({
      message: `The server at ${endpoint} ended the reply before finishing it (no finish_reason and no [DONE]); what arrived is kept.`,
      hint: 'Check the server’s log, or a proxy that may cut long responses.',
    }),
    notAnAnswer: ({ endpoint, sample }) => ({
      message: `The server at ${endpoint} sent something that is not an OpenAI-compatible answer: ${JSON.stringify(sample)}. What arrived before it is kept.`,
      hint: 'Check that the endpoint is an OpenAI-compatible API (…/v1).',
    }),
    htmlPage: ({ endpoint, status }) => ({
      message: `The server at ${endpoint} answered with an HTML page (HTTP ${status}), not the API: check the endpoint and any proxy in front of the server.`,
      hint: 'Check the endpoint attribute (it usually ends in /v1) and the proxy in front of the server.',
    }),
    streamFailed: ({ contextFull }) => ({
      message: 'The server reported an error in the middle of the reply.',
      hint: 'The reply so far is kept. ' + (contextFull ? 'Shorten the conversation (clear it) or lower max-tokens.' : 'Check the server’s log.'),
    }),
    noModels: () => ({ message: 'The server lists no models.', hint: 'Set the model attribute.' }),
    notInPage: () => ({
      message: 'The chat is not in the page.',
      hint: 'Add the <vllm-chat> element to the document before calling send().',
    }),
    workerLost: ({ detail }) => ({
      message: `The background worker that renders replies stopped working${detail ? ` (${detail})` : ''}.`,
      hint: 'Reload the page; if it keeps happening, check that the page allows the worker (CSP worker-src).',
    }),
    workerStart: ({ what, detail }) => ({
      message:
        `The ${what} could not start: the page\u2019s Content-Security-Policy (worker-src) or a missing file blocked it.` +
        (detail ? ` (${detail})` : ''),
      hint: 'Allow the bundle\u2019s origin and blob: in worker-src and script-src, and check that the chunks next to vllm-chat.js are served.',
    }),
    workerGone: ({ what, detail }) => ({
      message: `The ${what} stopped unexpectedly (it crashed, ran out of memory or was closed)${detail ? `: ${detail}` : ''}. The text that arrived is kept.`,
      hint: 'Send the message again: a new worker starts. If it keeps happening, reload the page.',
    }),
    readFailed: ({ detail }) => ({ message: `The reply failed in the worker: ${detail}` }),
    renderFailed: ({ detail }) => ({
      message: `The reply could not be rendered (${detail}); its text is kept.`,
      hint: 'Reload the page; if it happens again, report it with the reply that caused it.',
    }),
  },
  httpMessages: {
    apiKey: status => `The server rejected the API key (HTTP ${status}).`,
    notFound: (status, endpoint) => `Not found at ${endpoint} (HTTP ${status}): wrong endpoint or model name.`,
    busy: status => `The server is busy or rate-limited (HTTP ${status}).`,
    serverFailed: status => `The server failed (HTTP ${status}).`,
    refused: status => `The server refused the request (HTTP ${status}).`,
  },
  httpHints: {
    apiKey: 'Check the api-key attribute.',
    notFound: 'Check the endpoint attribute (it usually ends in /v1) and the model name.',
    contextFull: 'Shorten the conversation (clear it) or lower max-tokens.',
    busy: 'Wait a moment and send again.',
    serverLog: 'Check the server’s log.',
    settings: 'Check the request settings: model, temperature, max-tokens.',
    notTheApi: 'Check the endpoint attribute (it usually ends in /v1).',
  },
  replyFailed: 'Reply failed.',
  httpStatus: status => `HTTP ${status}`,
};

const zh: ErrorTexts = {
  failures: {
    badEndpoint: ({ endpoint }) => ({
      message: `endpoint ${JSON.stringify(endpoint)} 不是有效的 URL。`,
      hint: '请把 endpoint 属性设为 API 的根地址，例如 http://gpu-box:8000/v1。',
    }),
    unreachable: ({ endpoint }) => ({
      message: `无法连接 ${endpoint}：服务器是否在运行，是否允许此来源（CORS）？`,
      hint: '请检查 endpoint 属性，并确认服务器正在运行。',
    }),
    withheldByCors: ({ endpoint, withKey }) => ({
      message: `无法连接 ${endpoint}：服务器是否在运行，是否允许此来源（CORS）？`,
      hint:
        '服务器有应答，但浏览器拦截了它（CORS）：请在服务器上允许此页面的来源（vLLM：--allowed-origins）' +
        (withKey ? '，并检查 api-key 属性（vLLM 拒绝错误密钥时不带 CORS 头）。' : '。'),
    }),
    connectionLost: ({ endpoint }) => ({
      message: `回答过程中与 ${endpoint} 的连接断开了；已收到的内容会保留。`,
      hint: '请检查服务器和网络，然后重新发送。',
    }),
    unfinished: ({ endpoint }) => ({
      message: `${endpoint} 上的服务器没有完成回答就结束了（没有 finish_reason，也没有 [DONE]）；已收到的内容会保留。`,
      hint: '请查看服务器日志，或检查可能截断长响应的代理。',
    }),
    notAnAnswer: ({ endpoint, sample }) => ({
      message: `${endpoint} 上的服务器发来的不是 OpenAI 兼容的回答：${JSON.stringify(sample)}。之前收到的内容会保留。`,
      hint: '请确认 endpoint 是 OpenAI 兼容的 API（…/v1）。',
    }),
    htmlPage: ({ endpoint, status }) => ({
      message: `${endpoint} 上的服务器返回了 HTML 页面（HTTP ${status}），而不是 API：请检查 endpoint 和服务器前面的代理。`,
      hint: '请检查 endpoint 属性（通常以 /v1 结尾）和服务器前面的代理。',
    }),
    streamFailed: ({ contextFull }) => ({
      message: '服务器在回答过程中报告了错误。',
      hint: '已收到的回答会保留。' + (contextFull ? '请缩短对话（清空它）或调低 max-tokens。' : '请查看服务器日志。'),
    }),
    noModels: () => ({ message: '服务器没有列出任何模型。', hint: '请设置 model 属性。' }),
    notInPage: () => ({
      message: '聊天组件不在页面中。',
      hint: '请先把 <vllm-chat> 元素加入文档，再调用 send()。',
    }),
    workerLost: ({ detail }) => ({
      message: `负责渲染回答的后台 worker 停止了工作${detail ? `（${detail}）` : ''}。`,
      hint: '请重新加载页面；如果反复出现，请检查页面是否允许该 worker（CSP worker-src）。',
    }),
    workerStart: ({ what, detail }) => ({
      message: `${what} 无法启动：页面的内容安全策略（worker-src）或缺失的文件阻止了它。${detail ? `（${detail}）` : ''}`,
      hint: '请在 worker-src 和 script-src 中允许该脚本包的来源和 blob:，并检查 vllm-chat.js 旁边的分块文件是否可以访问。',
    }),
    workerGone: ({ what, detail }) => ({
      message: `${what} 意外停止（崩溃、内存不足或被关闭）${detail ? `：${detail}` : ''}。已收到的文本会保留。`,
      hint: '请再次发送消息：会启动新的 worker。如果反复出现，请重新加载页面。',
    }),
    readFailed: ({ detail }) => ({ message: `worker 读取回答失败：${detail}` }),
    renderFailed: ({ detail }) => ({
      message: `无法渲染这条回答（${detail}）；其文本会保留。`,
      hint: '请重新加载页面；如果再次出现，请附上引起问题的回答进行报告。',
    }),
  },
  httpMessages: {
    apiKey: status => `服务器拒绝了 API 密钥（HTTP ${status}）。`,
    notFound: (status, endpoint) => `在 ${endpoint} 找不到（HTTP ${status}）：endpoint 或模型名称有误。`,
    busy: status => `服务器繁忙或已限流（HTTP ${status}）。`,
    serverFailed: status => `服务器出错了（HTTP ${status}）。`,
    refused: status => `服务器拒绝了请求（HTTP ${status}）。`,
  },
  httpHints: {
    apiKey: '请检查 api-key 属性。',
    notFound: '请检查 endpoint 属性（通常以 /v1 结尾）和模型名称。',
    contextFull: '请缩短对话（清空它）或调低 max-tokens。',
    busy: '请稍等片刻再发送。',
    serverLog: '请查看服务器日志。',
    settings: '请检查请求设置：model、temperature、max-tokens。',
    notTheApi: '请检查 endpoint 属性（通常以 /v1 结尾）。',
  },
  replyFailed: '回答失败。',
  httpStatus: status => `HTTP ${status}`,
};

/** The catalogue, by language. */
export const errorTexts: { readonly [L in ErrorLanguage]: ErrorTexts } = { en, zh };

/** The `ChatError` of one of our failures, worded in `lang`. */
export function chatError<K extends Failure>(
  failure: K,
  params: FailureParams[K],
  lang: ErrorLanguage = 'en',
): ChatError {
  const { message, hint } = errorTexts[lang].failures[failure](params);
  return hint === undefined ? { code: codes[failure], message } : { code: codes[failure], message, hint };
}


/** Our sentence for an HTTP error status that came without the server's own message. */
export function httpMessage(status: number, endpoint: string, lang: ErrorLanguage = 'en'): string {
  const cases = errorTexts[lang].httpMessages;
  if (status === 401 || status === 403) return cases.apiKey(status, endpoint);
  if (status === 404) return cases.notFound(status, endpoint);
  if (status === 429) return cases.busy(status, endpoint);
  if (status >= 500) return cases.serverFailed(status, endpoint);
  return cases.refused(status, endpoint);
}

/**
 * What to check for an HTTP error status. `contextFull`: the server's message
 * says the context is full, which is the cause unless the key or the URL is
 * wrong.
 */
export function httpHint(status: number, contextFull: boolean, lang: ErrorLanguage = 'en'): string {
  const hints = errorTexts[lang].httpHints;
  if (status === 401 || status === 403) return hints.apiKey;
  if (status === 404) return hints.notFound;
  if (contextFull) return hints.contextFull;
  if (status === 429) return hints.busy;
  if (status >= 500) return hints.serverLog;
  if (status >= 400) return hints.settings;
  return hints.notTheApi;
}

/** Why `send()` refused an attachment: a type it cannot send, or a file over the size limit. */
export type AttachmentRefusal =
  | { kind: 'type'; name: string; type: string }
  | { kind: 'size'; name: string; size: number; limit: number };

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const refusalTexts: { readonly [L in ErrorLanguage]: { readonly [K in AttachmentRefusal['kind']]: (r: Extract<AttachmentRefusal, { kind: K }>) => string } } = {
  en: {
    type: r =>
      `"${r.name}" cannot be attached${r.type ? ` (${r.type})` : ''}: only images (PNG, JPEG, WebP, GIF) and text or code files can. Nothing was sent.`,
    size: r => `"${r.name}" is ${mib(r.size)}: an attachment may be at most ${mib(r.limit)}. Nothing was sent.`,
  },
  zh: {
    type: r => `无法附加“${r.name}”${r.type ? `（${r.type}）` : ''}：只能附加图片（PNG、JPEG、WebP、GIF）和文本或代码文件。未发送任何内容。`,
    size: r => `“${r.name}”有 ${mib(r.size)}：附件最大为 ${mib(r.limit)}。未发送任何内容。`,
  },
};

/** The sentence for a refused attachment, naming the file. */
export function attachmentRefusalText(refusal: AttachmentRefusal, lang: ErrorLanguage = 'en'): string {
  const texts = refusalTexts[lang];
  return refusal.kind === 'type' ? texts.type(refusal) : texts.size(refusal);
}
