'use strict';
/**
 * Keep one Switchyard running for anchors.sh to measure:
 *
 *   node bench/serve.js --workers N --port P [--upstreams 9001,9002,9003] [--out FILE]
 *
 * Starts `switchyard run --workers N` on a free admin port, loads the bench config (listen
 * 127.0.0.1:P, round robin over the upstreams, passive health checks, no access log), prints
 * {"event":"ready",...} (also written to --out) and stays up until SIGTERM/SIGINT, then stops
 * the switchyard process tree. The upstreams need not be up yet: nothing is proxied until
 * the load starts.
 */
const fs = require('node:fs');
const { args, num } = require('./lib/out');
const { benchConfig, localDials } = require('./lib/config');
const { startSwitchyard, loadConfig, waitApplied } = require('./lib/switchyard');

let running;

async function main() {
  const a = args();
  const workers = num(a, 'workers', 1);
  const port = num(a, 'port', 18090);
  const ports = String(a.upstreams ?? '9001,9002,9003').split(',').map(Number);
  const sy = await startSwitchyard({ command: 'run', workers, log: Boolean(a.verbose) });
  running = sy;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sy.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  sy.exited.then((code) => {
    if (!stopping) {
      process.stderr.write(`switchyard (workers=${workers}) exited unexpectedly (${code}):\n${sy.stderr()}\n`);
      process.exit(1);
    }
  });
  const loaded = await loadConfig(sy.url, benchConfig({ port, dials: localDials(ports) }));
  if (Number.isFinite(loaded.revision)) await waitApplied(sy.url, loaded.revision, workers);
  const ready = { event: 'ready', admin: sy.url, pid: sy.pid, workers: sy.pids, listen: `127.0.0.1:${port}`, revision: loaded.revision };
  if (a.out) fs.writeFileSync(a.out, JSON.stringify(ready) + '\n');
  process.stdout.write(JSON.stringify(ready) + '\n');
}

main().catch(async (e) => {
  process.stderr.write(`serve.js: ${e.stack ?? e}\n`);
  await running?.stop();
  process.exit(1);
});
