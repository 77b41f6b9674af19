/**
 * Go's `time.ParseDuration` plus Caddy's `d` (days) unit, returning integer nanoseconds.
 * Invariant: for every input Go accepts, the result equals Go's bit for bit (the fraction
 * math is float64 as in Go); inputs Go rejects throw. Values beyond 2^53 ns are refused
 * because JSON numbers in JavaScript could not carry them exactly.
 */
export function parseGoDuration(input: string): number {
  if (input.length > 1024) throw new Error('parsing duration: input string too long');
  const s = expandDays(input);
  const ns = goParseDuration(s, input);
  if (!Number.isSafeInteger(Number(ns))) throw new Error(`duration out of range: "${input}"`);
  return Number(ns);
}

const UNITS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  'µs': 1000n,
  'μs': 1000n,
  ms: 1000000n,
  s: 1000000000n,
  m: 60000000000n,
  h: 3600000000000n,
};
const MAX = (1n << 63n) - 1n;

function expandDays(input: string): string {
  let s = input;
  let inNumber = false;
  let numStart = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === 'd') {
      const daysStr = s.slice(numStart, i);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(daysStr)) {
        throw new Error(`strconv.ParseFloat: parsing "${daysStr}": invalid syntax`);
      }
      const hours = Number(daysStr) * 24;
      s = s.slice(0, numStart) + String(hours) + 'h' + s.slice(i + 1);
      i--;
      continue;
    }
    if (!inNumber) numStart = i;
    inNumber = (ch >= '0' && ch <= '9') || ch === '.' || ch === '-' || ch === '+';
  }
  return s;
}

function goParseDuration(str: string, orig: string): bigint {
  const invalid = (): Error => new Error(`time: invalid duration "${orig}"`);
  let s = str;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) throw invalid();
    let i = 0;
    let v = 0n;
    while (i < s.length && s[i] >= '0' && s[i] <= '9') {
      v = v * 10n + BigInt(s.charCodeAt(i) - 48);
      if (v > MAX) throw invalid();
      i++;
    }
    const pre = i > 0;
    s = s.slice(i);
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s !== '' && s[0] === '.') {
      s = s.slice(1);
      let j = 0;
      let overflow = false;
      while (j < s.length && s[j] >= '0' && s[j] <= '9') {
        if (!overflow) {
          const next = f * 10n + BigInt(s.charCodeAt(j) - 48);
          if (f > MAX / 10n || next > MAX) overflow = true;
          else {
            f = next;
            scale *= 10;
          }
        }
        j++;
      }
      post = j > 0;
      s = s.slice(j);
    }
    if (!pre && !post) throw invalid();
    let k = 0;
    while (k < s.length && !(s[k] === '.' || (s[k] >= '0' && s[k] <= '9'))) k++;
    if (k === 0) throw new Error(`time: missing unit in duration "${orig}"`);
    const u = s.slice(0, k);
    s = s.slice(k);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error(`time: unknown unit "${u}" in duration "${orig}"`);
    if (v > (1n << 63n) / unit) throw invalid();
    v *= unit;
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > 1n << 63n) throw invalid();
    }
    d += v;
    if (d > 1n << 63n) throw invalid();
  }
  if (neg) return -d;
  if (d > MAX) throw invalid();
  return d;
}

const SIZES: Record<string, number> = {
  '': 1, b: 1,
  k: 1e3, kb: 1e3, ki: 1024, kib: 1024,
  m: 1e6, mb: 1e6, mi: 1024 ** 2, mib: 1024 ** 2,
  g: 1e9, gb: 1e9, gi: 1024 ** 3, gib: 1024 ** 3,
  t: 1e12, tb: 1e12, ti: 1024 ** 4, tib: 1024 ** 4,
};

/** go-humanize's `ParseBytes` ("4k" = 4000, "4KiB" = 4096), as Caddy uses for buffer sizes. */
export function parseBytes(input: string): number {
  let end = 0;
  while (end < input.length && /[0-9.,]/.test(input[end])) end++;
  const num = input.slice(0, end).replace(/,/g, '');
  if (!/^(\d+\.?\d*|\.\d+)$/.test(num)) throw new Error(`strconv.ParseFloat: parsing "${num}": invalid syntax`);
  const unit = input.slice(end).trim().toLowerCase();
  const mult = SIZES[unit];
  if (mult === undefined) throw new Error(`unhandled size name: ${unit}`);
  const n = Math.trunc(Number(num) * mult);
  if (!Number.isSafeInteger(n)) throw new Error(`too large: ${input}`);
  return n;
}

/** Go's `strconv.Atoi` on a decimal string (optional sign); anything else throws. */
export function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.Atoi: parsing "${s}": invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`strconv.Atoi: parsing "${s}": value out of range`);
  return n;
}
