import { expect } from 'chai';
import type { ChatRequest } from '../../../src/shared/protocol.js';
import { forgetConversation, requestMessages, syncConversation } from '../../../src/worker/session/conversations.js';

const request = (conversation: string): ChatRequest => ({
  endpoint: 'http://x/v1',
  model: 'm',
  apiKey: '',
  messages: [],
  conversation,
  render: { theme: 'github-dark', labels: { copy: 'Copy' } },
});

describe('the worker’s copies of conversations', () => {
  it('rebuilds the whole conversation from updates that carry only what changed', () => {
    expect(syncConversation({ conversation: 'a', base: 0, keep: 0, append: [{ role: 'user', content: 'q1' }] })).to.equal(true);
    expect(
      syncConversation({
        conversation: 'a',
        base: 1,
        keep: 1,
        append: [
          { role: 'assistant', content: 'r1' },
          { role: 'user', content: 'q2' },
        ],
      }),
    ).to.equal(true);
    expect(requestMessages(request('a')).map(m => m.content)).to.deep.equal(['q1', 'r1', 'q2']);
    // Regenerating after an edit: keep the first, replace the rest.
    expect(syncConversation({ conversation: 'a', base: 3, keep: 1, append: [{ role: 'user', content: 'q1b' }] })).to.equal(true);
    expect(requestMessages(request('a')).map(m => m.content)).to.deep.equal(['q1', 'q1b']);
    forgetConversation('a');
  });

  it('refuses an update based on a copy it does not have, and then takes the whole conversation', () => {
    // A worker started since (no copy), or one that missed an update (another length).
    expect(syncConversation({ conversation: 'b', base: 2, keep: 2, append: [{ role: 'user', content: 'q2' }] })).to.equal(false);
    expect(() => requestMessages(request('b'))).to.throw(/conversation "b" was never synced/);
    syncConversation({ conversation: 'b', base: 0, keep: 0, append: [{ role: 'user', content: 'q1' }] });
    expect(syncConversation({ conversation: 'b', base: 3, keep: 1, append: [] })).to.equal(false);
    expect(requestMessages(request('b')).map(m => m.content)).to.deep.equal(['q1']);
    // `keep` 0 always succeeds, whatever the copy holds.
    expect(syncConversation({ conversation: 'b', base: 0, keep: 0, append: [{ role: 'user', content: 'x' }] })).to.equal(true);
    expect(requestMessages(request('b')).map(m => m.content)).to.deep.equal(['x']);
    forgetConversation('b');
    expect(() => requestMessages(request('b'))).to.throw();
  });

  it('gives a request a snapshot that a later sync does not change', () => {
    syncConversation({ conversation: 'c', base: 0, keep: 0, append: [{ role: 'user', content: 'q1' }] });
    const inFlight = requestMessages(request('c'));
    syncConversation({ conversation: 'c', base: 1, keep: 0, append: [{ role: 'user', content: 'other' }] });
    expect(inFlight.map(m => m.content)).to.deep.equal(['q1']);
    forgetConversation('c');
  });

  it('uses the request’s own messages when it names no conversation', () => {
    const own: ChatRequest = { ...request('x'), messages: [{ role: 'user', content: 'inline' }] };
    delete own.conversation;
    expect(requestMessages(own)).to.equal(own.messages);
  });
});
