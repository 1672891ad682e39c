// `POST /v1/chat/completions`, streamed or not, byte for byte as vLLM's
// OpenAIServingChat sends it (vllm/entrypoints/openai/serving_chat.py).
//
// Stream shape (chunks are pydantic `model_dump_json(exclude_unset=True)`,
// compact JSON, one `data: …\n\n` each, LF only):
//   1. delta {"role":"assistant","content":""}, logprobs null, finish_reason null
//   2. one chunk per generated token: delta {"content": token}
//   3. the finishing token's chunk: finish_reason "stop" (the EOS token, which
//      detokenizes to "") or "length" (the last token allowed), plus
//      stop_reason null
//   4. with stream_options.include_usage: choices [] and usage
//   5. data: [DONE]
import { randomUUID } from 'node:crypto';
import { tokenize } from './tokenize.js';
import { parseDirectives, numberDirective, messageText } from './directives.js';
import { composeReply } from './compose-reply.js';
import { contentPartsError, describeContent } from './content-parts.js';
import { directiveError } from './directive-error.js';
import { vllmError, modelNotFound, contextTooLong } from './error-bodies.js';
import { sendJson, sendError } from './send.js';
import { streamTokens } from './stream-tokens.js';
import { plannedCalls, toolCallDeltas, toolRequestError, toolResultsReply } from './tool-calls.js';

/**
 * @typedef {object} ChatContext
 * @property {string[]} models  served names, first is the default
 * @property {number} maxModelLen
 * @property {number} rate  default tokens per second (0 = unthrottled)
 * @property {import('./request-log.js').RequestRecord} record
 * @property {Set<import('node:http').ServerResponse>} openStreams
 */

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} rawBody
 * @param {ChatContext} ctx
 */
export async function chatCompletions(req, res, rawBody, ctx) {
  const { record } = ctx;
  /** @type {unknown} */
  let body;
  try {
    body = JSON.parse(rawBody);
  } catch (e) {
    record.body = rawBody;
    return sendError(res, record, vllmError(`Invalid JSON in request body: ${String(e)}`, 'BadRequestError', 400));
  }
  record.body = body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return sendError(res, record, vllmError('The request body must be a JSON object.', 'BadRequestError', 400));
  }
  const request = /** @type {Record<string, unknown>} */ (body);
  const model = typeof request.model === 'string' && request.model !== '' ? request.model : ctx.models[0] ?? 'MyCoder';
  // serving_engine._check_model: an unknown name is a 404 before anything else.
  if (!ctx.models.includes(model)) return sendError(res, record, modelNotFound(model));

  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    return sendError(res, record, vllmError('messages: Field required, a non-empty list', 'BadRequestError', 400));
  }
  const malformed = contentPartsError(messages);
  if (malformed) return sendError(res, record, malformed);
  const toolError = toolRequestError(request);
  if (toolError) return sendError(res, record, toolError);
  let lastUser = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i] && typeof messages[i] === 'object' && messages[i].role === 'user') {
      lastUser = i;
      break;
    }
  }
  const { values: directives, text: prompt } = parseDirectives(lastUser >= 0 ? messageText(messages[lastUser].content) : '');

  const delay = numberDirective(directives, 'delay', 0);
  if (delay > 0) {
    const gone = await waitOrClose(res, delay);
    if (gone) return markAborted(record);
  }

  const early = directiveError(directives, model);
  if (early) return sendError(res, record, early);

  // Prompt length as a chat template would make it: the text of each message
  // plus a few tokens of role markers (<|im_start|>role\n … <|im_end|>\n).
  let promptTokens = 3;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const text = i === lastUser ? prompt : messageText(m && typeof m === 'object' ? m.content : '');
    promptTokens += tokenize(text).length + 4;
  }
  const asked = firstNumber(request.max_completion_tokens, request.max_tokens);
  if (asked !== undefined && (!Number.isInteger(asked) || asked < 1)) {
    return sendError(res, record, vllmError(`max_tokens must be at least 1, got ${asked}.`, 'BadRequestError', 400));
  }
  if (asked !== undefined && promptTokens + asked > ctx.maxModelLen) {
    return sendError(res, record, contextTooLong(ctx.maxModelLen, promptTokens, asked));
  }
  // vLLM's default max_tokens is max_model_len - prompt. Here, without an
  // explicit limit, nothing is cut, so that `lines=N` gives exactly N lines
  // even past 32k tokens (a 10,000-line answer is ~150k tokens).
  const maxTokens = asked ?? Infinity;

  // A turn that ends with tool results is answered in text that quotes them (tool-calls.js).
  const afterTools = toolResultsReply(request);
  const calls = plannedCalls(request, directives);
  const reply = calls ? { reasoning: '', content: '' } : afterTools !== undefined ? { reasoning: '', content: afterTools } : composeReply(prompt, directives);
  // The directive's answer is about the message as received: its text part still holds the directive.
  if (!calls && afterTools === undefined && directives.describe === '1') reply.content = describeContent(messages[lastUser]?.content);
  let reasoning = reply.reasoning ? tokenize(reply.reasoning) : [];
  const steps = Math.floor(numberDirective(directives, 'reasoning', 0));
  if (steps > 0) reasoning = fitTokens(reasoning, steps);
  let content = tokenize(reply.content);
  // Generation stops at max_tokens ("length") or after the EOS token ("stop"),
  // which counts as a generated token but adds no text.
  let finishReason = calls ? 'tool_calls' : 'stop';
  const deltas = calls ? toolCallDeltas(calls) : undefined;
  if (!calls && reasoning.length + content.length >= maxTokens) {
    finishReason = 'length';
    if (reasoning.length >= maxTokens) {
      reasoning = reasoning.slice(0, maxTokens);
      content = [];
    } else {
      content = content.slice(0, maxTokens - reasoning.length);
    }
  }

  const rate = numberDirective(directives, 'rate', ctx.rate);
  const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
  const created = Math.floor(Date.now() / 1000);
  const completionTokens = (deltas?.length ?? 0) + reasoning.length + content.length + (finishReason === 'stop' ? 1 : 0);
  const usage = { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens };

  if (request.stream === true) {
    const options = request.stream_options;
    const includeUsage =
      !!options && typeof options === 'object' && /** @type {Record<string, unknown>} */ (options).include_usage === true;
    const error = directives.error;
    return streamTokens(res, {
      id,
      created,
      model,
      reasoning,
      reasoningField: directives.reasoning_field === 'reasoning' ? 'reasoning' : 'reasoning_content',
      content,
      deltas,
      finishReason,
      usage: includeUsage ? usage : null,
      rate,
      timeline: directives.timeline === '1',
      failAfter: error === 'mid' || error === 'cut' ? Math.floor(numberDirective(directives, 'after', 20)) : -1,
      failHow: error === 'cut' ? 'cut' : 'mid',
      record,
      openStreams: ctx.openStreams,
    });
  }

  // Non-streaming: the whole generation happens before the answer.
  const total = (deltas?.length ?? 0) + reasoning.length + content.length;
  if (rate > 0 && total > 0) {
    const gone = await waitOrClose(res, (total * 1000) / rate);
    if (gone) return markAborted(record);
  }
  record.tokensSent = total;
  record.finishReason = finishReason;
  sendJson(res, record, 200, {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          reasoning_content: reasoning.length ? reasoning.join('') : null,
          content: calls ? null : content.join(''),
          tool_calls: (calls ?? []).map(c => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
        },
        logprobs: null,
        finish_reason: finishReason,
        stop_reason: null,
      },
    ],
    usage: { ...usage, prompt_tokens_details: null },
    prompt_logprobs: null,
    kv_transfer_params: null,
  });
}

/**
 * Exactly `n` tokens: cut, or repeat the list to grow it.
 * @param {string[]} tokens @param {number} n
 */
function fitTokens(tokens, n) {
  if (tokens.length === 0) return [];
  const out = [];
  for (let i = 0; out.length < n; i++) out.push(tokens[i % tokens.length] ?? '');
  return out;
}

/** @param {...unknown} values */
function firstNumber(...values) {
  for (const v of values) if (typeof v === 'number') return v;
  return undefined;
}

/**
 * Waits `ms`; resolves true early if the client goes away meanwhile.
 * @param {import('node:http').ServerResponse} res @param {number} ms
 * @returns {Promise<boolean>}
 */
function waitOrClose(res, ms) {
  return new Promise(resolve => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(false);
    }, ms);
    res.once('close', onClose);
  });
}

/** @param {import('./request-log.js').RequestRecord} record */
function markAborted(record) {
  record.aborted = true;
  record.endedAt = performance.timeOrigin + performance.now();
}
