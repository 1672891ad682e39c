/**
 * GFM task list items: a list item whose text starts with `[ ]` or `[x]`
 * (either case) and a space shows a disabled checkbox instead of the marker.
 * A markdown-it core rule after inline parsing, so the marker is found in
 * the item's first text token (markdown-it has no task lists of its own; a
 * plugin package would add a dependency for these few lines).
 */
import type { MarkdownIt, Token } from 'markdown-it';
import type { RenderOptions } from '../../../shared/protocol.js';
import { checkboxHtml } from '../safe-html.js';

/** GFM §5.3: `[`, a space or `x`/`X`, `]`, then whitespace. */
const MARKER = /^\[([ xX])\][ \t]/;

export const taskListsStage = {
  name: 'task-lists',
  markdown(md: MarkdownIt, _options: RenderOptions): void {
    md.core.ruler.push('vllm_task_lists', state => {
      const tokens = state.tokens;
      const lists: Token[] = [];
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        if (!token) continue;
        if (token.type === 'bullet_list_open' || token.type === 'ordered_list_open') lists.push(token);
        else if (token.type === 'bullet_list_close' || token.type === 'ordered_list_close') lists.pop();
        if (token.type !== 'list_item_open') continue;
        const inline = tokens[i + 2];
        if (tokens[i + 1]?.type !== 'paragraph_open' || inline?.type !== 'inline') continue;
        const first = inline.children?.[0];
        const marker = first?.type === 'text' ? MARKER.exec(first.content) : null;
        if (!first || !marker || !inline.children) continue;
        first.content = first.content.slice(marker[0].length);
        const box = new state.Token('task_checkbox', '', 0);
        box.meta = { checked: marker[1] !== ' ' };
        inline.children.unshift(box);
        token.attrJoin('class', 'task-list-item');
        lists.at(-1)?.attrSet('class', 'contains-task-list');
      }
    });
    md.renderer.rules.task_checkbox = (tokens, idx) => checkboxHtml(tokens[idx]?.meta?.checked === true);
  },
};

/** Inputs for the streamed == one-shot test of every stage. */
export const taskListsSamples: string[] = [
  '- [ ] open\n- [x] done\n- [X] also done\n- plain\n',
  'Plan:\n\n1. [x] parse\n2. [ ] render **bold** `code`\n\n- [ ]\n- [y] not a task\n- [ ]no space\n',
  '- [ ] outer\n  - [x] inner\n  - [ ] inner two\n\n> - [x] quoted\n',
];
