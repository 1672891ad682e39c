/**
 * The composer's keyboard: Enter sends, Shift+Enter is a newline, Escape
 * stops, and Enter that confirms an IME candidate never sends.
 *
 * IME: while a composition is open, keydown has `isComposing` (UI Events,
 * §"KeyboardEvent.isComposing"). Safari fires the Enter keydown that confirmed
 * the candidate right *after* `compositionend`, with `isComposing: false` but
 * `keyCode` 229 ("Process"), so 229 is treated as composing too; our own
 * compositionstart/compositionend flag covers browsers that report neither.
 *
 * The textarea grows with its text: `field-sizing: content` in CSS where the
 * browser has it, otherwise its height is set through CSSOM (allowed under a
 * strict `style-src`, unlike a style attribute).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface ComposerCallbacks {
  /** Enter without Shift, outside a composition. */
  submit(): void;
  /** Escape. */
  stop(): void;
}

const autoSized = typeof CSS !== 'undefined' && CSS.supports?.('field-sizing', 'content');

export class ComposerController implements ReactiveController {
  #composing = false;

  constructor(
    host: ReactiveControllerHost,
    private readonly callbacks: ComposerCallbacks,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#composing = false;
  }

  /** True while an IME composition is open. */
  get composing(): boolean {
    return this.#composing;
  }

  readonly onCompositionStart = (): void => {
    this.#composing = true;
  };

  readonly onCompositionEnd = (): void => {
    this.#composing = false;
  };

  readonly onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      this.callbacks.stop();
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey) return;
    // The three signals of "this Enter belongs to the input method".
    if (event.isComposing || event.keyCode === 229 || this.#composing) return;
    event.preventDefault();
    this.callbacks.submit();
  };

  readonly onInput = (event: Event): void => {
    if (event.target instanceof HTMLTextAreaElement) this.resize(event.target);
  };

  /** Fits the textarea's height to its text where CSS cannot (no `field-sizing`). */
  resize(area: HTMLTextAreaElement): void {
    if (autoSized) return;
    area.style.height = 'auto';
    area.style.height = `${area.scrollHeight}px`;
  }
}
