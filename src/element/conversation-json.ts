/**
 * The JSON export of a conversation, every branch of it, and its import.
 *
 * `{ format: 'vllm-chat-conversation', version: 1, chosen, nodes: [{ parent,
 * chosen, message }…] }`: the tree's flat form (conversation-tree.ts), each
 * node after its parent, siblings oldest first, `chosen` naming the version
 * on screen. A message is written with every field it has.
 *
 * An import is hostile text (a file a user picked, a paste): it is parsed
 * and validated whole, each message field by field with the same reader as
 * stored conversations, before anything uses it, and every problem throws
 * an `Error` that says where.
 */
import { isRecord } from '../shared/is-record.js';
import { readMessage } from './conversation-store.js';
import { ConversationTree } from './conversation-tree.js';
import type { FlatNode } from './conversation-tree.js';

export const EXPORT_FORMAT = 'vllm-chat-conversation';
export const EXPORT_VERSION = 1;

/** Every branch of `tree` as JSON text. O(nodes). */
export function conversationJson(tree: ConversationTree): string {
  const { chosen, nodes } = tree.flatten();
  return JSON.stringify({ format: EXPORT_FORMAT, version: EXPORT_VERSION, chosen, nodes });
}

/** The tree an export describes; throws an `Error` naming the problem for anything else. */
export function parseConversationJson(text: unknown): ConversationTree {
  const fail = (why: string): never => {
    throw new Error(`importConversation(): ${why}; nothing was changed.`);
  };
  if (typeof text !== 'string') fail('expects the text of a JSON export (a string)');
  let data: unknown;
  try {
    data = JSON.parse(text as string);
  } catch (error) {
    fail(`the text is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(data) || data.format !== EXPORT_FORMAT) fail(`the JSON is not a conversation exported by <vllm-chat> (no "format": "${EXPORT_FORMAT}")`);
  const record = data as Record<string, unknown>;
  if (record.version !== EXPORT_VERSION) fail(`export version ${JSON.stringify(record.version)} is not known (this element reads version ${EXPORT_VERSION})`);
  if (!Array.isArray(record.nodes)) fail('"nodes" is not a list');
  const nodes: FlatNode[] = [];
  for (const [i, node] of (record.nodes as unknown[]).entries()) {
    if (!isRecord(node)) fail(`node ${i} is not an object`);
    const { parent, chosen } = node as Record<string, unknown>;
    if (!Number.isInteger(parent) || !Number.isInteger(chosen)) fail(`node ${i} has no whole-number "parent" and "chosen"`);
    const message = readMessage((node as Record<string, unknown>).message);
    if (!message) fail(`the message of node ${i} has an unknown shape`);
    nodes.push({ parent: parent as number, chosen: chosen as number, message: message! });
  }
  if (!Number.isInteger(record.chosen)) fail('"chosen" is not a whole number');
  const tree = ConversationTree.fromFlat({ chosen: record.chosen as number, nodes });
  if (typeof tree === 'string') fail(`the tree is broken: ${tree}`);
  return tree as ConversationTree;
}
