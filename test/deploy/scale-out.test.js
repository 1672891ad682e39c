// Two embedded-server processes behind nginx's `upstream` (round robin), as
// several vLLM replicas behind one URL: ten <vllm-chat> elements stream at
// once through it, every reply arrives whole, and both replicas served some.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startNginx, skipWithoutNginx } from './nginx.js';
import { openPage } from './browser.js';

const apiKey = 'replica-key';
const cli = new URL('../../server/cli.js', import.meta.url).pathname;
/** @type {{ url: string, stop(): Promise<void> }[]} */
const replicas = [];
/** @type {Awaited<ReturnType<typeof startNginx>>} */
let proxy;
/** @type {Awaited<ReturnType<typeof openPage>>} */
let browser;

/** Starts `node server/cli.js` on a free port; resolves with its URL. */
async function startReplica() {
  const child = spawn(process.execPath, [cli, '--port', '0', '--rate', '300', '--api-key', apiKey], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server/cli.js did not start: ${out}`)), 10_000);
    child.stdout.on('data', d => {
      out += d;
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', code => reject(new Error(`server/cli.js exited (${code}): ${out}`)));
  });
  return {
    url: /** @type {string} */ (url),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

before(async () => {
  if (skipWithoutNginx) return;
  replicas.push(await startReplica(), await startReplica());
  browser = await openPage();
  proxy = await startNginx({ upstreams: replicas.map(r => r.url.replace('http://', '')), apiKey, origin: browser.origin });
});

after(async () => {
  await browser?.close();
  await proxy?.close();
  await Promise.all(replicas.map(r => r.stop()));
});

test('ten elements stream at once through nginx to two replicas: every reply whole, both replicas used', { skip: skipWithoutNginx }, async () => {
  const replies = await browser.page.evaluate(async endpoint => {
    const elements = Array.from({ length: 10 }, () => {
      const el = document.createElement('vllm-chat');
      el.setAttribute('endpoint', endpoint);
      el.setAttribute('model', 'MyCoder');
      document.body.append(el);
      return el;
    });
    const messages = await Promise.all(elements.map((el, i) => el.send(`[mock lines=${20 + i} lang=py] reply ${i}`)));
    return messages.map(m => ({ status: m.status, lines: m.content.split('\n').length, finishReason: m.finishReason, error: m.error }));
  }, `${proxy.url}/v1`);
  replies.forEach((reply, i) => {
    assert.equal(reply.status, 'done', `reply ${i}: ${JSON.stringify(reply.error)}`);
    assert.equal(reply.finishReason, 'stop', `reply ${i} ended as the server ended it`);
    // lines=N: N lines of code, inside prose and a fence.
    assert.ok(reply.lines >= 20 + i, `reply ${i} has all its ${20 + i} lines (${reply.lines})`);
  });
  const served = await Promise.all(
    replicas.map(async r => {
      const records = /** @type {{ path: string, endedAt: number | null, aborted: boolean }[]} */ (
        await (await fetch(`${r.url}/__mock/requests`)).json()
      );
      return records.filter(x => x.path === '/v1/chat/completions');
    }),
  );
  const [first = [], second = []] = served;
  assert.equal(first.length + second.length, 10, 'each reply was one request upstream');
  assert.ok(first.length > 0 && second.length > 0, `both replicas served (${first.length} + ${second.length})`);
  for (const record of served.flat()) assert.ok(record.endedAt && !record.aborted, 'and finished it');
});
