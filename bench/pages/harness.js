// In-page half of the benchmark, shared by every contender page. It times one
// streamed reply from the moment the contender is asked to send until the last
// token is visible in the DOM, and records what the main thread went through
// meanwhile. Everything here is cheap per frame (O(1) DOM work, and a string
// search over the text shown since the last frame) so the probe does not
// itself block the page it measures.

/**
 * What a contender page provides.
 * @typedef {object} Contender
 * @property {(config: { endpoint: string, model: string, bundle?: string, worker?: string, assets?: unknown }) => Promise<void>} setup  loads everything; not timed
 * @property {(prompt: string) => void} start  sends the prompt (the timed run begins just before this call)
 * @property {() => void} stop  ends the reply in progress, if the contender can
 * @property {() => Element | null} codeRoot  the element whose text is the reply's code block
 * @property {() => Element | null} messageRoot  the element holding the whole reply
 * @property {'code' | 'raw'} textModel  `code`: `codeRoot` shows the code only; `raw`: it shows the raw reply text
 * @property {(content: string) => Promise<number | undefined>} [renderFloor]  ms for a one-shot render of `content`
 * @property {(content: string) => Promise<unknown>} [mathCost]  the worker's cost per formula of `content`
 * @property {() => Element | null} [diagramRoot]  the reply's rendered diagram, once there is one
 * @property {'sync' | 'none' | (() => boolean)} colour  how its code gets colour: `sync`, in the same
 *   task that shows the text; `none`, never; a function: whether the reply's code is all coloured now
 *   (called once a frame: it must be O(1))
 */

/**
 * What the runner asks for.
 * @typedef {object} RunSpec
 * @property {string} endpoint
 * @property {string} prompt
 * @property {string} body  the JSON request body of the network floor (same prompt, same server)
 * @property {string} codeTail  last non-whitespace characters of the code (or of the raw reply, for `raw`)
 * @property {string} rawTail
 * @property {string} proseTail  last non-whitespace characters of the reply's rendered text
 * @property {string} [trackText]  the text the code element will show (`raw`: the reply), whitespace
 *   removed: each frame, where the tail shown lies in it tells how far the display has got
 * @property {number} [colourWaitMs]  after the last token, how long the code may take to be all coloured
 * @property {boolean} keys  record keydown-to-next-frame delays of the probe input
 * @property {number} [diagramWaitMs]  after the last token, wait this long at most for the contender's
 *   diagram, timing it (see `diagram()`)
 */

/** Characters of the code's tail located per frame by the display-lag probe: long enough to be rare in code. */
const TRACK_TAIL = 64;
/** The longest tail it tries when a shorter one occurs twice close together. */
const TRACK_TAIL_MAX = 4096;
/** How far after a match it looks for the same tail again (squashed characters). */
const TRACK_WINDOW = 1 << 16;

/**
 * Where the text shown in `code` ends in `text` (both squashed), given that it
 * ended at `shown` or later on the previous frame; -1 when its tail is not in
 * `text`. Its last characters are searched from there: O(text added since, +
 * the window), never a read of the whole code. The first match is taken, so
 * when the same characters occur again within the window the tail is
 * lengthened until they do not; a repeat further on can make a token count
 * late, never early.
 * @param {Element} code @param {string} text @param {number} shown
 */
export function locateShown(code, text, shown) {
  for (let count = TRACK_TAIL; ; count *= 4) {
    const tail = tailText(code, count);
    if (!tail) return -1;
    const at = text.indexOf(tail, Math.max(0, shown - tail.length));
    if (at < 0) return -1;
    // A tail shorter than asked for is all the code shown: it starts the text.
    if (tail.length < count || count >= TRACK_TAIL_MAX) return at + tail.length;
    if (text.slice(at + 1, at + 1 + TRACK_WINDOW + tail.length).indexOf(tail) < 0) return at + tail.length;
  }
}

/** Strips all whitespace: renderers differ in newlines and spaces, not in the characters of the text. */
const squash = (/** @type {string} */ s) => s.replace(/\s+/g, '');

/**
 * The last `count` non-whitespace characters of `root`'s text, shadow roots excluded.
 * Walks backwards from the end: O(count) nodes, whatever the size of `root`.
 * @param {Node} root @param {number} count
 */
export function tailText(root, count) {
  let last = root;
  while (last.lastChild) last = last.lastChild;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  walker.currentNode = last;
  /** @type {Node | null} */
  let node = last.nodeType === Node.TEXT_NODE ? last : walker.previousNode();
  // Each node's text squashed once: squashing all that was gathered at every
  // step made a tail of many small nodes (a token each) quadratic.
  /** @type {string[]} */
  const parts = [];
  let length = 0;
  while (node && length < count) {
    const part = squash(node.nodeValue ?? '');
    parts.push(part);
    length += part.length;
    node = walker.previousNode();
  }
  return parts.reverse().join('').slice(-count);
}

/** Every node of the document, open shadow roots included. @param {Node} root */
export function countNodes(root) {
  let count = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
  for (let node = walker.currentNode; node; node = /** @type {Node} */ (walker.nextNode())) {
    count++;
    const shadow = node instanceof Element ? node.shadowRoot : null;
    if (shadow) count += countNodes(shadow);
  }
  return count;
}

/** @param {number[]} values @param {number} q */
function quantile(values, q) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/** @param {Contender} contender */
export function installHarness(contender) {
  /** @type {PerformanceEntry[]} */
  const longTasks = [];
  const observer = new PerformanceObserver(list => longTasks.push(...list.getEntries()));
  observer.observe({ type: 'longtask', buffered: true });

  const input = /** @type {HTMLInputElement} */ (document.getElementById('keys'));
  /** @type {number[]} */
  const keyDelays = [];
  let recordKeys = false;
  // Input delay as a user feels it: from the key press (the event's hardware
  // timestamp) to the next frame the page can paint.
  input.addEventListener('keydown', event => {
    if (!recordKeys) return;
    const pressed = event.timeStamp;
    requestAnimationFrame(() => keyDelays.push(performance.now() - pressed));
  });

  /** @type {{ abort(): void } | undefined} */
  let current;
  /** @type {Promise<unknown> | undefined} */
  let colourWatch;
  /** @type {Promise<void> | undefined} */
  let settingUp;
  /** The first frame after the contender's UI was ready (ms since navigation), 0 until then. */
  let uiAt = 0;
  /** @type {Promise<unknown> | undefined} */
  let diagramWatch;

  /**
   * From the reply's last token on screen (`endAt`) to the first frame that
   * shows the contender's diagram, and the long tasks in between: the cost of
   * a diagram rendered once its block is complete. `appearedAt` is set when
   * the frame loop of the run already saw it; otherwise this keeps polling,
   * once a frame, for `waitMs`. Never found: `{ status: 'n/a' }`.
   * @param {() => Element | null} find @param {number} endAt @param {number} appearedAt @param {number} waitMs
   */
  const watchDiagram = (find, endAt, appearedAt, waitMs) =>
    new Promise(resolve => {
      const done = (/** @type {number} */ at) => {
        longTasks.push(...observer.takeRecords());
        const during = longTasks.filter(t => t.startTime + t.duration > endAt && t.startTime < at);
        resolve({
          status: 'done',
          // Negative: it was on screen before the reply's last token.
          ms: at - endAt,
          longTasks: {
            count: during.length,
            longestMs: Math.max(0, ...during.map(t => t.duration)),
            blockingMs: during.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0),
          },
        });
      };
      if (appearedAt) return done(appearedAt);
      const poll = () => {
        const now = performance.now();
        if (find()) return done(now);
        if (now - endAt > waitMs) return resolve({ status: 'n/a', waitedMs: now - endAt });
        requestAnimationFrame(poll);
      };
      requestAnimationFrame(poll);
    });

  const bench = {
    ready: false,
    /**
     * Loads the contender; started by the page itself when given its config
     * before its scripts ran, so a page just opened gets ready as it would for its user.
     * @param {{ endpoint: string, model: string, bundle?: string, worker?: string, assets?: unknown }} config
     */
    setup(config) {
      settingUp ??= (async () => {
        await contender.setup(config);
        // The frame that paints the ready UI.
        await new Promise(resolve => requestAnimationFrame(resolve));
        uiAt = performance.now();
        bench.ready = true;
      })();
      return settingUp;
    },
    /**
     * Navigation start → the first frame of the ready UI, and what the page
     * downloaded before it: the document and every resource whose response
     * ended by then (Resource Timing transfer sizes; the other origins send
     * `Timing-Allow-Origin`, without which a cross-origin size reads 0).
     */
    firstRender() {
      if (!uiAt) return null;
      const nav = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType('navigation')[0]);
      const before = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType('resource')).filter(r => r.responseEnd <= uiAt);
      return {
        ms: uiAt,
        bytes: (nav?.transferSize ?? 0) + before.reduce((sum, r) => sum + r.transferSize, 0),
        resources: before.length + (nav ? 1 : 0),
      };
    },
    /** Nodes of the document, open shadow roots included, when asked (after the colour settled). */
    endState: () => ({ domNodes: countNodes(document) }),
    /** When the last run's code was all coloured (see `watchColour` in `run`), or null before a finished run. */
    colour: () => colourWatch ?? null,
    /**
     * The stream's arrival time alone: the same request, body read and discarded.
     * @param {RunSpec} spec
     */
    async networkFloor(spec) {
      const t0 = performance.now();
      const response = await fetch(`${spec.endpoint}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: spec.body,
      });
      const reader = /** @type {ReadableStreamDefaultReader<Uint8Array>} */ (response.body?.getReader());
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
      }
      return { ms: performance.now() - t0, bytes };
    },
    /** @param {RunSpec} spec */
    run(spec) {
      return new Promise(resolve => {
        longTasks.push(...observer.takeRecords());
        longTasks.length = 0;
        /** @type {number[]} */
        const intervals = [];
        const trackText = spec.trackText ?? '';
        // Display progress, one pair per frame that showed more code: epoch ms, squashed end shown.
        /** @type {number[]} */
        const shownAt = [];
        let shown = 0;
        const colourDone = typeof contender.colour === 'function' ? contender.colour : undefined;
        let colouredAt = 0;
        colourWatch = undefined;
        let finished = false;
        let prev = 0;
        let t0 = 0;
        // Looked for on every frame only when asked: the search walks the reply.
        const diagramRoot = spec.diagramWaitMs ? contender.diagramRoot : undefined;
        let diagramAt = 0;
        diagramWatch = undefined;

        const visible = () => {
          const code = contender.codeRoot();
          const message = contender.messageRoot();
          if (!code || !message) return false;
          if (!tailText(code, spec.codeTail.length).endsWith(spec.codeTail)) return false;
          if (contender.textModel === 'raw') return tailText(code, spec.rawTail.length).endsWith(spec.rawTail);
          // The whole reply's tail may be followed by the contender's own UI text (stats, buttons).
          return tailText(message, spec.proseTail.length + 200).includes(spec.proseTail);
        };

        let lastPush = 0;
        let firstAt = 0;
        const report = /** @type {{ __benchSnapshot?: (s: unknown) => void }} */ (/** @type {unknown} */ (window));

        /** Figures so far; O(frames + long tasks), no DOM walk. @param {number} end */
        const summary = end => {
          longTasks.push(...observer.takeRecords());
          const during = longTasks.filter(t => t.startTime + t.duration > t0 && t.startTime < end);
          return {
            ms: end - t0,
            firstMs: firstAt ? firstAt - t0 : null,
            longTasks: {
              count: during.length,
              longestMs: Math.max(0, ...during.map(t => t.duration)),
              blockingMs: during.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0),
            },
            frames: {
              count: intervals.length,
              p50: quantile(intervals, 0.5),
              p95: quantile(intervals, 0.95),
              max: Math.max(0, ...intervals),
              over50: intervals.filter(d => d > 50).length,
            },
            keys: spec.keys
              ? { count: keyDelays.length, p95: quantile(keyDelays, 0.95), max: Math.max(0, ...keyDelays) }
              : undefined,
          };
        };

        /** @param {'done' | 'timeout'} status */
        const finish = status => {
          if (finished) return;
          finished = true;
          recordKeys = false;
          const codeText = contender.codeRoot()?.textContent ?? '';
          const endAt = performance.now();
          if (diagramRoot && status === 'done') diagramWatch = watchDiagram(diagramRoot, endAt, diagramAt, spec.diagramWaitMs ?? 0);
          if (status === 'done') colourWatch = watchColour(endAt);
          resolve({
            status,
            // The same instant as the colour's start, so that a `sync` colour equals it.
            ...summary(endAt),
            visibleCodeChars: squash(codeText).length,
            shownAt: spec.trackText ? shownAt : undefined,
            domNodes: countNodes(document),
          });
        };
        current = { abort: () => finish('timeout') };

        /**
         * The first frame whose code is all coloured, ms after send (`ms`), by
         * how the contender colours (`kind`): for `sync` the frame of the last
         * token (`endAt`); `none` never colours; `progressive` is asked once a
         * frame, from send on, and `ms` is null when it did not finish within
         * `colourWaitMs` of the last token.
         * @param {number} endAt
         * @returns {Promise<{ kind: 'sync' | 'none' | 'progressive', ms: number | null }>}
         */
        const watchColour = endAt =>
          new Promise(resolve => {
            if (contender.colour === 'none') return resolve({ kind: 'none', ms: null });
            if (!colourDone) return resolve({ kind: 'sync', ms: endAt - t0 });
            const kind = 'progressive';
            if (colouredAt) return resolve({ kind, ms: Math.max(colouredAt, endAt) - t0 });
            const poll = () => {
              const now = performance.now();
              if (colourDone()) return resolve({ kind, ms: now - t0 });
              if (now - endAt > (spec.colourWaitMs ?? 10_000)) return resolve({ kind, ms: null });
              requestAnimationFrame(poll);
            };
            requestAnimationFrame(poll);
          });

        const frame = () => {
          if (finished) return;
          // performance.now() here, not the callback's argument: that is the
          // frame's start time, stale after a long block.
          const now = performance.now();
          intervals.push(now - prev);
          prev = now;
          if (!firstAt) {
            // The first code character on screen: what precedes it (request,
            // worker start, grammar loading) is paid once per reply.
            const code = contender.codeRoot();
            if (code && tailText(code, 1) !== '') firstAt = now;
          }
          if (diagramRoot && !diagramAt && diagramRoot()) diagramAt = now;
          if (trackText) {
            // How far the code shown reaches (see `locateShown`).
            const code = contender.codeRoot();
            const end = code ? locateShown(code, trackText, shown) : -1;
            if (end > shown) {
              shown = end;
              shownAt.push(performance.timeOrigin + now, shown);
            }
          }
          if (colourDone && !colouredAt && colourDone()) colouredAt = now;
          if (visible()) return finish('done');
          // For a page that then freezes past its time limit: what was measured
          // until now, and the tail of the code shown (the runner finds it in the
          // expected code to tell how far the page got).
          if (now - lastPush > 1000 && report.__benchSnapshot) {
            lastPush = now;
            const code = contender.codeRoot();
            report.__benchSnapshot({ ...summary(now), tail: code ? tailText(code, 60) : '' });
          }
          requestAnimationFrame(frame);
        };

        input.value = '';
        input.focus();
        keyDelays.length = 0;
        recordKeys = spec.keys;
        t0 = performance.now();
        prev = t0;
        contender.start(spec.prompt);
        requestAnimationFrame(frame);
      });
    },
    /** Ends a run that exceeded its time limit, returning what was measured. */
    abort() {
      current?.abort();
      try {
        contender.stop();
      } catch {
        // a contender without a stop control keeps streaming; the page is closed next
      }
    },
    /** @param {string} content */
    renderFloor: (content) => contender.renderFloor?.(content),
    /** @param {string} content */
    mathCost: (content) => contender.mathCost?.(content),
    /** The diagram figures of the last run (see `watchDiagram`), or null when not asked for. */
    diagram: () => diagramWatch ?? null,
  };
  Object.assign(window, { bench });
  // A config given before the page's scripts ran (the runner's init script): set up at once, as a page does for its user.
  const config = /** @type {{ __benchConfig?: Parameters<typeof bench.setup>[0] }} */ (/** @type {unknown} */ (window)).__benchConfig;
  if (config) void bench.setup(config).catch(error => console.error(error));
}
