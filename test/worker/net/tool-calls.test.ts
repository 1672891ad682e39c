import { expect } from 'chai';
import type { StreamEnd, ToolCallDelta } from '../../../src/shared/protocol.js';
import { readCompletion, streamCompletion } from '../../../src/worker/net/completion-stream.js';
import { completionBody } from '../../../src/worker/net/request-body.js';
import { chatRequest } from '../../support/chat-request.js';

const sameOrigin = new URL('/v1', location.href).href;

const calculator = {
  type: 'function',
  function: { name: 'calculate', parameters: { type: 'object', properties: { expression: { type: 'string' } } } },
};

/** Each call's id, name and joined arguments, as the element merges the pieces. */
function merge(pieces: readonly ToolCallDelta[]): { id: string; name: string; arguments: string }[] {
  const calls: { id: string; name: string; arguments: string }[] = [];
  for (const piece of pieces) {
    const call = (calls[piece.index] ??= { id: '', name: '', arguments: '' });
    if (piece.id && !call.id) call.id = piece.id;
    if (piece.name && !call.name) call.name = piece.name;
    call.arguments += piece.arguments ?? '';
  }
  return calls;
}

/** Reads an SSE body of `chunks` (each a chunk object or raw `data` text). */
async function readChunks(chunks: unknown[]): Promise<{ end: StreamEnd; pieces: ToolCallDelta[]; content: string }> {
  const body = chunks.map(c => `data: ${typeof c === 'string' ? c : JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
  const response = new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  const pieces: ToolCallDelta[] = [];
  let content = '';
  const end = await readCompletion(response, sameOrigin, 'MyCoder', new AbortController().signal, delta => {
    content += delta.content;
    if (delta.toolCalls) pieces.push(...delta.toolCalls);
  });
  return { end, pieces, content };
}

const chunk = (delta: unknown, finish: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason: finish }] });

describe('tool calls in a stream', () => {
  it('streams the calls of the embedded server (vLLM Hermes shape) with finish reason "tool_calls"', async () => {
    const pieces: ToolCallDelta[] = [];
    const end = await streamCompletion(
      chatRequest(sameOrigin, 'What is 6 * 7? [mock tools=2 rate=0]', { tools: [calculator], toolChoice: 'auto' }),
      new AbortController().signal,
      delta => pieces.push(...(delta.toolCalls ?? [])),
    );
    expect(end.status).to.equal('done');
    expect(end.finishReason).to.equal('tool_calls');
    expect(end.usage?.completionTokens).to.be.greaterThan(0);
    const calls = merge(pieces);
    expect(calls).to.have.length(2);
    for (const call of calls) {
      expect(call.id).to.match(/^chatcmpl-tool-[0-9a-f]{32}$/);
      expect(call.name).to.equal('calculate');
      expect(JSON.parse(call.arguments)).to.deep.equal({ expression: '6 * 7' });
    }
    expect(pieces.filter(p => p.arguments).length, 'arguments in fragments').to.be.greaterThan(4);
  });

  it('gives calls positions in order of first appearance, whatever the server numbers them', async () => {
    const { pieces } = await readChunks([
      chunk({ tool_calls: [{ index: 7, id: 'a', type: 'function', function: { name: 'f' } }] }),
      chunk({ tool_calls: [{ index: 3, id: 'b', type: 'function', function: { name: 'g', arguments: '{' } }] }),
      chunk({ tool_calls: [{ index: 7, function: { arguments: '{}' } }, { index: 3, function: { arguments: '}' } }] }, 'tool_calls'),
    ]);
    expect(merge(pieces)).to.deep.equal([
      { id: 'a', name: 'f', arguments: '{}' },
      { id: 'b', name: 'g', arguments: '{}' },
    ]);
  });

  it('ignores entries and fields of the wrong type, keeping the rest of the chunk', async () => {
    const { pieces, content, end } = await readChunks([
      chunk({ content: 'text ', tool_calls: 'nope' }),
      chunk({ tool_calls: [null, 5, { index: '0', id: 'x' }, { index: -1 }, { index: 1.5 }, { index: 0, id: 42, function: { name: ['<b>'], arguments: { a: 1 } } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'call-1', function: 'f' }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '{}' } }] }, 'tool_calls'),
    ]);
    expect(content).to.equal('text ');
    expect(end.finishReason).to.equal('tool_calls');
    expect(merge(pieces)).to.deep.equal([{ id: 'call-1', name: 'f', arguments: '{}' }]);
  });

  it(`keeps at most 64 calls of one reply`, async () => {
    const many = Array.from({ length: 100 }, (_, i) => chunk({ tool_calls: [{ index: i, id: `c${i}`, function: { name: 'f', arguments: '{}' } }] }));
    const { pieces } = await readChunks(many);
    expect(merge(pieces)).to.have.length(64);
  });
});

describe('completionBody with tools', () => {
  it('sends tools and tool_choice, the assistant calls as tool_calls (content null) and tool_call_id on each result', () => {
    const body = JSON.parse(
      completionBody(
        chatRequest(sameOrigin, '', {
          tools: [calculator],
          toolChoice: { type: 'function', function: { name: 'calculate' } },
          messages: [
            { role: 'user', content: 'What is 6 * 7?' },
            { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'calculate', arguments: '{"expression": "6 * 7"}' }] },
            { role: 'tool', content: '42', toolCallId: 'c1' },
          ],
        }),
      ),
    ) as Record<string, unknown>;
    expect(body.tools).to.deep.equal([calculator]);
    expect(body.tool_choice).to.deep.equal({ type: 'function', function: { name: 'calculate' } });
    expect(body.messages).to.deep.equal([
      { role: 'user', content: 'What is 6 * 7?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculate', arguments: '{"expression": "6 * 7"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: '42' },
    ]);
  });

  it('sends neither tools nor tool_choice when there are no tools', () => {
    const body = JSON.parse(completionBody(chatRequest(sameOrigin, 'hi', { tools: [], toolChoice: 'required' }))) as Record<string, unknown>;
    expect(body).to.not.have.property('tools');
    expect(body).to.not.have.property('tool_choice');
  });
});
