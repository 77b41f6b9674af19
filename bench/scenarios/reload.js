'use strict';
/**
 * Scenario 1: config reloads under load.
 *
 *   node bench/scenarios/reload.js --admin URL --target 127.0.0.1:18090 [--duration 30] [--rate 10] [--conns 64]
 *
 * Runs wrk -c64 against Switchyard while POSTing a whole new config to /load `rate` times a
 * second, alternating the pool between [9001, 9002] and [9002, 9003] like anchors.sh does for
 * Caddy, so every reload removes an upstream that has requests in flight. Counts what the
 * clients saw (socket errors, non-2xx) and how the admin answered (status, write round trip).
 */
const { args, num, record } = require('../lib/out');
const { benchConfig, localDials } = require('../lib/config');
const { loadConfig, adminRequest } = require('../lib/switchyard');
const { runWrk } = require('../lib/wrk');
const { summary, round, table } = require('../lib/stats');

async function reloadLoop({ admin, port, ports, rate, until }) {
  const sets = [[ports[0], ports[1]], [ports[1], ports[2]]];
  const interval = 1000 / rate;
  const writes = [];
  const statuses = {};
  let n = 0;
  let next = Date.now();
  while (Date.now() < until) {
    const doc = benchConfig({ port, dials: localDials(sets[n % 2]) });
    try {
      const r = await adminRequest(admin, 'POST', '/load', doc);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      writes.push(r.ms);
    } catch (e) {
      statuses[e.code ?? 'error'] = (statuses[e.code ?? 'error'] ?? 0) + 1;
    }
    n++;
    next += interval;
    const wait = next - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return { reloads: n, statuses, writeMs: summary(writes) };
}

async function main() {
  const a = args();
  const admin = a.admin;
  const target = a.target ?? '127.0.0.1:18090';
  const port = Number(target.split(':')[1]);
  const ports = String(a.upstreams ?? '9001,9002,9003').split(',').map(Number);
  const duration = num(a, 'duration', 30);
  const rate = num(a, 'rate', 10);
  const conns = num(a, 'conns', 64);
  if (!admin) throw new Error('--admin URL is required');

  const wrk = runWrk({ url: `http://${target}/`, conns, duration });
  const loop = await reloadLoop({ admin, port, ports, rate, until: Date.now() + duration * 1000 });
  const w = await wrk;
  // Leave the bench config as it was (all three upstreams) for whatever runs next.
  await loadConfig(admin, benchConfig({ port, dials: localDials(ports) }));

  const result = {
    name: a.name ?? 'switchyard', duration, rate, conns,
    reloads: loop.reloads, admin_statuses: loop.statuses,
    write_ms: { p50: round(loop.writeMs.p50), p99: round(loop.writeMs.p99), max: round(loop.writeMs.max) },
    rps: round(w.rps, 0), requests: w.requests, socket_errors: w.socketErrors, socket: w.socket, non2xx: w.non2xx,
  };
  console.log(`reloads under load: ${result.name}, wrk -c${conns} for ${duration} s, ${rate} config changes/s (POST /load)`);
  console.log(table([
    ['name', 'reloads', 'admin answers', 'write p50 ms', 'write p99 ms', 'rps', 'socket errors', 'non-2xx'],
    [result.name, result.reloads, JSON.stringify(result.admin_statuses), result.write_ms.p50, result.write_ms.p99, result.rps, result.socket_errors, result.non2xx],
  ]));
  record(`reload-${result.name}`, result);
}

main().catch((e) => {
  console.error(`reload.js: ${e.stack ?? e}`);
  process.exit(1);
});
