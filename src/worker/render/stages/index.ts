/**
 * The render stages, in the order they are installed on every markdown
 * instance (markdown.ts) and their post-render passes run. A new kind of
 * content is one file in this folder and one line here; the streamed ==
 * one-shot test (test/worker/render/stages.test.ts) covers each entry.
 */
import { directionStage } from './direction.js';
import { images } from './images.js';
import { mathStage } from './math.js';
import type { RenderStage } from './render-stage.js';
import { safeLinks } from './safe-links.js';
import { tableAlign } from './table-align.js';
import { tablesStage } from './tables.js';
import { taskListsStage } from './task-lists.js';

export type { RenderStage } from './render-stage.js';

export const renderStages: readonly RenderStage[] = [safeLinks, images, tableAlign, tablesStage, taskListsStage, mathStage, directionStage];
