'use strict';
/**
 * Summarise a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per area
 * (our code by package, undici, node:http internals, GC, idle).
 *
 *   node bench/lib/cpuprofile.js FILE.cpuprofile [--top 25]
 */
const fs = require('node:fs');

function area(url, name) {
  if (name === '(garbage collector)') return 'gc';
  if (name === '(idle)') return 'idle';
  if (name === '(program)') return 'program (native, not attributed)';
  if (!url) return 'native / builtins';
  const ours = /\/(apps|libs)\/([^/]+)\/dist\//.exec(url);
  if (ours) return `switchyard ${ours[1]}/${ours[2]}`;
  if (url.includes('/node_modules/undici/')) return 'undici';
  const nm = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) {
    if (/node:_http|node:http/.test(url)) return 'node:http';
    if (/node:net|node:internal\/stream_base|node:internal\/net/.test(url)) return 'node:net';
    if (/streams?/.test(url)) return 'node:streams';
    return 'node (other internals)';
  }
  return 'other';
}

/** {totalMs, top: [{fn, where, area, selfMs, pct}], areas: [{area, selfMs, pct}]} */
function summarize(profile, top = 25) {
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0));
  const fns = new Map();
  const areas = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const name = cf.functionName || '(anonymous)';
    const file = (cf.url || '').replace(/^file:\/\//, '').replace(/^.*\/(apps|libs|node_modules)\//, '$1/');
    const where = cf.url ? `${file}:${cf.lineNumber + 1}` : '';
    const key = `${name} ${where}`;
    const a = area(cf.url, name);
    const f = fns.get(key) ?? { fn: name, where, area: a, selfMs: 0 };
    f.selfMs += us / 1000;
    fns.set(key, f);
    areas.set(a, (areas.get(a) ?? 0) + us / 1000);
    total += us / 1000;
  }
  const busy = total - (areas.get('idle') ?? 0);
  const pct = (ms) => Math.round((1000 * ms) / busy) / 10;
  return {
    totalMs: Math.round(total),
    busyMs: Math.round(busy),
    top: [...fns.values()].filter((f) => f.area !== 'idle').sort((a, b) => b.selfMs - a.selfMs).slice(0, top)
      .map((f) => ({ ...f, selfMs: Math.round(f.selfMs), pct: pct(f.selfMs) })),
    areas: [...areas].filter(([a]) => a !== 'idle').sort((a, b) => b[1] - a[1]).map(([a, ms]) => ({ area: a, selfMs: Math.round(ms), pct: pct(ms) })),
  };
}

if (require.main === module) {
  const file = process.argv[2];
  const topArg = process.argv.indexOf('--top');
  const s = summarize(JSON.parse(fs.readFileSync(file, 'utf8')), topArg > 0 ? Number(process.argv[topArg + 1]) : 25);
  console.log(`profile ${file}: ${s.busyMs} ms busy of ${s.totalMs} ms sampled`);
  console.log('\nself time by area (% of busy):');
  for (const a of s.areas) console.log(`  ${String(a.pct).padStart(5)}%  ${a.area}`);
  console.log('\ntop functions by self time (% of busy):');
  for (const f of s.top) console.log(`  ${String(f.pct).padStart(5)}%  ${f.fn}  ${f.where}`);
}

module.exports = { summarize };
