import { expect } from 'chai';
import { MessageRenderer } from '../../../src/worker/render/message-renderer.js';
import { warmRender, warmRenderStats, WARM_ANSWER } from '../../../src/worker/render/warm-render.js';
import { renderOptions } from '../../support/render-harness.js';
import { countTasks } from '../../support/task-ticks.js';

describe('renderer warm-up', () => {
  it('reaches the blocks and inline rules answers hold most', async () => {
    const renderer = new MessageRenderer(renderOptions);
    renderer.feed('content', WARM_ANSWER);
    renderer.end();
    const patch = await renderer.take();
    const html = (patch.content ?? []).map(op => ('html' in op ? op.html : 'lines' in op ? op.lines.join('\n') : '')).join('\n');
    for (const tag of ['<h2', '<ol', '<ul', '<blockquote', '<table', '<pre', '<a ', '<strong', '<em', '<code', '<s>']) {
      expect(html, tag).to.include(tag);
    }
  });

  it('streams it a piece per task, stops once a reply streams, and finishes at the next call', async () => {
    let checks = 0;
    const before = warmRenderStats.takes;
    await warmRender('github-dark', () => ++checks > 3);
    expect(warmRenderStats.takes - before, 'takes before the reply').to.equal(3);
    const tasks = countTasks();
    await warmRender('github-dark');
    const ticks = tasks.stop();
    const takes = warmRenderStats.takes - before - 3;
    expect(takes, 'takes of the whole answer').to.equal(Math.ceil(WARM_ANSWER.length / 8) + 1);
    // Other tasks ran between the takes.
    expect(ticks).to.be.at.least(takes - 2);
    // Once done, never again.
    await warmRender('github-dark');
    expect(warmRenderStats.takes - before - 3).to.equal(takes);
  });
});
