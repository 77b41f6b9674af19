'use strict';
/**
 * Scenario 3b: in-process micro-benchmarks of the hot-path pieces at scale (no sockets).
 *
 *   node bench/scenarios/micro.js [--upstreams 10000] [--routes 1000] [--ms 300]
 *
 * - selection cost per policy: apps/proxy/dist/selection createPolicy(...).select(pool, req)
 *   over a pool of 10,000 candidates (varied in-flight counts and latencies, all available);
 * - route matching cost: apps/proxy/dist/runtime/routes compileRoutes over 1,000 routes, each
 *   matching one host and one path prefix, for a request that matches the first, the middle,
 *   the last, and no route.
 * - worker apply: one weight change in that pool, step by step (patch, hash, validate+build+swap).
 * Figures are ns per operation (median of 5 timed batches after a warm-up).
 */
const path = require('node:path');
const { args, num, record } = require('../lib/out');
const { round, table, percentile } = require('../lib/stats');

const DIST = path.join(__dirname, '..', '..', 'apps', 'proxy', 'dist');

/** ns/op of `fn(i)`: warm up, then 5 batches of ~`ms`/5 each; the median batch. */
function nsPerOp(fn, ms) {
  let n = 64;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    const took = Number(process.hrtime.bigint() - t0) / 1e6;
    if (took > ms / 10) break;
    n *= 2;
  }
  const batches = [];
  for (let b = 0; b < 5; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    batches.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return percentile(batches, 50);
}

function makeRequests(count) {
  return Array.from({ length: count }, (_, i) => {
    const headers = new Map([['x-user', `user-${i}`]]);
    const query = new Map([['u', `q${i}`]]);
    const cookies = new Map();
    return {
      clientIp: `10.${(i >> 8) & 255}.${i & 255}.7`,
      remoteIp: `192.0.${(i >> 8) & 255}.${i & 255}`,
      uri: `/item/${i}?u=q${i}`,
      header: (n) => headers.get(n),
      query: (n) => query.get(n),
      cookie: (n) => cookies.get(n),
    };
  });
}

const POLICY_CONFIG = {
  header: { policy: 'header', field: 'x-user' },
  query: { policy: 'query', key: 'u' },
  cookie: { policy: 'cookie', secret: 'bench' },
};

function selection(upstreams, ms) {
  const sel = require(path.join(DIST, 'selection'));
  const pool = Array.from({ length: upstreams }, (_, i) => Object.freeze({
    address: `127.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}:9001`,
    weight: 1 + (i % 3), inFlight: (i * 7919) % 17, latencyEwma: 1 + ((i * 104729) % 50) / 10, available: true,
  }));
  const reqs = makeRequests(1024);
  const rows = [];
  for (const name of sel.POLICY_NAMES) {
    const policy = sel.createPolicy(POLICY_CONFIG[name] ?? { policy: name });
    let picked = 0;
    const ns = nsPerOp((i) => {
      if (policy.select(pool, reqs[i & 1023]) !== null) picked++;
    }, ms);
    rows.push({ policy: name, ns_per_select: round(ns, 0), picked_any: picked > 0 });
  }
  return rows;
}

function routes(count, ms) {
  const { compileRoutes } = require(path.join(DIST, 'runtime', 'routes'));
  const done = Promise.resolve();
  const factory = () => ({ name: 'bench', handle: () => done });
  const cfg = Array.from({ length: count }, (_, i) => ({
    match: [{ host: [`svc-${i}.example.com`], path: [`/api/${i}/*`] }],
    handle: [{ handler: 'static_response' }],
    terminal: true,
  }));
  const list = compileRoutes(cfg, '/routes', { registry: undefined }, factory);
  const ctxFor = (host, p) => ({
    host, path: p, query: '', method: 'GET', req: { headers: {} }, remoteIp: '127.0.0.1', clientIp: '127.0.0.1',
    responseHooks: [], closing: false, status: 0, bytesOut: 0,
    res: { headersSent: false, writeHead() {}, end() {}, destroy() {} },
  });
  const cases = [
    ['first route', ctxFor('svc-0.example.com', '/api/0/x')],
    ['middle route', ctxFor(`svc-${count >> 1}.example.com`, `/api/${count >> 1}/x`)],
    ['last route', ctxFor(`svc-${count - 1}.example.com`, `/api/${count - 1}/x`)],
    ['no match', ctxFor('nowhere.example.com', '/x')],
  ];
  const END = () => done;
  return cases.map(([what, ctx]) => ({ request: what, ns_per_match: round(nsPerOp(() => list.run(ctx, 0, END), ms), 0) }));
}

/**
 * What a real worker does on a diff for one weight change in an `n`-upstream pool, timed step
 * by step in-process (same functions as apps/proxy/src/config/client.ts): applyPatch, configHash,
 * then ProxyWorker.apply (validate + build + swap); validateConfig alone is timed to split it.
 */
async function workerApply(n, changes = 10) {
  const shared = require(path.join(__dirname, '..', '..', 'libs', 'shared', 'dist'));
  const { ProxyWorker } = require(DIST);
  const { benchConfig, manyDials } = require('../lib/config');
  const { freePort } = require('../lib/switchyard');
  const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
  const worker = new ProxyWorker();
  let doc = benchConfig({ port: await freePort(), dials: manyDials(n), policy: 'weighted_round_robin', upstream: () => ({ weight: 1 }) });
  let t = process.hrtime.bigint();
  await worker.apply(doc, 1, shared.configHash(doc));
  const first = ms(t);
  const steps = { patch: [], hash: [], validate: [], apply: [], total: [] };
  for (let i = 0; i < changes; i++) {
    const patch = [{ op: 'replace', path: `/apps/http/servers/bench/routes/0/handle/0/upstreams/${(n >> 1) + i}/weight`, value: 2 + (i % 5) }];
    const t0 = process.hrtime.bigint();
    t = process.hrtime.bigint();
    const next = shared.applyPatch(doc, patch);
    steps.patch.push(ms(t));
    t = process.hrtime.bigint();
    const hash = shared.configHash(next);
    steps.hash.push(ms(t));
    t = process.hrtime.bigint();
    await worker.apply(next, i + 2, hash);
    steps.apply.push(ms(t));
    steps.total.push(ms(t0));
    t = process.hrtime.bigint();
    shared.validateConfig(next);
    steps.validate.push(ms(t));
    doc = next;
  }
  // The stats frame this worker sends the admin after every apply and every 5 s (all hosts).
  const { collectStats } = require(path.join(DIST, 'config', 'stats'));
  t = process.hrtime.bigint();
  const frame = shared.encodeMessage({ type: 'stats', revision: changes + 1, at: Date.now(), upstreams: collectStats(worker) });
  const statsEncode = ms(t);
  t = process.hrtime.bigint();
  shared.parseMessage(frame, 'worker');
  const statsParse = ms(t);
  await worker.stop(0);
  const med = (xs) => round(percentile(xs, 50), 2);
  return { upstreams: n, stats_bytes: Buffer.byteLength(frame), stats_encode_ms: round(statsEncode, 1), stats_parse_ms: round(statsParse, 1), first_apply_ms: round(first, 1), patch_ms: med(steps.patch), hash_ms: med(steps.hash),
    apply_ms: med(steps.apply), validate_ms: med(steps.validate), total_ms: med(steps.total), total_max_ms: round(Math.max(...steps.total), 2) };
}

/** Run the micro-benchmarks; returns {selection, routes, apply} and prints tables. */
async function runMicro({ upstreams = 10_000, routeCount = 1000, ms = 300 } = {}) {
  const ap = await workerApply(upstreams);
  console.log(`worker apply of one weight change in a ${upstreams}-upstream pool, in-process, median of 10 (ms)`);
  console.log(table([
    ['first apply (whole pool)', 'applyPatch', 'configHash', 'ProxyWorker.apply', '(of which validateConfig)', 'total', 'total max'],
    [ap.first_apply_ms, ap.patch_ms, ap.hash_ms, ap.apply_ms, ap.validate_ms, ap.total_ms, ap.total_max_ms],
  ]));
  console.log(`the worker's stats frame for ${upstreams} hosts: ${(ap.stats_bytes / 1024).toFixed(0)} KiB, collect + encode ${ap.stats_encode_ms} ms in the worker, parseMessage ${ap.stats_parse_ms} ms in the admin`);
  console.log('');
  const sel = selection(upstreams, ms);
  console.log(`selection cost per policy, pool of ${upstreams} available upstreams (ns per select)`);
  console.log(table([['policy', 'ns/select'], ...sel.map((r) => [r.policy, r.ns_per_select])]));
  const rt = routes(routeCount, ms);
  console.log(`\nroute matching, ${routeCount} routes (host + path prefix each), ns per request`);
  console.log(table([['request matches', 'ns/request'], ...rt.map((r) => [r.request, r.ns_per_match])]));
  return { upstreams, routes_count: routeCount, apply: ap, selection: sel, routes: rt };
}

if (require.main === module) {
  const a = args();
  runMicro({ upstreams: num(a, 'upstreams', 10_000), routeCount: num(a, 'routes', 1000), ms: num(a, 'ms', 300) }).then(
    (out) => record('micro', out),
    (e) => {
      console.error(`micro.js: ${e.stack ?? e}`);
      process.exit(1);
    },
  );
}

module.exports = { runMicro };
