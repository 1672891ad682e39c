// A streaming reverse proxy of `/v1/*` to a real vLLM (or any OpenAI-
// compatible server). SSE must reach the browser token by token, so nothing
// is buffered or compressed: headers go out as soon as the upstream sends
// them, and each upstream chunk is written through as it arrives.
import http from 'node:http';
import https from 'node:https';

/**
 * @param {{ target: string, apiKey?: string }} options  target: e.g. http://gpu-box:8000
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
export function createProxyHandler({ target, apiKey }) {
  const base = new URL(target);
  const client = base.protocol === 'https:' ? https : http;
  const basePath = base.pathname.replace(/\/+$/, '');

  return (req, res) => {
    /** @type {import('node:http').OutgoingHttpHeaders} */
    const headers = { ...req.headers, host: base.host };
    // The browser's own encodings would make the upstream compress the SSE.
    delete headers['accept-encoding'];
    // Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded.
    delete headers.connection;
    delete headers['keep-alive'];
    if (apiKey) headers.authorization = `Bearer ${apiKey}`;

    const upstream = client.request(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port || (base.protocol === 'https:' ? 443 : 80),
        method: req.method,
        path: basePath + (req.url ?? '/'),
        headers,
      },
      up => {
        /** @type {import('node:http').OutgoingHttpHeaders} */
        const out = { ...up.headers };
        delete out.connection;
        delete out['keep-alive'];
        delete out['transfer-encoding'];
        // Buffering proxies in front of this one (nginx) must not hold SSE back.
        if (String(up.headers['content-type'] ?? '').startsWith('text/event-stream')) {
          out['cache-control'] = 'no-cache';
          out['x-accel-buffering'] = 'no';
        }
        res.writeHead(up.statusCode ?? 502, out);
        res.flushHeaders();
        up.on('data', chunk => res.write(chunk));
        up.on('end', () => res.end());
        up.on('error', () => res.destroy());
        up.on('aborted', () => res.destroy());
      },
    );
    upstream.setNoDelay(true);
    upstream.on('error', error => {
      if (res.headersSent) return void res.destroy();
      const body = JSON.stringify({
        error: {
          message: `The proxy could not reach the model server at ${target}: ${error.message}. Check VLLM_URL and that the server is running.`,
          type: 'BadGateway',
          param: null,
          code: 502,
        },
      });
      res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    // The browser went away: abort upstream, so the model stops generating.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}
