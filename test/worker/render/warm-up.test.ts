import { expect } from 'chai';
import { getHighlighter, loadFenceLanguage, loadTheme, TOKENIZE_OPTIONS } from '../../../src/worker/render/highlight.js';
import { grammarRegexStats } from '../../../src/worker/render/grammar-regexes.js';
import { warmSample, warmUp, wideSample, WARM_LANGUAGES, WARM_SAMPLES } from '../../../src/worker/render/warm-up.js';
import { MessageRenderer } from '../../../src/worker/render/message-renderer.js';
import { renderOptions } from '../../support/render-harness.js';
import { countTasks } from '../../support/task-ticks.js';

const built = () => grammarRegexStats.converted + grammarRegexStats.fromTable;

/** Ordinary TypeScript, none of it in the warm-up's sample. */
const answer = [
  "import { createServer } from 'node:http';",
  'type Handler = (req: Request) => Promise<Response>;',
  'export function serve(port: number, handle: Handler): void {',
  '  const server = createServer(async (req, res) => {',
  "    res.setHeader('content-type', 'text/plain'); // plain text",
  '    res.end(`${req.method} ${req.url}`);',
  '  });',
  '  server.listen(port, () => console.log(`listening on ${port}`));',
  '}',
];

describe('warm-up', () => {
  it('has a sample for every warm language', () => {
    for (const word of WARM_LANGUAGES) expect(WARM_SAMPLES[word], word).to.have.length.greaterThan(3);
  });

  // Before the warm-up below has sampled every language.
  it('tokenizes a sample a line per task, so the tokens of a reply pass between its lines', async () => {
    const hl = await getHighlighter();
    const id = await loadFenceLanguage('python');
    if (!id) throw new Error('no Python grammar');
    await loadTheme('github-dark');
    const before = built();
    const tasks = countTasks();
    await warmSample(hl, id, 'github-dark');
    const ticks = tasks.stop();
    expect(built() - before, 'regexes the sample built').to.be.greaterThan(20);
    expect(ticks).to.be.at.least((WARM_SAMPLES.python ?? []).length - 1);
  });

  // Before the warm-up below has sampled every language.
  it('compiles the sample of a language the prompt names only until the reply’s text arrives', async () => {
    const renderer = new MessageRenderer(renderOptions);
    const prepared = renderer.prepare('用 bash 写一个备份脚本');
    // The first token: from now on a sample line would hold the reply's tokens up.
    renderer.feed('content', '好的');
    await prepared;
    const hl = await getHighlighter();
    const id = await loadFenceLanguage('bash');
    if (!id) throw new Error('no shell grammar');
    const before = built();
    await warmSample(hl, id, 'github-dark');
    expect(built() - before, 'regexes the sample still had to build').to.be.greaterThan(5);
  });

  it('compiles the rules ordinary code reaches, so a first answer builds few regexes of its own', async () => {
    const before = built();
    await warmUp('github-dark');
    const warmed = built() - before;
    const hl = await getHighlighter();
    const lang = await loadFenceLanguage('ts');
    if (!lang) throw new Error('no TypeScript grammar');
    const start = built();
    hl.codeToTokensBase(answer.join('\n'), { lang, theme: 'github-dark', ...TOKENIZE_OPTIONS });
    const own = built() - start;
    // Warmed with the top-level rules alone, the same answer builds several times more.
    expect(warmed, 'regexes built by the warm-up').to.be.greaterThan(200);
    expect(own, 'regexes the answer still built').to.be.lessThan(20);
  });

  it('stops between lines once a reply streams', async () => {
    let calls = 0;
    await warmUp('github-light', () => ++calls > 2);
    expect(calls).to.equal(3);
  });

  // The engine compiles a regex apart for subjects with characters past U+00FF.
  it('has a sample for every warm language whose every line is wide, as a line with a Chinese comment is', async () => {
    const hl = await getHighlighter();
    await loadTheme('github-dark');
    for (const word of WARM_LANGUAGES) {
      const wide = wideSample(word);
      expect(wide.length, word).to.be.greaterThan(3);
      for (const line of wide) expect(/[^\u0000-\u00ff]/.test(line), `${word}: ${line}`).to.equal(true);
      // Still code: the wide lines reach rules, not only a comment's or a string's.
      const lang = await loadFenceLanguage(word);
      if (!lang) throw new Error(`no grammar for ${word}`);
      const tokens = hl.codeToTokensBase(wide.join('\n'), { lang, theme: 'github-dark', ...TOKENIZE_OPTIONS });
      const colours = new Set(tokens.flat().map(token => token.color));
      expect(colours.size, `${word}: colours in the wide sample`).to.be.at.least(3);
    }
  });
});
