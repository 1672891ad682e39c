/**
 * The package entry: importing it defines `<vllm-chat>` (once, however many
 * times or copies are imported).
 */
import './components/define.js';

export { VllmChat } from './components/vllm-chat.js';
export { defineVllmChat } from './components/define.js';
export type { VllmChatStrings } from './components/strings.js';
export type { VllmChatEventDetail } from './components/emit.js';
export type { ChatMessage } from './chat-message.js';
