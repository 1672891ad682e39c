/**
 * A fast path for parsing the chunks of one stream. A server streams
 * thousands of chunks that differ only in their text: vLLM's are
 *
 *     {"id":"chatcmpl-…","object":"chat.completion.chunk","created":…,"model":"…",
 *      "choices":[{"index":0,"delta":{"content":"<text>"},"logprobs":null,"finish_reason":null}]}
 *
 * Once one such chunk was parsed in full, the next whose bytes before and
 * after the text are the same is that chunk with another text: only the text
 * needs decoding. Exact, not a guess: the prefix and suffix are byte for
 * byte those of a chunk that `JSON.parse` accepted, and the text between them
 * is accepted only if it is one JSON string body (no bare `"`, `\` or control
 * character; escapes go through `JSON.parse`), so the whole is the same JSON
 * with another string at that place. Anything else (the first chunk, the
 * finish and usage chunks, servers that vary other fields) takes the full
 * parse.
 */

/**
 * A parsed chunk: the objects `ChunkReader.take` reads. From `match`,
 * `chunk` and `choice` are the learnt template's own objects (everything in
 * them is this chunk's too, except the delta inside); `delta` is this chunk's.
 */
export interface ParsedChunk {
  chunk: Record<string, unknown>;
  choice: Record<string, unknown> | undefined;
  delta: Record<string, unknown>;
}

/** Full parses a stream may learn from; a server whose chunks never repeat stops costing extra after these. */
const MAX_LESSONS = 8;

const KEY = '"content":"';

export class ChunkShape {
  private prefix = '';
  private suffix = '';
  private template: ParsedChunk | undefined;
  private lessons = 0;

  /** The chunk `data` stands for if it has the learnt shape, else `undefined` (parse it in full). */
  match(data: string): ParsedChunk | undefined {
    const template = this.template;
    if (!template) return undefined;
    const { prefix, suffix } = this;
    if (data.length < prefix.length + suffix.length || !data.startsWith(prefix) || !data.endsWith(suffix)) return undefined;
    const body = data.slice(prefix.length, data.length - suffix.length);
    let content: string;
    if (!/["\\\u0000-\u001f]/.test(body)) content = body;
    else {
      try {
        content = JSON.parse(`"${body}"`) as string;
      } catch {
        return undefined;
      }
    }
    return { chunk: template.chunk, choice: template.choice, delta: { ...template.delta, content } };
  }

  /**
   * Learns the shape of a chunk that `JSON.parse` accepted as `parsed`, when
   * its delta's `content` is a string written once: the template is that
   * chunk, checked by parsing it again with another text in place.
   */
  learn(data: string, parsed: ParsedChunk): void {
    if (this.lessons >= MAX_LESSONS || typeof parsed.delta.content !== 'string') return;
    this.lessons++;
    const at = data.indexOf(KEY);
    if (at < 0 || data.indexOf(KEY, at + 1) >= 0) return;
    const start = at + KEY.length;
    const end = closingQuote(data, start);
    if (end < 0) return;
    const prefix = data.slice(0, start);
    const suffix = data.slice(end);
    try {
      const probe: unknown = JSON.parse(`${prefix}probe${suffix}`);
      const choices = (probe as { choices?: { delta?: { content?: unknown } }[] }).choices;
      if (choices?.[0]?.delta?.content !== 'probe') return;
    } catch {
      return;
    }
    this.prefix = prefix;
    this.suffix = suffix;
    this.template = parsed;
  }
}

/** Index of the `"` that ends the JSON string body starting at `from`, or -1. */
function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++; // a backslash escapes the next character
    else if (c === 34) return i;
  }
  return -1;
}
