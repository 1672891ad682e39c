/**
 * Every version of a conversation: a tree of messages in which each node's
 * children are the versions of the next message (oldest first) and `chosen`
 * says which of them is on screen. The conversation on screen is the path
 * that follows `chosen` from the root down to a leaf.
 *
 * Regenerating or editing a message adds a sibling to its node (`add` at
 * that depth); sending adds a child to the last node of the path. Switching
 * a version changes one `chosen` and the path below it follows the choices
 * remembered there, so each version keeps its own later messages.
 *
 * Messages are held by reference and never copied or inspected here: the
 * tree works for whatever fields a `ChatMessage` carries.
 */
import type { ChatMessage } from '../shared/chat-message.js';

/** The versions of one message: the children of a node (or of the root). */
export interface Versions {
  readonly children: TreeNode[];
  /** Index in `children` of the version on screen (0 when there are none). */
  chosen: number;
}

export interface TreeNode extends Versions {
  readonly message: ChatMessage;
}

/** One node of the flat form: its parent's index in the list (-1: the root) and its own choice. */
export interface FlatNode {
  parent: number;
  chosen: number;
  message: ChatMessage;
}

/**
 * The tree as a list, each node after its parent, siblings in version order:
 * the form that is stored and exported. A list rather than nesting, so a
 * conversation of thousands of turns is not thousands of levels deep.
 */
export interface FlatTree {
  chosen: number;
  nodes: FlatNode[];
}

export class ConversationTree {
  readonly root: Versions = { children: [], chosen: 0 };
  #path: TreeNode[] = [];
  #messages: readonly ChatMessage[] = [];

  /** The nodes on screen, oldest first. */
  get path(): readonly TreeNode[] {
    return this.#path;
  }

  /** The messages on screen, oldest first (a new array after each change). */
  get messages(): readonly ChatMessage[] {
    return this.#messages;
  }

  /**
   * Adds `message` as a new version at `depth` (a child of the path's node
   * above it; `depth === path.length` appends) and puts it on screen, with
   * nothing after it. O(depth).
   */
  add(depth: number, message: ChatMessage): TreeNode {
    if (!Number.isInteger(depth) || depth < 0 || depth > this.#path.length) {
      throw new RangeError(`ConversationTree.add: depth ${depth} is outside 0…${this.#path.length}.`);
    }
    const parent = this.#parentAt(depth);
    const node: TreeNode = { message, children: [], chosen: 0 };
    parent.chosen = parent.children.push(node) - 1;
    this.#path.length = depth;
    this.#path.push(node);
    this.#messages = this.#path.map(n => n.message);
    return node;
  }

  /**
   * Shows the version `delta` steps from the one on screen at `depth`, and
   * the messages last chosen under it. False (and nothing changes) when
   * there is no such version. O(length of the new path).
   */
  switch(depth: number, delta: number): boolean {
    if (!Number.isInteger(depth) || depth < 0 || depth >= this.#path.length) return false;
    const parent = this.#parentAt(depth);
    const target = parent.chosen + delta;
    if (!Number.isInteger(target) || target < 0 || target >= parent.children.length || target === parent.chosen) return false;
    parent.chosen = target;
    this.#path.length = depth;
    this.#follow(parent);
    return true;
  }

  /** Which version is on screen at `depth` (1-based) and how many there are. */
  versions(depth: number): { index: number; count: number } {
    const parent = this.#parentAt(depth);
    return { index: parent.chosen + 1, count: parent.children.length };
  }

  /** The tree as a list, parents first (pre-order); O(nodes), no recursion. */
  flatten(): FlatTree {
    const nodes: FlatNode[] = [];
    const stack: { node: TreeNode; parent: number }[] = [];
    const push = (children: readonly TreeNode[], parent: number) => {
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, parent });
    };
    push(this.root.children, -1);
    for (let next = stack.pop(); next; next = stack.pop()) {
      const index = nodes.push({ parent: next.parent, chosen: next.node.chosen, message: next.node.message }) - 1;
      push(next.node.children, index);
    }
    return { chosen: this.root.chosen, nodes };
  }

  /**
   * The tree a flat list describes, or a sentence saying why it describes
   * none: each parent must come before its child, and every choice must name
   * an existing child. The messages are taken as given (validate them first).
   */
  static fromFlat(flat: FlatTree): ConversationTree | string {
    const tree = new ConversationTree();
    tree.root.chosen = flat.chosen;
    const made: TreeNode[] = [];
    for (const [i, { parent, chosen, message }] of flat.nodes.entries()) {
      if (!Number.isInteger(parent) || parent < -1 || parent >= i) return `node ${i} names parent ${String(parent)}, which does not come before it`;
      const node: TreeNode = { message, children: [], chosen };
      made.push(node);
      (parent === -1 ? tree.root : made[parent]!).children.push(node);
    }
    for (const [i, versions] of [tree.root, ...made].entries()) {
      const count = versions.children.length;
      const ok = Number.isInteger(versions.chosen) && (count === 0 ? versions.chosen === 0 : versions.chosen >= 0 && versions.chosen < count);
      if (!ok) return `${i === 0 ? 'the root' : `node ${i - 1}`} chooses version ${String(versions.chosen)} of ${count}`;
    }
    tree.#follow(tree.root);
    return tree;
  }

  /** A tree of one branch: `messages` in order. O(messages). */
  static linear(messages: readonly ChatMessage[]): ConversationTree {
    const nodes = messages.map((message, i) => ({ parent: i - 1, chosen: 0, message }));
    return ConversationTree.fromFlat({ chosen: 0, nodes }) as ConversationTree;
  }

  #parentAt(depth: number): Versions {
    return depth === 0 ? this.root : this.#path[depth - 1]!;
  }

  /** Extends the path from `from` along the remembered choices. */
  #follow(from: Versions): void {
    for (let at = from.children[from.chosen]; at; at = at.children[at.chosen]) this.#path.push(at);
    this.#messages = this.#path.map(n => n.message);
  }
}
