'use strict';
/**
 * Turns one run's outputs (BENCH_OUT: anchors.txt + <scenario>.json + profile/) into the
 * markdown of bench/results/YYYY-MM-DD-<host>.md: the machine, every table, and the issue's
 * targets each marked met or missed. Ratios are only ever taken within this one run.
 *
 *   node bench/report.js --dir BENCH_OUT [--write FILE] [--duration S] [--rounds R]
 */
const fs = require('node:fs');
const path = require('node:path');
const { args } = require('./lib/out');
const { parseAnchors } = require('./lib/anchors-parse');
const { machine } = require('./lib/proc');

const a = args();
const dir = a.dir;
const read = (name) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  } catch {
    return null;
  }
};
const fmt = (v, d = 0) => (typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : 'n/a');
const ratio = (x, y) => (x && y ? x / y : NaN);
const row = (cells) => `| ${cells.join(' | ')} |`;
const md = [];
const targets = [];
const target = (what, figure, ok) => targets.push(row([what, figure, ok === null ? 'not measured' : ok ? '**met**' : '**missed**']));

const m = machine();
md.push(`# Switchyard benchmark: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${m.host}`);
md.push('');
let loadavg = '?';
try {
  loadavg = fs.readFileSync(path.join(dir, 'loadavg-start'), 'utf8').trim();
} catch {}
md.push(`Machine: ${m.cores} cores, ${m.cpu}, ${m.memGb} GB RAM, Linux ${m.kernel}, Node ${m.node}. Load average when the run started: ${loadavg} (anything above ~0.5 means other processes shared the cores).`);
let pressure = '';
try {
  pressure = fs.readFileSync(path.join(dir, 'cpu-pressure-start'), 'utf8').trim();
} catch {}
if (pressure) md.push(`CPU pressure before the run (/proc/pressure/cpu, some avg60): ${pressure} % of the time a runnable task waited for a core.`);
const load1 = Number(loadavg.split(' ')[0]);
if (load1 > 1.5) {
  md.push('', `**Noisy run:** the 1-minute load average was ${load1} on ${m.cores} cores before anything started, so other processes took CPU from the proxies and from wrk. Ratios within the run still hold roughly; absolute figures and p99s do not. Re-run on an idle machine before drawing conclusions.`, '');
}
md.push(`Load: wrk -t1 -c64 on the same machine, ${a.duration ?? '?'} s x ${a.rounds ?? '?'} rounds (interleaved); one worker or thread per proxy unless named -2w. Compare ratios within this file only.`);

// --- throughput ------------------------------------------------------------------------
let anchorsText = '';
try {
  anchorsText = fs.readFileSync(path.join(dir, 'anchors.txt'), 'utf8');
} catch {}
const an = parseAnchors(anchorsText);
const by = an.byName;
if (Object.keys(by).length) {
  md.push('', '## Throughput (anchors.sh, same run)', '');
  md.push(row(['proxy', 'mean rps', 'p50 ms', 'p99 ms (mean / worst round)', 'warm rps (rounds 2+)', 'warm p99 ms', 'x Caddy (warm)', 'x raw-undici (warm)', 'x HAProxy (warm)', 'errors']));
  md.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']));
  const w = (n) => by[n]?.warm;
  for (const [name, b] of Object.entries(by)) {
    md.push(row([name, fmt(b.rps), fmt(b.p50, 2), `${fmt(b.p99, 2)} / ${fmt(b.p99max, 2)}`, fmt(b.warm.rps), fmt(b.warm.p99, 2),
      fmt(ratio(b.warm.rps, w('caddy')?.rps), 2), fmt(ratio(b.warm.rps, w('raw-undici')?.rps), 2), fmt(ratio(b.warm.rps, w('haproxy')?.rps), 2), fmt(b.errors)]));
  }
  md.push('', 'Round 1 includes the JIT warm-up of every Node.js proxy (Caddy, nginx and HAProxy need none), so the targets are judged on the warm rounds; the all-round figures are given beside them.');
  const sy = by.switchyard;
  if (sy) {
    const c = ratio(sy.warm.rps, w('caddy')?.rps);
    const r = ratio(sy.warm.rps, w('raw-undici')?.rps);
    const h = ratio(sy.warm.rps, w('haproxy')?.rps);
    const all = (x, y) => fmt(ratio(by.switchyard.rps, by[y]?.rps), 2) + x;
    target('throughput per core >= 1.5x Caddy', `${fmt(c, 2)}x warm (${fmt(sy.warm.rps)} vs ${fmt(w('caddy')?.rps)} rps); ${all('x', 'caddy')} over all rounds`, c >= 1.5);
    target('throughput per core >= 1.0x raw Node floor (raw-undici)', `${fmt(r, 2)}x warm (${fmt(w('raw-undici')?.rps)} rps); ${all('x', 'raw-undici')} over all rounds`, r >= 1.0);
    target('p99 no higher than Caddy', `${fmt(sy.warm.p99, 2)} ms vs ${fmt(w('caddy')?.p99, 2)} ms warm; ${fmt(sy.p99, 2)} vs ${fmt(by.caddy?.p99, 2)} ms over all rounds`, sy.warm.p99 <= w('caddy')?.p99);
    target('stretch: 0.5x HAProxy', `${fmt(h, 2)}x warm`, h >= 0.5);
  } else target('throughput per core >= 1.5x Caddy', 'switchyard not in the anchors table', null);
}

// --- reloads ---------------------------------------------------------------------------
const reloads = ['switchyard', 'switchyard-2w'].map((n) => read(`reload-${n}`)).filter(Boolean);
if (reloads.length || Object.keys(an.reloads).length) {
  md.push('', '## Reloads under load', '');
  md.push(row(['proxy', 'how', 'wrk s', 'reloads', 'socket errors', 'non-2xx', 'rps under reloads', 'write p50 / p99 ms']));
  md.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const r of reloads) {
    md.push(row([r.name, `POST /load, ${r.rate}/s (answers ${JSON.stringify(r.admin_statuses)})`, r.duration, r.reloads, r.socket_errors, r.non2xx, fmt(r.rps), `${r.write_ms.p50} / ${r.write_ms.p99}`]));
  }
  for (const [n, r] of Object.entries(an.reloads)) {
    md.push(row([n, n === 'caddy' ? 'POST /load every ~100 ms' : 'nginx -s reload every ~100 ms', a.duration ?? '?', r.reloads, r.socket_errors, r.non2xx, '', '']));
  }
  const sy = reloads.find((r) => r.name === 'switchyard');
  if (sy) target('reloads under load: zero errors', reloads.map((r) => `${r.name}: ${r.socket_errors + r.non2xx} errors in ${r.reloads} reloads`).join('; '), reloads.every((r) => r.socket_errors + r.non2xx === 0));
}

// --- push latency ----------------------------------------------------------------------
const push = read('push-latency');
if (push) {
  md.push('', `## Push latency (${push.changes} changes; ms p50 / p99 / max)`, '');
  md.push(row(['connections', 'write round trip (200 = every worker ACKed)', 'admin publish -> ACK (last_push_ms, slowest real worker)', 'write -> diff at slowest simulator', 'not applied at 200', 'failed writes']));
  md.push(row(['---', '---:', '---:', '---:', '---:', '---:']));
  md.push(row([`${push.real_workers} workers`, push.local.write_ms.join(' / '), push.local.push_ms.join(' / '), '', push.local.not_applied_at_200, push.local.failed]));
  md.push(row([`${push.real_workers} workers + ${push.sims} simulated`, push.with_sims.write_ms.join(' / '), push.with_sims.push_ms.join(' / '), push.with_sims.sim_delivery_ms.join(' / '), push.with_sims.not_applied_at_200, push.with_sims.failed]));
  target('push p99 < 20 ms to the local workers (write round trip)', `${push.local.write_ms[1]} ms (publish->ACK ${push.local.push_ms[1]} ms)`, push.local.write_ms[1] < 20);
  target(`push p99 < 100 ms with ${push.sims} more connections (write round trip)`, `${push.with_sims.write_ms[1]} ms`, push.with_sims.write_ms[1] < 100);
}

// --- scale -----------------------------------------------------------------------------
const scale = read('scale');
if (scale) {
  const l = scale.live;
  md.push('', `## Scale: one pool of ${fmt(l.upstreams)} upstreams`, '');
  md.push(row(['what', 'value']), row(['---', '---:']));
  md.push(row(['config document', `${fmt(l.config_bytes / 1024)} KiB`]));
  md.push(row(['POST /load of it, until the worker ACKed', `${fmt(l.load_ms)} ms (publish->ACK ${fmt(l.load_push_ms)} ms)`]));
  md.push(row(['snapshot frame to a newly connected worker', `${fmt((l.snapshot_bytes ?? NaN) / 1024)} KiB`]));
  md.push(row(['diff frame for one weight change', `${fmt(l.diff_bytes.p50)} bytes (max ${fmt(l.diff_bytes.max)})`]));
  md.push(row(['apply on the real worker (publish -> ACK) p50 / p99 / max', `${l.worker_apply_ms.p50} / ${l.worker_apply_ms.p99} / ${l.worker_apply_ms.max} ms`]));
  md.push(row(['simulated worker: patch + hash p50 / max', `${l.sim_patch_hash_ms.p50} / ${l.sim_patch_hash_ms.max} ms`]));
  md.push(row(['write round trip p50 / p99', `${l.write_ms.p50} / ${l.write_ms.p99} ms`]));
  target('10,000-upstream pool, one weight change: < 1 KiB pushed', `${fmt(l.diff_bytes.max)} bytes`, l.diff_bytes.max < 1024);
  const mi = scale.micro;
  const ap = mi?.apply;
  if (ap) {
    md.push(row(['in-process worker apply of that change: applyPatch + configHash + ProxyWorker.apply (validate + build + swap) = total (median; max)',
      `${ap.patch_ms} + ${ap.hash_ms} + ${ap.apply_ms} (validate alone ${ap.validate_ms}) = ${ap.total_ms} ms (max ${ap.total_max_ms}); first apply of the pool ${ap.first_apply_ms} ms`]));
    if (ap.stats_bytes) md.push(row(['stats frame the worker sends after every apply and every 5 s (all hosts)', `${fmt(ap.stats_bytes / 1024)} KiB; collect + encode ${ap.stats_encode_ms} ms (worker), parseMessage ${ap.stats_parse_ms} ms (admin)`]));
  }
  if (typeof l.worker_apply_ms.p50 === 'number') {
    target('10,000-upstream pool, one weight change: < 5 ms to apply', `p50 ${l.worker_apply_ms.p50} ms, max ${l.worker_apply_ms.max} ms (publish -> ACK)`, l.worker_apply_ms.p50 < 5);
  } else if (ap) {
    target('10,000-upstream pool, one weight change: < 5 ms to apply', `${ap.total_ms} ms median in-process (patch ${ap.patch_ms} + hash ${ap.hash_ms} + apply ${ap.apply_ms}); the admin exposes no per-worker push time yet`, ap.total_ms < 5);
  }
  if (mi) {
    md.push('', `Selection cost per policy, ${fmt(mi.upstreams)} available candidates (ns per select):`, '');
    md.push(row(['policy', 'ns/select']), row(['---', '---:']));
    for (const s of mi.selection) md.push(row([s.policy, fmt(s.ns_per_select)]));
    md.push('', `Route matching, ${fmt(mi.routes_count)} routes (host + path prefix each):`, '');
    md.push(row(['request matches', 'ns/request']), row(['---', '---:']));
    for (const r of mi.routes) md.push(row([r.request, fmt(r.ns_per_match)]));
  }
}

// --- memory ----------------------------------------------------------------------------
const mem = read('memory');
if (mem) {
  md.push('', '## Memory (RSS from /proc)', '');
  md.push(row(['what', 'MB']), row(['---', '---:']));
  md.push(row(['worker idle (config applied, no traffic)', fmt(mem.worker_idle_mb, 1)]));
  md.push(row(['worker after 5,000 requests', fmt(mem.worker_after_5k_requests_mb, 1)]));
  md.push(row([`worker with ${fmt(mem.conns_open)} idle keep-alive connections (${mem.conns_failed} failed)`, `${fmt(mem.worker_with_conns_mb, 1)} (~${mem.worker_per_conn_kb} KiB per connection)`]));
  md.push(row(['worker after they closed', fmt(mem.worker_after_close_mb, 1)]));
  md.push(row(['admin (run primary) idle', fmt(mem.admin_idle_mb, 1)]));
  md.push(row([`admin with ${fmt(mem.revisions_written)} more revisions stored`, `${fmt(mem.admin_with_revisions_mb, 1)} (peak ${fmt(mem.admin_hwm_mb, 1)}; ${fmt(mem.revisions_per_s)} writes/s; ${fmt(mem.store_on_disk_mb, 1)} MB on disk)`]));
  target('worker RSS < 100 MB idle', `${fmt(mem.worker_idle_mb, 1)} MB`, mem.worker_idle_mb < 100);
}

// --- slow upstream ---------------------------------------------------------------------
const slow = read('slow-upstream');
if (slow) {
  md.push('', `## Latency with one slow upstream (${slow.delay_ms} ms of three; ${slow.conc} in flight; ${slow.duration} s each; 1 worker)`, '');
  md.push(row(['policy', 'rps', 'to slow %', 'fast p50 ms', 'fast p99 ms', 'all p99 ms', 'errors']));
  md.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const p of slow.policies) md.push(row([p.policy, fmt(p.rps), p.slow_share_pct, p.fast_p50_ms, p.fast_p99_ms, p.all_p99_ms, p.errors]));
}

// --- profile ---------------------------------------------------------------------------
let prof = '';
try {
  prof = fs.readFileSync(path.join(dir, 'profile', 'profile-summary.txt'), 'utf8');
} catch {}
let floor = '';
try {
  floor = fs.readFileSync(path.join(dir, 'profile', 'floor-summary.txt'), 'utf8');
} catch {}
if (prof) md.push('', '## CPU profile of one worker under wrk -c64 (bench/profile.sh)', '', '```', prof.trim(), '```');
if (floor) md.push('', 'The featureless Node floor (bench/lib/floor-proxy.js) under the same load:', '', '```', floor.trim(), '```');

const sp = read('scale-profile');
if (sp?.profile) {
  md.push('', `## CPU profiles over ${sp.live.upstreams} upstreams: load + single-weight changes (scale.js --profile)`, '');
  md.push(`Under the profiler: write round trip p50 ${sp.live.write_ms.p50} ms, worker publish -> ACK p50 ${sp.live.worker_apply_ms.p50} ms.`);
  for (const [who, p] of Object.entries(sp.profile)) {
    md.push('', `${who} (${p.busyMs} ms busy):`, '', '```');
    for (const x of p.areas) md.push(`${String(x.pct).padStart(5)}%  ${x.area}`);
    md.push('');
    for (const t of p.top) md.push(`${String(t.pct).padStart(5)}%  ${t.fn}  ${t.where}`);
    md.push('```');
  }
}

md.push('', '## Targets (issue 6)', '', row(['target', 'figure', 'status']), row(['---', '---', '---']), ...targets);
const text = md.join('\n') + '\n';
process.stdout.write(text);
if (a.write) {
  fs.mkdirSync(path.dirname(a.write), { recursive: true });
  fs.writeFileSync(a.write, text);
}
