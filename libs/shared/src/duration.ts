/**
 * Durations in Caddy's two JSON forms: a Go duration string ("1.5s", "100ms", "1h30m", and
 * Caddy's extra "d" unit) or an integer number of nanoseconds. Everything inside Switchyard
 * works in milliseconds (fractional where needed).
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000,
};
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d)/y;

/** Parse a duration; returns milliseconds or throws `RangeError` naming the bad input. */
export function parseDuration(v: string | number): number {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new RangeError(`duration number must be integer nanoseconds, got ${v}`);
    return v / 1e6;
  }
  const ms = tryParseDurationString(v);
  if (ms === undefined) throw new RangeError(`invalid duration ${JSON.stringify(v)}`);
  return ms;
}

/** The string form only; undefined when it is not a valid Go/Caddy duration. */
export function tryParseDurationString(s: string): number | undefined {
  if (s === '0') return 0;
  let i = 0;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    i = 1;
  }
  if (i >= s.length) return undefined;
  let total = 0;
  while (i < s.length) {
    PART.lastIndex = i;
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    i = PART.lastIndex;
  }
  return sign * total;
}

/** Milliseconds of an optional duration, or `fallback` when absent. */
export function durationMs(v: string | number | undefined, fallback: number): number {
  return v === undefined ? fallback : parseDuration(v);
}
