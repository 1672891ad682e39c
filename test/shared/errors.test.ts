import { expect } from 'chai';
import { chatError, httpHint, httpMessage, type Failure, type FailureParams } from '../../src/shared/errors.js';

/** One set of parameters per failure: the type makes a new failure add its own. */
const samples: { [K in Failure]: FailureParams[K] } = {
  badEndpoint: { endpoint: 'http://[bad' },
  unreachable: { endpoint: 'http://gpu-box:8000/v1' },
  withheldByCors: { endpoint: 'http://gpu-box:8000/v1', withKey: true },
  connectionLost: { endpoint: 'http://gpu-box:8000/v1' },
  unfinished: { endpoint: 'http://gpu-box:8000/v1' },
  notAnAnswer: { endpoint: 'http://gpu-box:8000/v1', sample: '<html>' },
  htmlPage: { endpoint: 'http://gpu-box:8000/v1', status: 502 },
  streamFailed: { contextFull: false },
  noModels: {},
  notInPage: {},
  workerLost: { detail: 'terminated' },
  workerStart: { what: 'chat worker', detail: 'no answer in 8 s' },
  workerGone: { what: 'thread that reads replies', detail: 'closed' },
  readFailed: { detail: 'boom' },
  renderFailed: { detail: 'boom' },
};

const han = /\p{Script=Han}/u;

describe('error catalogue', () => {
  for (const failure of Object.keys(samples) as Failure[]) {
    it(`words ${failure} in English and Chinese with one code and what it names`, () => {
      const params = samples[failure];
      const en = chatError(failure, params);
      const zh = chatError(failure, params, 'zh');
      expect(zh.code).to.equal(en.code);
      expect(en.message).to.match(/^[A-Z]/);
      expect(en.message).to.not.match(han);
      expect(zh.message).to.match(han);
      expect(zh.hint === undefined).to.equal(en.hint === undefined);
      if (en.hint !== undefined) expect(zh.hint).to.match(han);
      // The endpoint, status or detail a sentence names is in both languages.
      for (const value of Object.values(params)) {
        if (typeof value !== 'string' && typeof value !== 'number') continue;
        expect(en.message, 'en').to.contain(String(value));
        expect(zh.message, 'zh').to.contain(String(value));
      }
    });
  }

  it('maps every HTTP error status to a sentence and a hint in both languages', () => {
    for (const status of [400, 401, 403, 404, 409, 422, 429, 500, 502, 503]) {
      for (const lang of ['en', 'zh'] as const) {
        expect(httpMessage(status, 'http://gpu-box:8000/v1', lang)).to.contain(String(status));
        expect(httpHint(status, false, lang)).to.not.equal('');
      }
      expect(httpMessage(status, 'x', 'zh')).to.match(han);
    }
    // A full context is the hint's reason unless the key or the URL is wrong.
    expect(httpHint(400, true)).to.equal('Shorten the conversation (clear it) or lower max-tokens.');
    expect(httpHint(401, true)).to.equal('Check the api-key attribute.');
  });
});
