// Writes a chat completion as vLLM's SSE stream, one event per token, paced
// at a token rate, and stops the moment the client goes away (vLLM aborts the
// request in the engine when the connection closes).
import { now } from './request-log.js';
import { pyJson } from './error-bodies.js';

/**
 * @typedef {object} StreamPlan
 * @property {string} id @property {number} created @property {string} model
 * @property {string[]} reasoning  tokens sent in `delta[reasoningField]` first
 * @property {'reasoning_content' | 'reasoning'} reasoningField
 * @property {string[]} content  answer tokens, `delta.content`
 * @property {string[]} [deltas]  tool calls instead: each event's whole `delta` JSON (tool-calls.js); the last finishes
 * @property {string} finishReason  'stop' adds the EOS chunk; 'length' finishes on the last token
 * @property {{ prompt_tokens: number, total_tokens: number, completion_tokens: number } | null} usage
 * @property {number} rate  tokens per second; 0 = as fast as the socket takes them
 * @property {boolean} timeline  record each token event's write time
 * @property {number} failAfter  fail after this many token events (-1: never)
 * @property {'mid' | 'cut'} failHow
 * @property {import('./request-log.js').RequestRecord} record
 * @property {Set<import('node:http').ServerResponse>} openStreams
 */

/** Bytes gathered into one `res.write` when unthrottled. */
const BATCH_BYTES = 64 * 1024;

/**
 * @param {import('node:http').ServerResponse} res
 * @param {StreamPlan} plan
 * @returns {Promise<void>} resolves when the stream ended, however it ended
 */
export function streamTokens(res, plan) {
  const { record, reasoning, content, rate } = plan;
  const head = `data: {"id":"${plan.id}","object":"chat.completion.chunk","created":${plan.created},"model":${JSON.stringify(plan.model)},"choices":[{"index":0,"delta":`;
  const open = ',"logprobs":null,"finish_reason":null}]}\n\n';
  const finish = `,"logprobs":null,"finish_reason":${JSON.stringify(plan.finishReason)},"stop_reason":null}]}\n\n`;
  const reasoningKey = `{"${plan.reasoningField}":`;
  const deltas = plan.deltas;
  const textTokens = deltas ? deltas.length : reasoning.length + content.length;
  // The EOS token of a "stop" is one more paced event, with empty content.
  const events = textTokens + (plan.finishReason === 'stop' ? 1 : 0);
  const failAt = plan.failAfter >= 0 && plan.failAfter < textTokens ? plan.failAfter : -1;
  const limit = failAt >= 0 ? failAt : events;
  if (plan.timeline) record.tokenTimes = [];

  /** @param {number} i */
  const event = i => {
    const last = i === events - 1;
    if (i >= textTokens) return `${head}{"content":""}${finish}`;
    if (deltas) return head + deltas[i] + (last ? finish : open);
    const delta =
      i < reasoning.length
        ? `${reasoningKey}${JSON.stringify(reasoning[i])}}`
        : `{"content":${JSON.stringify(content[i - reasoning.length])}}`;
    return head + delta + (last ? finish : open);
  };

  return new Promise(resolve => {
    let next = 0;
    let done = false;
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const start = performance.now();

    const end = () => {
      done = true;
      clearTimeout(timer);
      plan.openStreams.delete(res);
      record.endedAt = now();
      resolve();
    };
    res.on('close', () => {
      if (done) return;
      // The client went away before the last byte: stop generating.
      record.aborted = true;
      end();
    });
    plan.openStreams.add(res);

    res.statusCode = 200;
    res.setHeader('server', 'uvicorn');
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.write(`${head}{"role":"assistant","content":""}${open}`);

    const pump = () => {
      if (done) return;
      // Throttled: every event whose time has come (token i is due at
      // start + (i + 1) / rate). Unthrottled: everything, one batch at a time.
      const due = rate > 0 ? Math.min(limit, Math.floor(((performance.now() - start) * rate) / 1000)) : limit;
      let batch = '';
      let writable = true;
      while (next < due && writable) {
        batch += event(next);
        if (next < textTokens) {
          record.tokensSent++;
        }
        next++;
        if (batch.length >= BATCH_BYTES || next === due) {
          if (plan.timeline) {
            const t = now();
            const tokenTimes = /** @type {number[]} */ (record.tokenTimes);
            while (tokenTimes.length < record.tokensSent) tokenTimes.push(t);
          }
          writable = res.write(batch);
          batch = '';
          // Unthrottled: give the event loop a turn between batches so a
          // disconnect or another request is noticed.
          if (rate === 0) break;
        }
      }
      if (next >= limit) return finishStream();
      if (!writable) {
        res.once('drain', pump);
      } else if (rate === 0) {
        setImmediate(pump);
      } else {
        timer = setTimeout(pump, Math.max(0, start + ((next + 1) * 1000) / rate - performance.now()));
      }
    };

    const finishStream = () => {
      if (failAt >= 0 && plan.failHow === 'cut') {
        // A crashed server or proxy: the connection drops, no [DONE].
        done = true;
        res.socket?.destroy();
        end();
        return;
      }
      let tail = '';
      if (failAt >= 0) {
        // serving_chat: an exception inside the generator becomes one
        // `data: {"error": …}` event (json.dumps, Python separators), then [DONE].
        tail += `data: ${pyJson({
          error: {
            message: 'The engine failed while generating this reply; the request was aborted.',
            type: 'InternalServerError',
            param: null,
            code: 500,
          },
        })}\n\n`;
      } else {
        record.finishReason = plan.finishReason;
        if (plan.usage) {
          tail += `data: {"id":"${plan.id}","object":"chat.completion.chunk","created":${plan.created},"model":${JSON.stringify(plan.model)},"choices":[],"usage":${JSON.stringify(plan.usage)}}\n\n`;
        }
      }
      tail += 'data: [DONE]\n\n';
      done = true;
      res.end(tail);
      end();
    };

    if (rate === 0) setImmediate(pump);
    else timer = setTimeout(pump, 1000 / rate);
  });
}
