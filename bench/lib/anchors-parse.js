'use strict';
/**
 * Reads the text anchors.sh prints (../shared/bench/anchors.sh): the per-round table
 * `name round rps p50 p99 errors` and, with --reload, the `caddy:` / `nginx:` reload lines.
 */
const { toMs } = require('./wrk');

/** {rows: [{name, round, rps, p50, p99, errors}], byName: {name: {rps, p99, p99max, errors, warm: {rps, p99}}}, reloads: {caddy, nginx}} */
function parseAnchors(text) {
  const rows = [];
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+([\d.]+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const errText = m[6].trim();
    const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(errText);
    const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(errText);
    const errors = (se ? +se[1] + +se[2] + +se[3] + +se[4] : 0) + (non2xx ? +non2xx[1] : 0);
    rows.push({ name: m[1], round: +m[2], rps: +m[3], p50: toMs(m[4]), p99: toMs(m[5]), errors, errText });
  }
  const byName = {};
  for (const r of rows) {
    const b = (byName[r.name] ??= { rounds: 0, rps: 0, p50: 0, p99: 0, p99max: 0, errors: 0 });
    b.rounds++;
    b.rps += r.rps;
    b.p50 += r.p50;
    b.p99 += r.p99;
    b.p99max = Math.max(b.p99max, r.p99);
    b.errors += r.errors;
  }
  for (const b of Object.values(byName)) {
    b.rps /= b.rounds;
    b.p50 /= b.rounds;
    b.p99 /= b.rounds;
  }
  // Round 1 carries every Node proxy's JIT warm-up (Go and C proxies have none): the warm
  // figures are the means over rounds 2+, when there are any.
  for (const [name, b] of Object.entries(byName)) {
    const warm = rows.filter((r) => r.name === name && r.round > 1);
    b.warm = warm.length
      ? { rounds: warm.length, rps: warm.reduce((x, r) => x + r.rps, 0) / warm.length, p99: warm.reduce((x, r) => x + r.p99, 0) / warm.length }
      : { rounds: b.rounds, rps: b.rps, p99: b.p99 };
  }
  const reloads = {};
  const rl = /^(caddy|nginx):\s+\S+ reloads: (\d+);(.*)$/gm;
  let m;
  while ((m = rl.exec(text))) {
    const se = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(m[3]);
    const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(m[3]);
    reloads[m[1]] = {
      reloads: +m[2],
      socket_errors: se ? +se[1] + +se[2] + +se[3] + +se[4] : 0,
      non2xx: non2xx ? +non2xx[1] : 0,
    };
  }
  return { rows, byName, reloads };
}

module.exports = { parseAnchors };
