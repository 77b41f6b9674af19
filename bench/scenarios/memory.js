'use strict';
/**
 * Scenario 4: memory.
 *
 *   node bench/scenarios/memory.js [--conns 10000] [--revisions 10000]
 *
 * With `switchyard run --workers 1` over three local upstreams (bench/lib/upstream-server.js):
 *   - worker RSS idle: config applied, no traffic yet; and again after 5,000 requests;
 *   - worker RSS with `conns` idle keep-alive client connections open (each sent one request);
 *   - admin RSS (the `switchyard run` primary: admin + config hub) before and after storing
 *     `revisions` small revisions (POST .../max_requests?wait=false, a new value each), plus
 *     the store's size on disk.
 * Needs an open-files limit above `conns` + a margin (run.sh raises the soft limit).
 */
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { args, num, record } = require('../lib/out');
const { benchConfig, localDials, HANDLER_PATH } = require('../lib/config');
const { startSwitchyard, loadConfig, adminRequest, waitApplied, freePort } = require('../lib/switchyard');
const { startUpstreams } = require('../lib/upstream-server');
const { holdConnections } = require('../lib/conn-holder');
const { memoryOf, fdCount, openFilesLimit } = require('../lib/proc');
const { round, table } = require('../lib/stats');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `total` GETs through the proxy with `parallel` keep-alive connections. */
async function warm(port, total, parallel = 16) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  let left = total;
  let ok = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (left-- > 0) {
      ok += await new Promise((resolve) => {
        http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode === 200 ? 1 : 0));
        }).on('error', () => resolve(0));
      });
    }
  }));
  agent.destroy();
  return ok;
}

function dirBytes(dir) {
  let total = 0;
  for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, f.name);
    total += f.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

async function storeRevisions(admin, count, parallel = 4) {
  let next = 0;
  let ok = 0;
  const statuses = {};
  const t0 = Date.now();
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) {
      const v = 1_000_000 + next++;
      const r = await adminRequest(admin, 'POST', `${HANDLER_PATH}/upstreams/1/max_requests?wait=false`, v);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status >= 200 && r.status < 300) ok++;
    }
  }));
  return { ok, statuses, seconds: (Date.now() - t0) / 1000 };
}

async function main() {
  const a = args();
  const conns = num(a, 'conns', 10_000);
  const revisions = num(a, 'revisions', 10_000);
  const port = num(a, 'port', 0) || (await freePort());
  const limit = openFilesLimit();
  if (limit < conns + 500) throw new Error(`open-files limit ${limit} is too low for ${conns} connections: run under \`ulimit -n ${conns + 1000}\``);
  const upPorts = [await freePort(), await freePort(), await freePort()];
  const ups = await startUpstreams(upPorts.map((p) => ({ port: p })));
  const sy = await startSwitchyard({ command: 'run', workers: 1 });
  const mb = (pid) => round(memoryOf(pid)?.rssMb ?? NaN, 1);
  try {
    const loaded = await loadConfig(sy.url, benchConfig({ port, dials: localDials(upPorts) }));
    await waitApplied(sy.url, loaded.revision, 1);
    const worker = sy.pids[0];
    await sleep(2000);
    const r = { worker_idle_mb: mb(worker), admin_idle_mb: mb(sy.pid) };
    const warmed = await warm(port, 5000);
    await sleep(1000);
    r.worker_after_5k_requests_mb = mb(worker);
    r.warm_ok = warmed;

    const holder = await holdConnections({ port, count: conns });
    await sleep(1000);
    r.conns_requested = conns;
    r.conns_ok = holder.ok;
    r.conns_failed = holder.failed;
    r.conns_open = await holder.open();
    r.worker_fds = fdCount(worker);
    r.worker_with_conns_mb = mb(worker);
    r.worker_per_conn_kb = round(((r.worker_with_conns_mb - r.worker_after_5k_requests_mb) * 1024) / Math.max(1, r.conns_open), 1);
    await holder.stop();
    await sleep(1500);
    r.worker_after_close_mb = mb(worker);

    const before = mb(sy.pid);
    const stored = await storeRevisions(sy.url, revisions);
    await sleep(1000);
    r.revisions_written = stored.ok;
    r.revision_statuses = stored.statuses;
    r.revisions_per_s = round(stored.ok / stored.seconds, 0);
    r.admin_before_revisions_mb = before;
    r.admin_with_revisions_mb = mb(sy.pid);
    r.admin_hwm_mb = round(memoryOf(sy.pid)?.hwmMb ?? NaN, 1);
    r.store_on_disk_mb = round(dirBytes(sy.dataDir) / 2 ** 20, 1);
    const cfg = await adminRequest(sy.url, 'GET', '/config/');
    r.get_config_after_ms = round(cfg.ms);
    r.worker_after_revisions_mb = mb(worker);

    console.log(`memory (RSS from /proc, MB): switchyard run --workers 1, ${conns} idle keep-alive connections, ${revisions} revisions`);
    console.log(table([
      ['what', 'value'],
      ['worker RSS idle (config applied, no traffic)', `${r.worker_idle_mb} MB`],
      ['worker RSS after 5,000 requests', `${r.worker_after_5k_requests_mb} MB`],
      [`worker RSS with ${r.conns_open} idle keep-alive connections`, `${r.worker_with_conns_mb} MB (~${r.worker_per_conn_kb} KiB each; ${r.conns_ok} ok, ${r.conns_failed} failed)`],
      ['worker RSS after they closed', `${r.worker_after_close_mb} MB`],
      ['admin RSS idle', `${r.admin_idle_mb} MB`],
      [`admin RSS with ${r.revisions_written} more revisions`, `${r.admin_with_revisions_mb} MB (before ${before} MB; peak ${r.admin_hwm_mb} MB)`],
      ['revision writes/s (?wait=false, 4 in flight)', `${r.revisions_per_s} (answers ${JSON.stringify(r.revision_statuses)})`],
      ['data dir on disk', `${r.store_on_disk_mb} MB`],
    ]));
    record('memory', r);
  } finally {
    await sy.stop();
    await ups.stop();
  }
}

main().catch((e) => {
  console.error(`memory.js: ${e.stack ?? e}`);
  process.exit(1);
});
