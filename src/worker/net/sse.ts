/**
 * Server-sent events decoding: response body bytes in, events out.
 *
 * Implements the WHATWG HTML "event stream interpretation"
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * "Streams must be decoded using the UTF-8 decode algorithm", a `TextDecoder`
 * in stream mode, so a character split across network chunks is decoded once
 * whole. Lines, fields and dispatch are `eventsource-parser`'s: a small,
 * spec-faithful, push-style parser already used by the OpenAI SDK ecosystem,
 * which holds back partial lines (and a trailing `\r` that may be half of a
 * `\r\n`) across chunks.
 */
import { createParser, type EventSourceParser } from 'eventsource-parser';

/** One dispatched event. `event` is the `event:` field when the server sent one. */
export interface SseEvent {
  data: string;
  event?: string;
}

/** Decodes one event stream; `feed` each body chunk, then `end` once. */
export class SseDecoder {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private events: SseEvent[] = [];
  /** Whether the text fed so far ends with `\r`; see `end`. */
  private endsWithCr = false;

  constructor() {
    this.parser = createParser({
      onEvent: ({ data, event }) => {
        this.events.push(event === undefined ? { data } : { data, event });
      },
      // "If the field name is 'id' … 'retry' …": reconnection state, which a
      // one-shot POST stream never uses; unknown fields "are ignored".
      onRetry: () => {},
      onError: () => {},
    });
  }

  /**
   * Decodes a chunk and returns the events it completed. O(chunk): the parser
   * only re-joins the fragments of the one line left open by earlier chunks.
   */
  feed(bytes: Uint8Array): SseEvent[] {
    // "One leading U+FEFF BYTE ORDER MARK character must be ignored if any are
    // present": TextDecoder strips it (ignoreBOM defaults to false).
    this.push(this.decoder.decode(bytes, { stream: true }));
    return this.take();
  }

  /** The body ended: returns the events that only its end completes. */
  end(): SseEvent[] {
    this.push(this.decoder.decode());
    // The parser waits after a final `\r` for a possible `\n`. At the end of
    // the stream that `\r` is a whole line end ("\r\n" counts as one), so a
    // `\n` completes exactly that line. Without a final `\r` nothing is fed:
    // "If the file ends in the middle of an event, before the final empty
    // line, the incomplete event is not dispatched."
    if (this.endsWithCr) this.parser.feed('\n');
    this.endsWithCr = false;
    return this.take();
  }

  private push(text: string): void {
    if (text === '') return;
    this.endsWithCr = text.charCodeAt(text.length - 1) === 13;
    this.parser.feed(text);
  }

  private take(): SseEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }
}
