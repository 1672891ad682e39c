import { expect } from 'chai';
import { mount, part, parts, servers, unmountAll } from './chat-fixture.js';

describe('<vllm-chat> errors', () => {
  afterEach(unmountAll);

  const cases: [string, string, number | undefined, RegExp][] = [
    ['400', 'vLLM context length', 400, /maximum context length is 32768 tokens\. However, you requested 40000/],
    ['401', 'string error', 401, /Unauthorized|API key/i],
    ['404', 'unknown model', 404, /The model `MyCoder-XL` does not exist\./],
    ['500', 'engine failure', 500, /internal error/],
    ['html', 'proxy HTML page', 502, /\S/],
    ['flat', 'old vLLM flat shape', 400, /maximum context length is 32768 tokens\. Please reduce/],
    ['openai', 'OpenAI shape', 400, /128000 tokens/],
    ['llamacpp', 'llama.cpp shape', 400, /exceeds the available context size/],
    ['ollama', 'Ollama string error', 404, /not found, try pulling it first/],
  ];
  for (const [kind, what, status, message] of cases) {
    it(`reports a ${what} (error=${kind}) as status error with the server's message, visibly`, async () => {
      const el = await mount({ model: 'MyCoder' });
      const reply = await el.send(`[mock error=${kind}]`);
      expect(reply.status).to.equal('error');
      expect(reply.error?.status).to.equal(status);
      expect(reply.error?.message).to.match(message);
      const shown = part(el, 'error');
      expect(shown.closest('[part~="assistant"]')).to.equal(parts(el, 'assistant')[0]);
      expect(shown.textContent).to.contain(reply.error!.message);
      // The status as a whole number (400 must not hide behind "40000 tokens" in the message).
      expect(shown.textContent).to.match(new RegExp(`\\b${status}\\b`));
      expect(shown.getAttribute('role')).to.equal('alert');
      // Never server HTML as markup.
      expect(shown.querySelector('center, h1, title')).to.equal(null);
    });
  }

  for (const how of ['mid', 'cut']) {
    it(`keeps what arrived visible above the error when the stream fails (error=${how})`, async () => {
      const el = await mount({ model: 'MyCoder' });
      const reply = await el.send(`[mock rate=400 lines=40 lang=py error=${how} after=60]`);
      expect(reply.status).to.equal('error');
      expect(reply.content.length).to.be.greaterThan(20);
      expect(reply.error?.message).to.be.a('string').and.not.equal('');
      const assistant = parts(el, 'assistant')[0]!;
      const error = part(el, 'error');
      expect(assistant.contains(error)).to.equal(true);
      const firstLine = reply.content.split('\n')[0]!;
      expect(assistant.textContent).to.contain(firstLine);
      // The arrived text comes before the error in reading order.
      const content = assistant.querySelector('.content')!;
      expect(content.compareDocumentPosition(error) & Node.DOCUMENT_POSITION_FOLLOWING).to.not.equal(0);
    });
  }

  it('reports an unreachable server with a clear sentence', async () => {
    const el = await mount({ endpoint: 'http://127.0.0.1:9/v1', model: 'MyCoder' });
    const reply = await el.send('hi');
    expect(reply.status).to.equal('error');
    expect(reply.error!.message.length).to.be.greaterThan(10);
    expect(part(el, 'error').textContent).to.contain(reply.error!.message);
  });

  it('reports a refused api-key of a cross-origin vLLM (its 401 carries no CORS headers) as an error naming the server', async () => {
    const el = await mount({ endpoint: servers.keyed, model: 'MyCoder', 'api-key': 'wrong' });
    const reply = await el.send('hi');
    expect(reply.status).to.equal('error');
    expect(reply.error!.message).to.contain(new URL(servers.keyed).host);
    expect(part(el, 'error').textContent).to.contain(reply.error!.message);
  });
});
