'use strict';
// A demo backend for docker/compose.yaml: answers every request with its own name, so the
// spread across backends is visible (`curl localhost:8080/` a few times). GET /health is the
// active health check target; /slow?ms=N answers after N ms (to watch least_conn or drains).
// No dependencies: it runs on the plain node image and from this repository alike.
const http = require('node:http');
const os = require('node:os');

const name = process.env.BACKEND_NAME || os.hostname();
const port = Number(process.env.PORT || 9000);
const host = process.env.HOST || '0.0.0.0';

const server = http.createServer((req, res) => {
  const url = new URL(req.url || '/', 'http://backend');
  if (url.pathname === '/health') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok\n');
    return;
  }
  const answer = () => {
    const body = JSON.stringify({ backend: name, method: req.method, path: url.pathname, forwarded_for: req.headers['x-forwarded-for'] || null }) + '\n';
    res.writeHead(200, { 'content-type': 'application/json', 'x-backend': name });
    res.end(body);
  };
  req.resume();
  if (url.pathname === '/slow') setTimeout(answer, Math.min(Number(url.searchParams.get('ms')) || 1000, 60000));
  else answer();
});

server.listen(port, host, () => {
  const a = server.address();
  process.stdout.write(JSON.stringify({ event: 'listening', backend: name, port: a.port }) + '\n');
});

// PID 1 in a container gets no default signal handling: stop promptly on `docker stop`.
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
