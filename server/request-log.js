// What the server saw and did, for tests and the benchmark
// (`GET /__mock/requests`). Not part of vLLM's surface.

/** Epoch milliseconds with sub-millisecond fractions. */
export const now = () => performance.timeOrigin + performance.now();

/**
 * @typedef {object} RequestRecord
 * @property {number} id
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string | string[] | undefined>} headers
 * @property {unknown} body  parsed JSON, the raw text when it was not JSON, or null
 * @property {number} startedAt
 * @property {number | null} endedAt
 * @property {boolean} aborted  the client went away before the reply ended
 * @property {number} tokensSent  token events written (reasoning and content)
 * @property {string | null} finishReason
 * @property {number[]} [tokenTimes]  write time of each token event (`timeline=1`)
 */

/** Keeps the last `limit` requests, oldest first. */
export class RequestLog {
  /** @param {number} [limit] */
  constructor(limit = 100) {
    this.limit = limit;
    /** @type {RequestRecord[]} */
    this.records = [];
    this.nextId = 1;
  }

  /**
   * Starts a record for `req` and returns it; callers update it in place.
   * @param {import('node:http').IncomingMessage} req @param {string} path
   * @returns {RequestRecord}
   */
  start(req, path) {
    /** @type {RequestRecord} */
    const record = {
      id: this.nextId++,
      method: req.method ?? 'GET',
      path,
      headers: { ...req.headers },
      body: null,
      startedAt: now(),
      endedAt: null,
      aborted: false,
      tokensSent: 0,
      finishReason: null,
    };
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    return record;
  }

  clear() {
    this.records.length = 0;
  }
}
