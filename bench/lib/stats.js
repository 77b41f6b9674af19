'use strict';
/** Small statistics helpers shared by the scenarios. All inputs are plain number arrays. */

/** Percentile by nearest rank on a copy (p in 0..100); NaN for an empty sample. */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = Float64Array.from(values).sort();
  const rank = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[rank];
}

/** p50/p99/max/mean/count of a sample (NaN fields when empty). */
function summary(values) {
  const n = values.length;
  let sum = 0;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v > max) max = v;
  }
  return { count: n, p50: percentile(values, 50), p99: percentile(values, 99), max: n ? max : NaN, mean: n ? sum / n : NaN };
}

/** Round to `d` decimals for printing; keeps NaN visible as null in JSON. */
function round(v, d = 2) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  const f = 10 ** d;
  return Math.round(v * f) / f;
}

/** Print rows as an aligned text table (first row is the header). */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

module.exports = { percentile, summary, round, table };
