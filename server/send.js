// Writing whole (non-streamed) answers, as Starlette's JSONResponse does:
// compact JSON, content-length, `server: uvicorn`.
import { now } from './request-log.js';

/**
 * @param {import('node:http').ServerResponse} res
 * @param {import('./request-log.js').RequestRecord | null} record
 * @param {number} status @param {string} contentType @param {string} body
 */
export function sendRaw(res, record, status, contentType, body) {
  if (res.headersSent || res.destroyed) return;
  res.statusCode = status;
  res.setHeader('server', 'uvicorn');
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
  if (record) record.endedAt = now();
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {import('./request-log.js').RequestRecord | null} record
 * @param {number} status @param {unknown} value
 */
export function sendJson(res, record, status, value) {
  sendRaw(res, record, status, 'application/json', JSON.stringify(value));
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {import('./request-log.js').RequestRecord | null} record
 * @param {import('./error-bodies.js').ErrorReply} error
 */
export function sendError(res, record, error) {
  sendRaw(res, record, error.status, error.contentType, error.body);
}
