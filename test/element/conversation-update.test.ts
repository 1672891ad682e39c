import { expect } from 'chai';
import { conversationUpdate } from '../../src/element/conversation-update.js';
import type { ChatRequest } from '../../src/shared/protocol.js';

type M = ChatRequest['messages'][number];
const u = (content: string): M => ({ role: 'user', content });
const a = (content: string): M => ({ role: 'assistant', content });

describe('conversationUpdate', () => {
  it('sends only the previous reply and the new question of a new turn', () => {
    const sent = [u('q1')];
    const now = [u('q1'), a('a1'), u('q2')];
    expect(conversationUpdate('c', sent, now)).to.deep.equal({ conversation: 'c', base: 1, keep: 1, append: [a('a1'), u('q2')] });
  });

  it('keeps nothing of an empty copy, and everything that did not change', () => {
    expect(conversationUpdate('c', [], [u('q')])).to.deep.equal({ conversation: 'c', base: 0, keep: 0, append: [u('q')] });
    const same = [u('q'), a('r')];
    expect(conversationUpdate('c', same, [...same])).to.deep.include({ keep: 2, append: [] });
  });

  it('drops what regenerate, edit and clear took away', () => {
    const sent = [u('q1'), a('a1'), u('q2')];
    // Regenerate: the same question again.
    expect(conversationUpdate('c', sent, [u('q1'), a('a1'), u('q2')])).to.deep.include({ keep: 3, append: [] });
    // Edit of the second question.
    expect(conversationUpdate('c', sent, [u('q1'), a('a1'), u('q2 edited')])).to.deep.include({ keep: 2, append: [u('q2 edited')] });
    // Clear, then a new question.
    expect(conversationUpdate('c', sent, [u('new')])).to.deep.include({ base: 3, keep: 0, append: [u('new')] });
  });

  it('tells apart the same text with other tool calls or another tool_call_id', () => {
    const calls = [{ id: 'c1', name: 'f', arguments: '{}' }];
    const sent: M[] = [u('q'), { role: 'assistant', content: '', toolCalls: calls }, { role: 'tool', content: '1', toolCallId: 'c1' }];
    expect(conversationUpdate('c', sent, [...sent])).to.deep.include({ keep: 3 });
    expect(conversationUpdate('c', sent, [u('q'), a('')])).to.deep.include({ keep: 1 });
    expect(conversationUpdate('c', sent, [sent[0]!, sent[1]!, { role: 'tool', content: '1', toolCallId: 'c2' }])).to.deep.include({ keep: 2 });
  });

  it('tells apart a changed role or a changed text of the same length', () => {
    const sent = [{ role: 'system', content: 'be brief' } as M, u('abc')];
    expect(conversationUpdate('c', sent, [u('be brief'), u('abc')])).to.deep.include({ keep: 0 });
    expect(conversationUpdate('c', sent, [sent[0]!, u('abd')])).to.deep.include({ keep: 1, append: [u('abd')] });
  });
});
