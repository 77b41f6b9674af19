/**
 * Hop-by-hop header handling (RFC 9110 §7.6.1): Connection, every field it names, and the
 * fixed set Keep-Alive, Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade never cross
 * the proxy in either direction. Headers travel as flat `[name, value, name, value, ...]`
 * string arrays, the form node's `rawHeaders`, `writeHead` and undici's `dispatch` all accept,
 * so a request costs one array and no per-header objects.
 */

/**
 * `name` equals `lower` (an all-lower-case ASCII field name) ignoring ASCII case, without
 * allocating a lower-cased copy (header names are compared once per field per request).
 */
export function lowerEquals(name: string, lower: string): boolean {
  const n = lower.length;
  if (name.length !== n) return false;
  for (let i = 0; i < n; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The canonical lower-case name when `name` is one of the fixed hop-by-hop fields, else undefined. */
export function hopByHop(name: string): string | undefined {
  switch (name.length) {
    case 2:
      return lowerEquals(name, 'te') ? 'te' : undefined;
    case 7:
      return lowerEquals(name, 'upgrade') ? 'upgrade' : lowerEquals(name, 'trailer') ? 'trailer' : undefined;
    case 10:
      return lowerEquals(name, 'connection') ? 'connection' : lowerEquals(name, 'keep-alive') ? 'keep-alive' : undefined;
    case 16:
      return lowerEquals(name, 'proxy-connection') ? 'proxy-connection' : undefined;
    case 17:
      return lowerEquals(name, 'transfer-encoding') ? 'transfer-encoding' : undefined;
    default:
      return undefined;
  }
}

/** Connection options that are not field names (or are hop-by-hop anyway): nothing extra to strip. */
const PLAIN_OPTIONS: ReadonlySet<string> = new Set(['close', 'keep-alive', 'upgrade', 'te', 'trailer', 'transfer-encoding', 'proxy-connection', '']);

/**
 * Field names listed in Connection header values that are not already hop-by-hop, lower case;
 * undefined for the usual "keep-alive" / "close" / "Upgrade".
 */
export function connectionNamed(values: string, into?: Set<string>): Set<string> | undefined {
  // The common values, without splitting.
  if (lowerEquals(values, 'keep-alive') || lowerEquals(values, 'close') || lowerEquals(values, 'upgrade')) return into;
  let out = into;
  for (const token of values.split(',')) {
    const t = token.trim().toLowerCase();
    if (PLAIN_OPTIONS.has(t)) continue;
    (out ??= new Set()).add(t);
  }
  return out;
}

/** Remove every field whose lower-case name is in `names` from a flat header array, in place. */
export function removeNamed(headers: string[], names: ReadonlySet<string>): void {
  let w = 0;
  for (let r = 0; r < headers.length; r += 2) {
    if (names.has(headers[r]!.toLowerCase())) continue;
    headers[w] = headers[r]!;
    headers[w + 1] = headers[r + 1]!;
    w += 2;
  }
  headers.length = w;
}

/** What the request-header pass learned besides the forwarded list. */
export interface RequestHeadFacts {
  /** First Host value as received (with port), or '' when absent (HTTP/1.0). */
  host: string;
  /** The request carries a body (Content-Length > 0 or any Transfer-Encoding). */
  hasBody: boolean;
  /** Prior X-Forwarded-* values, joined with ", " as Go's Header.Values would be; undefined when absent. */
  xff: string | undefined;
  xfp: string | undefined;
  xfh: string | undefined;
  /** Upgrade protocol when the request asks for one (`Connection: upgrade` + `Upgrade`), else ''. */
  upgrade: string;
}

/**
 * Build the upstream request header list from node's `rawHeaders`: hop-by-hop fields, Expect
 * (node already answered 100-continue; undici refuses it), duplicate Host and Content-Length and
 * the X-Forwarded-* trio (re-added by the caller) are dropped; everything else keeps its order
 * and spelling. Fills `facts`.
 */
export function requestHeaders(raw: readonly string[], facts: RequestHeadFacts): string[] {
  const out: string[] = [];
  let named: Set<string> | undefined;
  let sawLength = false;
  let connUpgrade = false;
  let upgrade = '';
  facts.host = '';
  facts.hasBody = false;
  facts.xff = facts.xfp = facts.xfh = undefined;
  let authority = '';
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    // HTTP/2 pseudo-headers (:method, :path, :scheme, :authority) never go upstream; the
    // authority stands in for Host when the client sent none.
    if (name.charCodeAt(0) === 58) {
      if (name === ':authority') authority = value;
      continue;
    }
    switch (name.length) {
      case 4:
        if (lowerEquals(name, 'host')) {
          if (facts.host !== '') continue;
          facts.host = value;
        }
        break;
      case 6:
        if (lowerEquals(name, 'expect')) continue;
        break;
      case 14:
        if (lowerEquals(name, 'content-length')) {
          if (sawLength) continue;
          sawLength = true;
          if (value !== '0') facts.hasBody = true;
        }
        break;
      case 15:
        if (lowerEquals(name, 'x-forwarded-for')) {
          facts.xff = facts.xff === undefined ? value : `${facts.xff}, ${value}`;
          continue;
        }
        break;
      case 16:
        if (lowerEquals(name, 'x-forwarded-host')) {
          facts.xfh = facts.xfh === undefined ? value : `${facts.xfh}, ${value}`;
          continue;
        }
        break;
      case 17:
        if (lowerEquals(name, 'x-forwarded-proto')) {
          facts.xfp = facts.xfp === undefined ? value : `${facts.xfp}, ${value}`;
          continue;
        }
        break;
      default:
        break;
    }
    const hop = hopByHop(name);
    if (hop !== undefined) {
      if (hop === 'transfer-encoding') facts.hasBody = true;
      else if (hop === 'connection') {
        named = connectionNamed(value, named);
        if (/\bupgrade\b/i.test(value)) connUpgrade = true;
      } else if (hop === 'upgrade') upgrade = value;
      continue;
    }
    out.push(name, value);
  }
  facts.upgrade = connUpgrade ? upgrade : '';
  if (named !== undefined) removeNamed(out, named);
  if (facts.host === '' && authority !== '') {
    facts.host = authority;
    out.push('Host', authority);
  }
  return out;
}

/**
 * Convert undici's raw response headers (Buffers) to a flat string list without hop-by-hop
 * fields. Values are decoded as latin1 so every byte the upstream sent is written back as is.
 */
export function responseHeaders(raw: readonly Buffer[]): string[] {
  const out: string[] = [];
  let named: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const hop = hopByHop(name);
    if (hop !== undefined) {
      if (hop === 'connection') named = connectionNamed(raw[i + 1]!.toString('latin1'), named);
      continue;
    }
    out.push(name, raw[i + 1]!.toString('latin1'));
  }
  if (named !== undefined) removeNamed(out, named);
  return out;
}

/** First value of `name` (lower case) in a flat header list, or undefined. */
export function headerValue(headers: readonly string[], name: string): string | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    const n = headers[i]!;
    if (lowerEquals(n, name)) return headers[i + 1];
  }
  return undefined;
}
