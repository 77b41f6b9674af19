'use strict';
/** Run wrk (one thread, like anchors.sh) and parse its report into numbers (latencies in ms). */
const { spawn } = require('node:child_process');

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1.23ms" -> 1.23; "850.00us" -> 0.85; NaN when unparsable. */
function toMs(text) {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text ?? '');
  return m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
}

/** Parse wrk's text output (with --latency). */
function parseWrk(out) {
  const num = (re) => {
    const m = re.exec(out);
    return m ? Number(m[1]) : 0;
  };
  const pct = (p) => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out);
    return m ? toMs(m[1]) : NaN;
  };
  const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socket = se ? { connect: +se[1], read: +se[2], write: +se[3], timeout: +se[4] } : { connect: 0, read: 0, write: 0, timeout: 0 };
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    p50: pct(50),
    p99: pct(99),
    socketErrors: socket.connect + socket.read + socket.write + socket.timeout,
    socket,
    non2xx: num(/Non-2xx or 3xx responses:\s+(\d+)/),
  };
}

/** Run `wrk -t1 -cN -dSs --latency url`; resolves the parsed report plus the raw text. */
function runWrk({ url, conns = 64, duration = 5, threads = 1, timeout } = {}) {
  const argv = [`-t${threads}`, `-c${conns}`, `-d${duration}s`, '--latency'];
  if (timeout) argv.push('--timeout', `${timeout}s`);
  argv.push(url);
  return new Promise((resolve, reject) => {
    const p = spawn('wrk', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve({ ...parseWrk(out), raw: out }) : reject(new Error(`wrk exited ${code}: ${out}`))));
  });
}

module.exports = { runWrk, parseWrk, toMs };
