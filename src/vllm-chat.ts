/**
 * The package entry: importing it defines `<vllm-chat>` (once, however many
 * times or copies are imported).
 */
export { VllmChat } from './components/vllm-chat.js';
export type { ChatMessage } from './chat-message.js';
