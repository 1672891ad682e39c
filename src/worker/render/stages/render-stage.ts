/**
 * A render stage: one kind of content (links, images, tables, math, …) as
 * one file that registers in one list (`index.ts`). Types only.
 *
 * The streaming renderer (section-renderer.ts) parses only complete lines and
 * treats every top-level block but the last as final, so a stage must keep
 * markdown-it's block boundaries true:
 * - content that spans lines (e.g. `$$ … $$`) is a markdown-it *block* rule,
 *   which makes it one top-level block that stays the open tail until it is
 *   closed; an inline or core rule that joins lines would be split wrongly;
 * - a stage's output depends only on its block's tokens (and the render
 *   options), never on blocks before or after it, so a block rendered while
 *   streaming and in a one-shot render gives the same HTML;
 * - its markup is built with safe-html.ts from escaped text, like every other
 *   renderer rule.
 * Each stage is proved streamed == one-shot by test/worker/render/stages.test.ts,
 * which fails for a registered stage that has no samples there.
 */
import type { MarkdownIt } from 'markdown-it';
import type { RenderOptions } from '../../../shared/protocol.js';

export interface RenderStage {
  /** Unique, kebab-case; tests are named after it. */
  name: string;
  /** Installs markdown-it rules/renderers. Called once per markdown instance with the render options. */
  markdown?: (md: MarkdownIt, options: RenderOptions) => void;
  /**
   * Optional post-render pass over one top-level markdown block's HTML
   * (worker side), each time the block is rendered: frozen, or as the open
   * tail. Top-level fenced code streams through its own path and is not passed.
   */
  postRender?: (html: string, options: RenderOptions) => string;
}
