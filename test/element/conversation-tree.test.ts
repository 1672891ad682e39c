import { expect } from 'chai';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { ConversationTree } from '../../src/element/conversation-tree.js';

const user = (content: string): ChatMessage => ({ role: 'user', content, status: 'done' });
const reply = (content: string): ChatMessage => ({ role: 'assistant', content, status: 'done' });
const texts = (tree: ConversationTree) => tree.messages.map(m => m.content);

describe('conversation tree', () => {
  it('appends messages as one branch, each with one version', () => {
    const tree = new ConversationTree();
    tree.add(0, user('q1'));
    tree.add(1, reply('a1'));
    tree.add(2, user('q2'));
    expect(texts(tree)).to.deep.equal(['q1', 'a1', 'q2']);
    expect([0, 1, 2].map(d => tree.versions(d))).to.deep.equal([
      { index: 1, count: 1 },
      { index: 1, count: 1 },
      { index: 1, count: 1 },
    ]);
  });

  it('adds a version at a depth, oldest first, makes it current and drops what followed from view', () => {
    const tree = ConversationTree.linear([user('q1'), reply('a1'), user('q2'), reply('a2')]);
    tree.add(1, reply('a1 again'));
    expect(texts(tree)).to.deep.equal(['q1', 'a1 again']);
    expect(tree.versions(1)).to.deep.equal({ index: 2, count: 2 });
    tree.add(1, reply('a1 third'));
    expect(tree.versions(1)).to.deep.equal({ index: 3, count: 3 });
  });

  it('switches to a version and the messages last chosen under it', () => {
    const tree = ConversationTree.linear([user('q1'), reply('a1'), user('q2'), reply('a2')]);
    tree.add(2, user('q2 edited'));
    tree.add(3, reply('a2 edited'));
    tree.add(3, reply('a2 edited, again'));
    expect(tree.switch(2, -1)).to.equal(true);
    expect(texts(tree)).to.deep.equal(['q1', 'a1', 'q2', 'a2']);
    expect(tree.versions(2)).to.deep.equal({ index: 1, count: 2 });
    expect(tree.switch(2, 1)).to.equal(true);
    // The edited branch comes back as it was left: its second reply on screen.
    expect(texts(tree)).to.deep.equal(['q1', 'a1', 'q2 edited', 'a2 edited, again']);
    expect(tree.versions(3)).to.deep.equal({ index: 2, count: 2 });
  });

  it('refuses to switch past either end or outside the path, changing nothing', () => {
    const tree = ConversationTree.linear([user('q1'), reply('a1')]);
    tree.add(1, reply('a1 again'));
    const before = tree.messages;
    expect(tree.switch(1, 1)).to.equal(false);
    expect(tree.switch(1, -2)).to.equal(false);
    expect(tree.switch(2, -1)).to.equal(false);
    expect(tree.switch(-1, 1)).to.equal(false);
    expect(tree.switch(0, 0.5)).to.equal(false);
    expect(tree.messages).to.equal(before);
    expect(() => tree.add(5, user('x'))).to.throw(RangeError);
  });

  it('flattens parents first and rebuilds the same tree from the flat form', () => {
    const tree = ConversationTree.linear([user('q1'), reply('a1'), user('q2'), reply('a2')]);
    tree.add(0, user('q1 edited'));
    tree.add(1, reply('a1b'));
    tree.switch(0, -1);
    const flat = tree.flatten();
    expect(flat.nodes.map(n => [n.parent, n.chosen, n.message.content])).to.deep.equal([
      [-1, 0, 'q1'],
      [0, 0, 'a1'],
      [1, 0, 'q2'],
      [2, 0, 'a2'],
      [-1, 0, 'q1 edited'],
      [4, 0, 'a1b'],
    ]);
    expect(flat.chosen).to.equal(0);
    const again = ConversationTree.fromFlat(flat) as ConversationTree;
    expect(texts(again)).to.deep.equal(['q1', 'a1', 'q2', 'a2']);
    expect(again.switch(0, 1)).to.equal(true);
    expect(texts(again)).to.deep.equal(['q1 edited', 'a1b']);
    expect(again.flatten()).to.deep.equal({ ...flat, chosen: 1 });
  });

  it('says why a flat form describes no tree', () => {
    const m = user('x');
    const broken = [
      { chosen: 0, nodes: [{ parent: 0, chosen: 0, message: m }] },
      { chosen: 0, nodes: [{ parent: -2, chosen: 0, message: m }] },
      { chosen: 0, nodes: [{ parent: 1, chosen: 0, message: m }, { parent: -1, chosen: 0, message: m }] },
      { chosen: 1, nodes: [{ parent: -1, chosen: 0, message: m }] },
      { chosen: 0, nodes: [{ parent: -1, chosen: 1, message: m }] },
      { chosen: 0, nodes: [{ parent: -1, chosen: 0, message: m }, { parent: 0, chosen: -1, message: m }] },
      { chosen: 0.5, nodes: [{ parent: -1, chosen: 0, message: m }] },
      { chosen: 1, nodes: [] },
    ];
    for (const flat of broken) expect(ConversationTree.fromFlat(flat), JSON.stringify(flat)).to.be.a('string');
    expect(ConversationTree.fromFlat({ chosen: 0, nodes: [] })).to.be.instanceOf(ConversationTree);
  });

  it('keeps a long conversation flat: thousands of turns build, flatten and rebuild without deep recursion', () => {
    const messages = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? reply(`a${i}`) : user(`q${i}`)));
    const tree = ConversationTree.linear(messages);
    expect(tree.messages).to.have.length(20_000);
    const again = ConversationTree.fromFlat(tree.flatten()) as ConversationTree;
    expect(again.messages[19_999]).to.equal(messages[19_999]);
  });
});
