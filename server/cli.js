#!/usr/bin/env node
// `node server/cli.js --port 8000 --rate 60 --api-key KEY --model NAME
// [--model NAME2 …] [--max-model-len N]`: the embedded server on its own.
import { parseArgs } from 'node:util';
import { startMockServer } from './mock-server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8000' },
    rate: { type: 'string', default: '60' },
    'api-key': { type: 'string' },
    model: { type: 'string', multiple: true },
    'max-model-len': { type: 'string', default: '32768' },
  },
});

/** @param {string} name @param {string | undefined} raw */
function number(name, raw) {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number, got ${raw}`);
    process.exit(2);
  }
  return n;
}

const server = await startMockServer({
  port: number('port', values.port),
  rate: number('rate', values.rate),
  maxModelLen: number('max-model-len', values['max-model-len']),
  ...(values['api-key'] ? { apiKey: values['api-key'] } : {}),
  ...(values.model?.length ? { models: values.model } : {}),
});
console.log(`vLLM-compatible server on ${server.url}/v1 (Ctrl-C stops)`);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.once(signal, () => void server.close().then(() => process.exit(0)));
}
