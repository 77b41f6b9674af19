/** Header operations in Caddy's JSON shape (`headers` handler and reverse_proxy `headers`). */
export interface HeaderOps {
  add?: Record<string, string[]>;
  set?: Record<string, string[]>;
  delete?: string[];
  replace?: Record<string, { search_regexp: string; replace: string }[]>;
}

/** Response-side operations: the ops plus `require` (for `?Field`) and `deferred`. */
export interface RespHeaderOps extends HeaderOps {
  require?: { headers: Record<string, null> };
  deferred?: boolean;
}

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*$/;

/**
 * Go's `textproto.CanonicalMIMEHeaderKey`: "x-real-ip" becomes "X-Real-Ip"; a name with any
 * byte outside the RFC 7230 token set (e.g. a `{placeholder}`) is returned unchanged.
 */
export function canonicalHeaderKey(name: string): string {
  if (!TCHAR.test(name)) return name;
  let out = '';
  let upper = true;
  for (const c of name) {
    let ch = c;
    if (upper && ch >= 'a' && ch <= 'z') ch = ch.toUpperCase();
    else if (!upper && ch >= 'A' && ch <= 'Z') ch = ch.toLowerCase();
    out += ch;
    upper = ch === '-';
  }
  return out;
}

/**
 * Applies one Caddyfile header operation the way Caddy 2.6 does: `+F v` adds, `-F` deletes,
 * `?F v` sets only when absent (response side only), `F search replacement` replaces by
 * regexp, `F v` sets. Set/add keys are canonicalized; delete and replace keys are not.
 * `resp` is the response-side holder when there is one (deletes then defer the handler).
 */
export function applyHeaderOp(ops: HeaderOps, resp: RespHeaderOps | null, field: string, value: string, replacement: string): void {
  if (field.startsWith('+')) {
    const key = canonicalHeaderKey(field.slice(1));
    ops.add ??= {};
    (ops.add[key] ??= []).push(value);
  } else if (field.startsWith('-')) {
    (ops.delete ??= []).push(field.slice(1));
    if (resp !== null) resp.deferred = true;
  } else if (field.startsWith('?')) {
    if (resp === null) {
      throw new Error(`${field}: the default header modifier ('?') can only be used on response headers; for conditional manipulation of request headers, use matchers`);
    }
    const name = field.slice(1);
    resp.require ??= { headers: {} };
    resp.require.headers[name] = null;
    resp.set ??= {};
    resp.set[canonicalHeaderKey(name)] = [value];
  } else if (replacement !== '') {
    const key = field.replace(/^[+\-?]+/, '');
    ops.replace ??= {};
    (ops.replace[key] ??= []).push({ search_regexp: value, replace: replacement });
  } else {
    ops.set ??= {};
    ops.set[canonicalHeaderKey(field)] = [value];
  }
}
