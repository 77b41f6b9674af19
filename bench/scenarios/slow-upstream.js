'use strict';
/**
 * Scenario 5: latency with one slow upstream.
 *
 *   node bench/scenarios/slow-upstream.js [--duration 8] [--conc 32] [--delay 200]
 *
 * Three upstreams of our own (bench/lib/upstream-server.js): two answer at once, one after
 * `delay` ms; each names itself in `x-upstream`. `switchyard run --workers 1` balances them
 * with round_robin (the baseline), least_conn and least_latency in turn (POST /load between
 * runs, same listener). A fixed-concurrency load generator (undici Pool, `conc` requests in
 * flight, 1 s warm-up discarded) records each response's latency by upstream. The figure that
 * matters: the p99 of the requests that went to the fast upstreams.
 */
const { performance } = require('node:perf_hooks');
const { Pool } = require('undici');
const { args, num, record } = require('../lib/out');
const { benchConfig, localDials } = require('../lib/config');
const { startSwitchyard, loadConfig, waitApplied, freePort } = require('../lib/switchyard');
const { startUpstreams } = require('../lib/upstream-server');
const { summary, round, table } = require('../lib/stats');

async function drive(port, conc, seconds, { FAST, SLOW }, warmup = 1) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: conc, pipelining: 1 });
  const fast = [];
  const slow = [];
  let errors = 0;
  let other = 0;
  const t0 = performance.now();
  const measureFrom = t0 + warmup * 1000;
  const end = measureFrom + seconds * 1000;
  await Promise.all(Array.from({ length: conc }, async () => {
    while (performance.now() < end) {
      const s = performance.now();
      try {
        const res = await pool.request({ path: '/', method: 'GET' });
        await res.body.dump();
        const ms = performance.now() - s;
        if (s < measureFrom) continue;
        if (res.statusCode !== 200) errors++;
        else if (res.headers['x-upstream'] === String(SLOW)) slow.push(ms);
        else if (FAST.includes(Number(res.headers['x-upstream']))) fast.push(ms);
        else other++;
      } catch {
        if (s >= measureFrom) errors++;
      }
    }
  }));
  await pool.close();
  return { fast, slow, errors, other, seconds };
}

async function main() {
  const a = args();
  const duration = num(a, 'duration', 8);
  const conc = num(a, 'conc', 32);
  const delay = num(a, 'delay', 200);
  const port = num(a, 'port', 0) || (await freePort());
  const FAST = [await freePort(), await freePort()];
  const SLOW = await freePort();
  const policies = String(a.policies ?? 'round_robin,least_conn,least_latency').split(',');
  const ups = await startUpstreams([...FAST.map((p) => ({ port: p })), { port: SLOW, delay }]);
  const sy = await startSwitchyard({ command: 'run', workers: 1 });
  const rows = [];
  try {
    for (const policy of policies) {
      const l = await loadConfig(sy.url, benchConfig({ port, dials: localDials([...FAST, SLOW]), policy }));
      await waitApplied(sy.url, l.revision, 1);
      const d = await drive(port, conc, duration, { FAST, SLOW });
      const f = summary(d.fast);
      const all = summary([...d.fast, ...d.slow]);
      const total = d.fast.length + d.slow.length;
      rows.push({
        policy, rps: round(total / duration, 0), slow_share_pct: round((100 * d.slow.length) / Math.max(1, total), 2),
        fast_p50_ms: round(f.p50), fast_p99_ms: round(f.p99), all_p99_ms: round(all.p99), errors: d.errors + d.other,
      });
    }
  } finally {
    await sy.stop();
    await ups.stop();
  }
  console.log(`latency with one slow upstream (${delay} ms) of three, ${conc} requests in flight, ${duration} s per policy, 1 worker`);
  console.log(table([
    ['policy', 'rps', 'to slow %', 'fast p50 ms', 'fast p99 ms', 'all p99 ms', 'errors'],
    ...rows.map((r) => [r.policy, r.rps, r.slow_share_pct, r.fast_p50_ms, r.fast_p99_ms, r.all_p99_ms, r.errors]),
  ]));
  record('slow-upstream', { delay_ms: delay, conc, duration, policies: rows });
}

main().catch((e) => {
  console.error(`slow-upstream.js: ${e.stack ?? e}`);
  process.exit(1);
});
