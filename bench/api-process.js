// The embedded vLLM-compatible server in a process of its own, as a real
// vLLM is: its event loop, busy writing an unthrottled reply, must not delay
// the static servers of the pages and the bundle (e.g. a grammar chunk the
// worker loads mid-reply), which run in the benchmark's process.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../server/cli.js', import.meta.url));

/**
 * @param {{ model: string, maxModelLen: number }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export function startApiProcess({ model, maxModelLen }) {
  const child = spawn(
    process.execPath,
    [cli, '--port', '0', '--rate', '0', '--model', model, '--max-model-len', String(maxModelLen)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise(resolve => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`The API server did not start within 10 s: ${out}`));
    }, 10_000);
    child.once('exit', code => {
      clearTimeout(timer);
      reject(new Error(`The API server exited (${code}) before it listened: ${out}`));
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', text => {
      out += text;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out);
      if (!m?.[1]) return;
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      resolve({
        url: m[1],
        async close() {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}
