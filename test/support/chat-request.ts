/**
 * A chat request as the element would resolve it, for tests that drive the
 * worker's parts directly: one user message, the default theme.
 */
import type { ChatRequest } from '../../src/shared/protocol.js';

export function chatRequest(endpoint: string, text: string, options: Partial<ChatRequest> = {}): ChatRequest {
  return {
    endpoint,
    model: 'MyCoder',
    apiKey: '',
    messages: [{ role: 'user', content: text }],
    render: { theme: 'github-dark', labels: { copy: 'Copy' } },
    ...options,
  };
}
