/**
 * The package entry: importing it defines `<vllm-chat>` (once, however many
 * times or copies are imported).
 */
import './element/define.js';

export { VllmChat } from './element/vllm-chat.js';
export { defineVllmChat } from './element/define.js';
export type { VllmChatStrings } from './element/strings.js';
export type { VllmChatEventDetail, VllmChatToolCallDetail } from './element/emit.js';
export type { ChatMessage, ToolCall } from './shared/chat-message.js';
