// @ts-check (tsc checks this file against the package's declarations)
import 'vllm-chat';

let replies = 0;
document.addEventListener('vllm-chat-done', () => {
  const counter = document.getElementById('replies');
  if (counter) counter.textContent = `Replies finished: ${++replies}`;
});

/**
 * @param {string} prompt
 * @returns {Promise<import('vllm-chat').ChatMessage>}
 */
function askForCode(prompt) {
  const chat = document.querySelector('vllm-chat');
  if (!chat) throw new Error('askForCode(): no <vllm-chat> on the page');
  chat.addEventListener('vllm-chat-error', event => console.warn(event.detail.message.error?.message));
  return chat.send(prompt);
}
Object.assign(window, { askForCode });
