import { expect } from 'chai';
import type { RequestMessage } from '../../../src/shared/protocol.js';
import { completionBody, requestBody } from '../../../src/worker/net/request-body.js';
import { chatRequest } from '../../support/chat-request.js';

const endpoint = new URL('/v1', location.href).href;

/** A reply of `lines` lines of code with quotes, backslashes and non-ASCII text, as a model writes them. */
const reply = (n: number, lines: number): string =>
  `第 ${n} 轮:\n\n\`\`\`ts\n${Array.from({ length: lines }, (_, i) => `const s${i} = "a\\tb" + '${n}'; // ✓ ${i}`).join('\n')}\n\`\`\``;

describe('requestBody', () => {
  it('is byte for byte the body as one string, with every option and kind of message', async () => {
    const messages: RequestMessage[] = [
      { role: 'system', content: 'Be brief. "Quoted" \\ and \u2028.' },
      { role: 'user', content: [{ type: 'text', text: 'What is in it?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call-1', name: 'calc', arguments: '{"x":1}' }] },
      { role: 'tool', content: '2', toolCallId: 'call-1' },
      { role: 'assistant', content: reply(1, 3) },
      { role: 'user', content: '😀 again' },
    ];
    const cases = [
      chatRequest(endpoint, 'hi'),
      chatRequest(endpoint, '', { messages: [] }),
      chatRequest(endpoint, 'x', { messages, model: 'a "model"', temperature: 0.5, maxTokens: 9, tools: [{ type: 'function' }], toolChoice: 'required' }),
    ];
    for (const request of cases) {
      const blob = requestBody(request);
      expect(await blob.text()).to.equal(completionBody(request));
      expect(blob.size).to.equal(new TextEncoder().encode(completionBody(request)).length);
      // Sent again (the same message objects): the same bytes.
      expect(await requestBody(request).text()).to.equal(completionBody(request));
    }
  });

  it('serializes only the new messages of a long conversation sent again', async () => {
    const history: RequestMessage[] = [];
    for (let i = 0; i < 60; i++) history.push({ role: 'user', content: `question ${i}` }, { role: 'assistant', content: reply(i, 200) });
    requestBody(chatRequest(endpoint, '', { messages: history }));
    const next = [...history, { role: 'user', content: 'one more' } as RequestMessage];
    // Everything JSON.stringify writes while the next body is made, in characters.
    let written = 0;
    const stringify = JSON.stringify;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      const out = stringify(...args);
      written += out?.length ?? 0;
      return out;
    }) as typeof stringify;
    let body: Blob;
    try {
      body = requestBody(chatRequest(endpoint, '', { messages: next }));
    } finally {
      JSON.stringify = stringify;
    }
    const text = completionBody(chatRequest(endpoint, '', { messages: next }));
    expect(text.length).to.be.above(400_000);
    expect(written, 'characters serialized for the new body').to.be.below(200);
    expect(await body.text()).to.equal(text);
  });
});
