'use strict';
/**
 * Scenario 3: scale.
 *
 *   node bench/scenarios/scale.js [--upstreams 10000] [--changes 20] [--routes 1000] [--profile DIR] [--no-micro]
 *
 * Starts `switchyard run --workers 1`, loads one pool of 10,000 upstreams (weighted round
 * robin, weight 1 each; nothing listens on them and no traffic is sent), connects one
 * simulated worker, then changes one upstream's weight `changes` times and records:
 *   - bytes pushed: the size of the diff frame the simulated worker received;
 *   - time to apply on the real worker: the admin's publish -> ACK (`last_push_ms` in
 *     GET /proxies), which covers receive, patch, validate, build and swap;
 *   - the simulator's own patch + hash time, and the write's round trip.
 * Then runs the selection and route-matching micro-benchmarks (micro.js) unless --no-micro.
 * --profile DIR runs switchyard under --cpu-prof and prints the admin's and the worker's top
 * frames over the scenario (the figures of a profiled run are slower: keep them apart).
 */
const { args, num, record } = require('../lib/out');
const { benchConfig, manyDials, HANDLER_PATH } = require('../lib/config');
const { startSwitchyard, loadConfig, adminRequest, proxies, waitApplied, freePort } = require('../lib/switchyard');
const { SimWorker } = require('../lib/sim-worker');
const { summary, round, table } = require('../lib/stats');
const { runMicro } = require('./micro');
const { summarize } = require('../lib/cpuprofile');
const fs = require('node:fs');
const path = require('node:path');

/** Top frames of the admin's and the worker's CPU profiles (written when they exit). */
function profiles(dir, pids) {
  const out = {};
  for (const [who, pid] of Object.entries(pids)) {
    const f = fs.readdirSync(dir).find((x) => x.endsWith('.cpuprofile') && x.split('.').includes(String(pid)));
    if (!f) continue;
    const s = summarize(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')), 15);
    out[who] = s;
    console.log(`\nCPU profile of the ${who} (pid ${pid}) over the scale scenario: ${s.busyMs} ms busy`);
    for (const a of s.areas.slice(0, 6)) console.log(`  ${String(a.pct).padStart(5)}%  ${a.area}`);
    for (const t of s.top) console.log(`  ${String(t.pct).padStart(5)}%  ${t.fn}  ${t.where}`);
  }
  return out;
}

async function main() {
  const a = args();
  const n = num(a, 'upstreams', 10_000);
  const changes = num(a, 'changes', 20);
  const profDir = a.profile ? path.resolve(String(a.profile)) : undefined;
  if (profDir) fs.mkdirSync(profDir, { recursive: true });
  const sy = await startSwitchyard({ command: 'run', workers: 1, nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [] });
  let sim;
  try {
    const doc = benchConfig({ port: num(a, 'port', 0) || (await freePort()), dials: manyDials(n), policy: 'weighted_round_robin', upstream: () => ({ weight: 1 }) });
    const docBytes = Buffer.byteLength(JSON.stringify(doc));
    const loaded = await loadConfig(sy.url, doc);
    await waitApplied(sy.url, loaded.revision, 1, 60_000);
    const realPid = sy.pids[0];
    const loadPush = (await proxies(sy.url))?.find((p) => p.pid === realPid)?.last_push_ms ?? null;

    sim = new SimWorker({ url: sy.url.replace(/^http/, 'ws') + '/proxy/ws', nodeId: 'bench-scale-sim' });
    await sim.start();
    await sim.waitConfig(60_000);
    const snapshot = sim.frames[0];

    const diffBytes = [];
    const simApply = [];
    const workerApply = [];
    const writes = [];
    for (let i = 0; i < changes; i++) {
      const idx = Math.floor(n / 2) + i;
      const r = await adminRequest(sy.url, 'POST', `${HANDLER_PATH}/upstreams/${idx}/weight`, 2 + (i % 5));
      if (r.status !== 200) throw new Error(`weight change answered ${r.status}: ${r.body.slice(0, 300)}`);
      const rev = Number(r.headers['switchyard-revision']);
      writes.push(r.ms);
      await sim.waitRevision(rev);
      const f = sim.frames.find((x) => x.revision === rev);
      if (f) {
        diffBytes.push(f.bytes);
        simApply.push(f.applyMs);
      }
      const p = (await proxies(sy.url))?.find((x) => x.pid === realPid);
      if (p && typeof p.last_push_ms === 'number' && p.applied_revision >= rev) workerApply.push(p.last_push_ms);
    }
    const s = { diff: summary(diffBytes), sim: summary(simApply), worker: summary(workerApply), write: summary(writes) };
    const live = {
      upstreams: n, config_bytes: docBytes, load_ms: round(loaded.ms), load_push_ms: loadPush,
      snapshot_bytes: snapshot?.bytes ?? null, snapshot_sim_apply_ms: round(snapshot?.applyMs),
      diff_bytes: { p50: s.diff.p50, max: s.diff.max },
      worker_apply_ms: { p50: round(s.worker.p50), p99: round(s.worker.p99), max: round(s.worker.max), samples: s.worker.count },
      sim_patch_hash_ms: { p50: round(s.sim.p50), max: round(s.sim.max) },
      write_ms: { p50: round(s.write.p50), p99: round(s.write.p99), max: round(s.write.max) },
    };
    console.log(`scale: one pool of ${n} upstreams, ${changes} single-weight changes`);
    console.log(table([
      ['what', 'value'],
      ['config document', `${(docBytes / 1024).toFixed(0)} KiB`],
      ['POST /load of it (all workers applied)', `${live.load_ms} ms (push->ACK ${loadPush ?? '?'} ms)`],
      ['snapshot frame to a new worker', `${((snapshot?.bytes ?? 0) / 1024).toFixed(0)} KiB`],
      ['diff frame for one weight change', `${s.diff.p50} bytes (max ${s.diff.max})`],
      ['apply on the real worker (push->ACK) p50 / p99 / max', `${live.worker_apply_ms.p50} / ${live.worker_apply_ms.p99} / ${live.worker_apply_ms.max} ms`],
      ['simulator patch + hash p50 / max', `${live.sim_patch_hash_ms.p50} / ${live.sim_patch_hash_ms.max} ms`],
      ['write round trip p50 / max', `${live.write_ms.p50} / ${live.write_ms.max} ms`],
    ]));
    console.log('');
    sim.stop();
    await sy.stop();
    const prof = profDir ? profiles(profDir, { admin: sy.pid, worker: realPid }) : undefined;
    console.log('');
    const micro = a['no-micro'] ? null : await runMicro({ upstreams: n, routeCount: num(a, 'routes', 1000), ms: num(a, 'ms', 300) });
    record(a.name ?? 'scale', { live, micro, profile: prof && Object.fromEntries(Object.entries(prof).map(([k, v]) => [k, { busyMs: v.busyMs, areas: v.areas.slice(0, 6), top: v.top }])) });
  } finally {
    sim?.stop();
    await sy.stop();
  }
}

main().catch((e) => {
  console.error(`scale.js: ${e.stack ?? e}`);
  process.exit(1);
});
