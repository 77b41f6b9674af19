'use strict';
/**
 * Opens many idle keep-alive client connections and holds them: each connection sends one
 * `GET /` (HTTP/1.1, keep-alive), reads the whole response, then stays open and silent.
 * Runs as a child (`holdConnections`) so its own descriptors and memory are not the
 * measuring process's. Plain `net` sockets keep the client's cost per connection small.
 */
const net = require('node:net');
const { fork } = require('node:child_process');

const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n\r\n');

/** Resolves true once one complete response arrived on `sock` (Content-Length or chunked). */
function oneRequest(sock) {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const done = (ok) => {
      sock.removeAllListeners('data');
      resolve(ok);
    };
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      const status = Number(head.slice(9, 12));
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (cl) {
        if (buf.length >= end + 4 + Number(cl[1])) done(status >= 200 && status < 300);
      } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
        if (buf.subarray(end + 4).includes('0\r\n\r\n')) done(status >= 200 && status < 300);
      } else done(status >= 200 && status < 300);
    });
    sock.write(REQUEST);
  });
}

async function open(port, count, parallel) {
  const socks = [];
  let ok = 0;
  let failed = 0;
  let next = 0;
  const one = () => new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.setNoDelay(true);
    s.once('error', () => {
      failed++;
      resolve();
    });
    s.once('connect', async () => {
      if (await oneRequest(s)) ok++;
      else failed++;
      socks.push(s);
      resolve();
    });
  });
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) {
      next++;
      await one();
    }
  }));
  const stillOpen = () => socks.filter((s) => !s.destroyed && s.readyState === 'open').length;
  return { socks, ok, failed, stillOpen };
}

/** Fork a holder with `count` connections to 127.0.0.1:`port`; resolves {ok, failed, open(), stop()}. */
function holdConnections({ port, count, parallel = 200 }) {
  const child = fork(__filename, [String(port), String(count), String(parallel)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (cmd) => new Promise((resolve) => {
    child.once('message', resolve);
    child.send({ cmd });
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => {
      if (m.error) return reject(new Error(m.error));
      resolve({
        pid: child.pid, ok: m.ok, failed: m.failed,
        open: () => ask('count').then((x) => x.open),
        stop: () => new Promise((r) => {
          child.once('exit', r);
          child.send({ cmd: 'stop' });
        }),
      });
    });
    child.once('exit', (code) => reject(new Error(`connection holder exited ${code}`)));
  });
}

if (require.main === module) {
  const [port, count, parallel] = process.argv.slice(2).map(Number);
  process.on('disconnect', () => process.exit(0));
  open(port, count, parallel).then(
    (h) => {
      process.on('message', (m) => {
        if (m.cmd === 'count') process.send({ open: h.stillOpen() });
        if (m.cmd === 'stop') {
          for (const s of h.socks) s.destroy();
          setTimeout(() => process.exit(0), 100);
        }
      });
      process.send({ ok: h.ok, failed: h.failed });
    },
    (e) => process.send({ error: e.message }),
  );
}

module.exports = { holdConnections };
