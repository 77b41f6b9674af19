'use strict';
/**
 * Tiny HTTP upstreams for the scenarios that need behaviour nginx cannot give (a fixed delay).
 * Run as a child: `node upstream-server.js 19101:0 19102:0 19103:200` (port:delay_ms); each
 * answers every request with a 16-byte body and `x-upstream: <port>`. Tells the parent
 * {ready: true} over IPC once all listen. `startUpstreams` forks it from a scenario.
 */
const http = require('node:http');
const { fork } = require('node:child_process');

function serve(specs) {
  return Promise.all(specs.map(({ port, delay }) => new Promise((resolve, reject) => {
    const body = `hello from ${port}\n`.slice(0, 16).padEnd(16, ' ');
    const headers = { 'content-type': 'text/plain', 'content-length': '16', 'x-upstream': String(port) };
    const answer = (res) => {
      res.writeHead(200, headers);
      res.end(body);
    };
    const server = http.createServer((req, res) => {
      req.resume();
      if (delay > 0) setTimeout(answer, delay, res);
      else answer(res);
    });
    server.keepAliveTimeout = 120_000;
    server.headersTimeout = 121_000;
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  })));
}

/**
 * Fork the upstream process; `specs` is [{port, delay}]. Resolves {stop()} when all listen.
 * The child dies with its parent (IPC disconnect).
 */
function startUpstreams(specs) {
  const child = fork(__filename, specs.map((s) => `${s.port}:${s.delay ?? 0}`), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => {
      if (m && m.ready) resolve({ pid: child.pid, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) });
      else reject(new Error(`upstreams failed: ${JSON.stringify(m)}`));
    });
    child.once('exit', (code) => reject(new Error(`upstream process exited ${code}`)));
  });
}

if (require.main === module) {
  const specs = process.argv.slice(2).map((a) => {
    const [port, delay] = a.split(':').map(Number);
    return { port, delay: delay || 0 };
  });
  process.on('disconnect', () => process.exit(0));
  serve(specs).then(
    () => process.send?.({ ready: true }),
    (e) => {
      process.send?.({ error: e.message });
      process.exit(1);
    },
  );
}

module.exports = { startUpstreams };
