import { expect } from 'chai';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { ConversationStore } from '../../src/element/conversation-store.js';
import { ConversationTree } from '../../src/element/conversation-tree.js';
import type { AttachmentData } from '../../src/element/conversation-store.js';

const PNG_URL = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

function removeAll(key: string): void {
  for (const name of Object.keys(localStorage)) if (name === key || name.startsWith(`${key}#`)) localStorage.removeItem(name);
}

/** Hooks that remember what was restored. */
function hooks(data: Map<ChatMessage, (string | undefined)[]> = new Map()): AttachmentData & { restoredData: (string | undefined)[][] } {
  const restoredData: (string | undefined)[][] = [];
  return {
    restoredData,
    data: m => data.get(m),
    dropped: m => data.delete(m),
    restored: (_m, d) => restoredData.push(d),
  };
}

describe('stored attachments', () => {
  it('round-trips a message’s files beside it, and records without them read as before', () => {
    const key = `files-${Date.now()}`;
    try {
      const message: ChatMessage = { role: 'user', content: 'q', status: 'done', attachments: [{ name: 'dot.png', type: 'image/png', size: 70 }, { name: 'a.py', type: 'text/plain', size: 6 }] };
      const plain: ChatMessage = { role: 'assistant', content: 'a', status: 'done' };
      expect(new ConversationStore(key, localStorage, hooks(new Map([[message, [PNG_URL, 'x = 1\n']]]))).save(ConversationTree.linear([message, plain]))).to.equal('saved');
      const reading = hooks();
      const { tree } = new ConversationStore(key, localStorage, reading).load();
      expect(tree.messages).to.deep.equal([message, plain]);
      expect(reading.restoredData).to.deep.equal([[PNG_URL, 'x = 1\n']]);
    } finally {
      removeAll(key);
    }
  });

  it('treats a stored image that is not a base64 image data: URL as not kept', () => {
    const key = `files-hostile-${Date.now()}`;
    try {
      localStorage.setItem(`${key}#r1`, JSON.stringify({
        role: 'user',
        content: 'q',
        status: 'done',
        attachments: [{ name: 'x.png', type: 'image/png', size: 1 }, { name: 'y.gif', type: 'image/gif', size: 1 }],
        attachmentData: ['data:text/html;base64,PHNjcmlwdD4=', 'javascript:alert(1)'],
      }));
      localStorage.setItem(key, JSON.stringify({ format: 'vllm-chat', version: 2, records: ['r1'] }));
      const reading = hooks();
      expect(new ConversationStore(key, localStorage, reading).load().tree.messages).to.have.length(1);
      expect(reading.restoredData).to.deep.equal([[undefined, undefined]]);
    } finally {
      removeAll(key);
    }
  });
});
