'use strict';
/**
 * The featureless Node.js floor, for profiling side by side with a Switchyard worker: node:http
 * in front, round robin over undici Pools, hop-by-hop headers dropped, nothing else (no
 * health, no metrics, no routes). The same shape as anchors.sh's raw-undici entry.
 *
 *   node bench/lib/floor-proxy.js PORT UPSTREAM_PORT...
 */
const http = require('node:http');
const { Pool } = require('undici');

const [port, ...ups] = process.argv.slice(2).map(Number);
const pools = ups.map((p) => new Pool(`http://127.0.0.1:${p}`, { connections: 128 }));
const HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'];
let next = 0;

const server = http.createServer((req, res) => {
  const headers = { ...req.headers };
  for (const h of HOP) delete headers[h];
  const pool = pools[next++ % pools.length];
  pool.stream(
    { path: req.url, method: req.method, headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req },
    ({ statusCode, headers: up }) => {
      for (const h of HOP) delete up[h];
      res.writeHead(statusCode, up);
      return res;
    },
    (err) => {
      if (err && !res.headersSent) {
        res.writeHead(502);
        res.end();
      }
    },
  );
});
server.keepAliveTimeout = 120_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
