'use strict';
/**
 * Scenario 2: push latency.
 *
 *   node bench/scenarios/push-latency.js [--admin URL] [--workers 2] [--changes 200] [--sims 50]
 *
 * Without --admin it starts its own `switchyard run --workers N`. Then, twice (the local
 * workers alone, then with `sims` simulated worker connections added), it makes `changes`
 * small config writes (POST .../upstreams/0/max_requests, a new value each time) one after
 * the other and records:
 *   - write: the admin's round trip of the write; its 200 waits for every worker's ACK, so this
 *     is "from the write to applied everywhere" as a client sees it;
 *   - push: the admin's own publish -> ACK time (GET /proxies `last_push_ms`), max over the
 *     real workers; checked that every worker's applied_revision already equals the new one;
 *   - sim delivery: write start -> the diff frame arriving at the slowest simulator.
 */
const { args, num, record } = require('../lib/out');
const { benchConfig, localDials, HANDLER_PATH } = require('../lib/config');
const { startSwitchyard, loadConfig, adminRequest, proxies, waitApplied, freePort } = require('../lib/switchyard');
const { startSimFleet, now } = require('../lib/sim-worker');
const { summary, round, table } = require('../lib/stats');

async function measure(admin, changes, startValue, realPids) {
  const write = [];
  const push = [];
  const starts = new Map();
  let notApplied = 0;
  let failed = 0;
  for (let i = 0; i < changes; i++) {
    const t = now();
    const r = await adminRequest(admin, 'POST', `${HANDLER_PATH}/upstreams/0/max_requests`, startValue + i);
    if (r.status !== 200) {
      failed++;
      continue;
    }
    const rev = Number(r.headers['switchyard-revision']);
    starts.set(rev, t);
    write.push(r.ms);
    const ps = (await proxies(admin)) ?? [];
    const real = ps.filter((p) => realPids.includes(p.pid));
    if (real.some((p) => (p.applied_revision ?? -1) < rev)) notApplied++;
    const pushes = real.map((p) => p.last_push_ms).filter((v) => typeof v === 'number');
    if (pushes.length) push.push(Math.max(...pushes));
  }
  return { write: summary(write), push: summary(push), starts, notApplied, failed };
}

function simDelivery(frames, starts) {
  // For each revision: the latest arrival over all simulators, minus the write's start.
  const latest = new Map();
  for (const list of frames) {
    for (const f of list) {
      if (f.type !== 'diff' || !starts.has(f.revision)) continue;
      latest.set(f.revision, Math.max(latest.get(f.revision) ?? 0, f.at));
    }
  }
  return summary([...latest].map(([rev, at]) => at - starts.get(rev)));
}

const fmt = (s) => [round(s.p50), round(s.p99), round(s.max)];

async function main() {
  const a = args();
  const changes = num(a, 'changes', 200);
  const simCount = num(a, 'sims', 50);
  const workers = num(a, 'workers', 2);
  let sy;
  let admin = a.admin;
  if (!admin) {
    sy = await startSwitchyard({ command: 'run', workers });
    admin = sy.url;
    const l = await loadConfig(admin, benchConfig({ port: num(a, 'port', 0) || (await freePort()), dials: localDials([9001, 9002, 9003]) }));
    await waitApplied(admin, l.revision, workers);
  }
  try {
    const listed = await proxies(admin);
    const realPids = listed ? listed.map((p) => p.pid) : [];
    const realCount = listed ? listed.length : workers;
    const base = 100_000 + Math.floor(Math.random() * 1000) * 1000;
    const local = await measure(admin, changes, base, realPids);

    const fleet = await startSimFleet({ url: admin.replace(/^http/, 'ws') + '/proxy/ws', count: simCount });
    let withSims;
    let delivery;
    try {
      const all = await proxies(admin);
      if (all !== null && all.length < realPids.length + simCount) throw new Error(`admin lists ${all.length} connections, expected ${realCount + simCount}`);
      withSims = await measure(admin, changes, base + changes, realPids);
      delivery = simDelivery(await fleet.report(), withSims.starts);
    } finally {
      await fleet.stop();
    }

    const result = {
      changes, real_workers: realCount, sims: simCount,
      local: { write_ms: fmt(local.write), push_ms: fmt(local.push), not_applied_at_200: local.notApplied, failed: local.failed },
      with_sims: { write_ms: fmt(withSims.write), push_ms: fmt(withSims.push), sim_delivery_ms: fmt(delivery), not_applied_at_200: withSims.notApplied, failed: withSims.failed },
    };
    console.log(`push latency: ${changes} changes, ${realCount} workers of switchyard run, then + ${simCount} simulated connections (ms: p50 / p99 / max)`);
    console.log(table([
      ['connections', 'write round trip (200 = all ACKed)', 'admin push->ACK (last_push_ms)', 'sim: write->diff received', 'not applied at 200', 'failed writes'],
      [`${realCount} workers`, fmt(local.write).join(' / '), fmt(local.push).join(' / '), '-', local.notApplied, local.failed],
      [`${realCount} + ${simCount} sims`, fmt(withSims.write).join(' / '), fmt(withSims.push).join(' / '), fmt(delivery).join(' / '), withSims.notApplied, withSims.failed],
    ]));
    record('push-latency', result);
  } finally {
    await sy?.stop();
  }
}

main().catch((e) => {
  console.error(`push-latency.js: ${e.stack ?? e}`);
  process.exit(1);
});
