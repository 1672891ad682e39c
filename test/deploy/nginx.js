// Debian's nginx with the README's deploy/nginx.conf, for the deployment
// tests: the file is used as shipped, with only the lines it marks
// "← yours" replaced (free port, replicas, key, allowed origin, a temporary
// directory for pid, logs and buffers). nginx runs as the current user in the
// foreground (`daemon off`), bound to 127.0.0.1.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const nginxConf = new URL('../../deploy/nginx.conf', import.meta.url).pathname;

/** The nginx binary, or null when it is not installed (the tests then skip). */
export function nginxPath() {
  for (const candidate of [process.env.NGINX_PATH, '/usr/sbin/nginx']) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync('which', ['nginx'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export const skipWithoutNginx = nginxPath()
  ? false
  : 'nginx is not installed (apt-get install -y nginx, or set NGINX_PATH); .ci/run installs it';

/** A port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * deploy/nginx.conf with its "← yours" lines filled in.
 * @param {{ port: number, upstreams: string[], apiKey: string, origin: string, dir: string }} o
 */
export function renderConf({ port, upstreams, apiKey, origin, dir }) {
  const text = readFileSync(nginxConf, 'utf8');
  /** @type {[RegExp, string | ((line: string, indent: string) => string)][]} */
  const rules = [
    [/^(\s*)pid .*$/m, `$1pid ${dir}/nginx.pid;`],
    [/^(\s*)error_log .*$/m, `$1error_log ${dir}/error.log info;`],
    [/^(\s*)access_log .*$/m, `$1access_log ${dir}/access.log;`],
    [/^(\s*)(client_body|proxy|fastcgi|uwsgi|scgi)_temp_path .*$/gm, `$1$2_temp_path ${dir}/$2;`],
    [/^(\s*)server 127\.0\.0\.1:8000;.*$/m, (/** @type {string} */ _l, /** @type {string} */ indent) =>
      upstreams.map(u => `${indent}server ${u};`).join('\n')],
    [/^(\s*)"https:\/\/app\.example\.com" \$http_origin;.*$/m, `$1"${origin}" $$http_origin;`],
    [/^(\s*)listen 127\.0\.0\.1:8080;.*$/m, `$1listen 127.0.0.1:${port};`],
    [/^(\s*)proxy_set_header Authorization "Bearer change-me";.*$/m, `$1proxy_set_header Authorization "Bearer ${apiKey}";`],
  ];
  let conf = text;
  for (const [pattern, replacement] of rules) {
    const before = conf;
    conf = conf.replace(pattern, /** @type {string} */ (replacement));
    if (conf === before) throw new Error(`deploy/nginx.conf: no line matches ${pattern}; update test/deploy/nginx.js with the file`);
  }
  const unmarked = conf.split('\n').filter(line => line.includes('← yours') && /\/var\/|\/run\//.test(line));
  if (unmarked.length) throw new Error(`deploy/nginx.conf: lines left pointing at system paths: ${unmarked.join(' | ')}`);
  // As root, nginx would run its workers as `nobody`, who cannot use the
  // temporary directory; the test's nginx stays the current user throughout.
  return process.getuid?.() === 0 ? `user root;\n${conf}` : conf;
}

/**
 * Starts nginx with the rendered config; resolves once it accepts connections.
 * @param {{ upstreams: string[], apiKey: string, origin: string }} options
 * @returns {Promise<{ url: string, conf: string, close(): Promise<void> }>}
 */
export async function startNginx({ upstreams, apiKey, origin }) {
  const binary = nginxPath();
  if (!binary) throw new Error('startNginx(): nginx is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'vllm-chat-nginx-'));
  const port = await freePort();
  const conf = renderConf({ port, upstreams, apiKey, origin, dir });
  const confPath = join(dir, 'nginx.conf');
  writeFileSync(confPath, conf);
  // -p: the prefix (relative paths and the mime.types-free config resolve
  // there); -e: the early error log, before the config is read.
  const child = spawn(binary, ['-p', dir, '-e', join(dir, 'early-error.log'), '-c', confPath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', d => (stderr += d));
  const exited = new Promise(resolve => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '';
      throw new Error(`nginx exited (${child.exitCode}): ${stderr}${log}`);
    }
    try {
      await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`nginx did not listen on ${url} within 10 s: ${stderr}`);
      await new Promise(r => setTimeout(r, 50));
    }
  }
  return {
    url,
    conf,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGQUIT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
