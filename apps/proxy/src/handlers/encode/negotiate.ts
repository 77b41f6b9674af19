/**
 * Caddy's AcceptedEncodings: the encodings a request accepts, best first. Sorted by q-value
 * (descending; a malformed or out-of-range q counts as 1), ties broken by the server's `prefer`
 * order (listed names first, in that order), then by the client's order. q=0 excludes a coding.
 * Names are lower-cased; `*` and `identity` are returned like any name (no encoder has them).
 */
export function acceptedEncodings(header: string | undefined, prefer: readonly string[]): string[] {
  if (!header) return [];
  const prefs: { name: string; q: number; rank: number; pos: number }[] = [];
  const parts = header.split(',');
  for (let pos = 0; pos < parts.length; pos++) {
    const [rawName, ...params] = parts[pos]!.split(';');
    const name = rawName!.trim().toLowerCase();
    if (!name) continue;
    let q = 1;
    const p = params[0]?.trim().toLowerCase();
    if (p && p.startsWith('q=')) {
      const v = Number(p.slice(2));
      if (p.length > 2 && Number.isFinite(v) && v >= 0 && v <= 1) q = v;
    }
    if (q < 0.00001) continue;
    const i = prefer.indexOf(name);
    prefs.push({ name, q, rank: i < 0 ? -1 : prefer.length - i, pos });
  }
  prefs.sort((a, b) => (Math.abs(a.q - b.q) < 0.00001 ? b.rank - a.rank || a.pos - b.pos : b.q - a.q));
  return prefs.map((p) => p.name);
}

/** The first accepted encoding that `offered` has, or undefined. */
export function negotiate(header: string | undefined, prefer: readonly string[], offered: ReadonlySet<string>): string | undefined {
  if (!header) return undefined;
  for (const name of acceptedEncodings(header, prefer)) if (offered.has(name)) return name;
  return undefined;
}

/** True when a Cache-Control value carries `no-transform` (RFC 9111 5.2: do not re-encode). */
export function noTransform(cacheControl: string | string[] | number | undefined): boolean {
  if (cacheControl === undefined) return false;
  const s = Array.isArray(cacheControl) ? cacheControl.join(',') : String(cacheControl);
  return s.toLowerCase().includes('no-transform');
}

/** True when a Vary value already names Accept-Encoding (or is "*"). */
export function varies(vary: string | string[] | number | undefined): boolean {
  if (vary === undefined) return false;
  const s = Array.isArray(vary) ? vary.join(',') : String(vary);
  return s.split(',').some((t) => {
    const v = t.trim().toLowerCase();
    return v === 'accept-encoding' || v === '*';
  });
}
