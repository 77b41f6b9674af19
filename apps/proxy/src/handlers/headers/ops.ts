import { SwitchyardError, escapePointer } from '@switchyard/shared';
import type { RequestContext } from '../types';
import { compileTemplate, type Template } from '../../placeholders';
import { goRegExp, goReplaceAll, groupCount, parseGoTemplate } from './regexp';

/** Caddy's header operations as they appear in the config. */
export interface HeaderOpsConfig {
  set?: Readonly<Record<string, readonly string[]>>;
  add?: Readonly<Record<string, readonly string[]>>;
  delete?: readonly string[];
  replace?: Readonly<Record<string, readonly { search?: string; search_regexp?: string; replace?: string }[]>>;
}

/** A header map with lower-case keys: IncomingHttpHeaders or OutgoingHttpHeaders. */
export type HeaderBag = Record<string, string | string[] | number | undefined>;
/**
 * Apply the operations in place; returns the (lower-case) names of the fields that may have
 * changed, or `true` when any field may have (a `*` delete or replace).
 */
export type ApplyOps = (headers: HeaderBag, ctx: RequestContext) => ReadonlySet<string> | true;

type Replace = (value: string, ctx: RequestContext) => string;

/**
 * Compile header operations once. They run in Caddy's order: `delete: ["*"]` first, then add,
 * set, the other deletes, then replace. Names are case-insensitive; values take placeholders
 * (unknown ones stay literal). `set` with several values joins them with "," as Caddy does.
 * In 'request' mode several values of one field are kept as one string (", "-joined, "; " for
 * Cookie) because that is how node holds request headers; in 'response' mode they become an
 * array (one header line each). Returns undefined when there is nothing to do.
 */
export function compileHeaderOps(cfg: HeaderOpsConfig | undefined, path: string, mode: 'request' | 'response'): ApplyOps | undefined {
  if (!cfg) return undefined;
  const tpl = (m: Readonly<Record<string, readonly string[]>> | undefined) =>
    Object.entries(m ?? {}).map(([n, vs]) => [n.toLowerCase(), vs.map((v) => compileTemplate(v))] as const);
  const add = tpl(cfg.add);
  const set = tpl(cfg.set);
  const dels = cfg.delete ?? [];
  const delAll = dels.includes('*');
  const exact: string[] = [];
  const wild: ((name: string) => boolean)[] = [];
  for (const d of dels) {
    if (d === '*') continue;
    const l = d.toLowerCase();
    if (l.startsWith('*') || l.endsWith('*')) wild.push(nameTest(l));
    else exact.push(l);
  }
  const replace = Object.entries(cfg.replace ?? {}).map(([n, rs]) => {
    const base = `${path}/replace/${escapePointer(n)}`;
    return [n === '*' ? '*' : n.toLowerCase(), rs.map((r, j) => compileReplacement(r, `${base}/${j}`))] as const;
  });
  if (!delAll && !add.length && !set.length && !exact.length && !wild.length && !replace.length) return undefined;
  const joinReq = mode === 'request';
  const named = new Set<string>([...add.map(([n]) => n), ...set.map(([n]) => n), ...exact]);
  for (const [n] of replace) if (n !== '*') named.add(n);
  const touchesAll = delAll || replace.some(([n]) => n === '*');

  return (h, ctx) => {
    let touched: Set<string> | undefined;
    if (delAll) for (const k of Object.keys(h)) delete h[k];
    for (const [n, vs] of add) for (const t of vs) addValue(h, n, t(ctx), joinReq);
    for (const [n, vs] of set) {
      if (vs.length === 1) h[n] = vs[0]!(ctx);
      else if (n === 'set-cookie' && !joinReq) h[n] = vs.map((t) => t(ctx));
      else h[n] = vs.map((t) => t(ctx)).join(',');
    }
    for (const n of exact) delete h[n];
    if (wild.length) {
      for (const k of Object.keys(h)) {
        if (!wild.some((w) => w(k.toLowerCase()))) continue;
        delete h[k];
        (touched ??= new Set(named)).add(k.toLowerCase());
      }
    }
    for (const [n, reps] of replace) {
      for (const k of n === '*' ? Object.keys(h) : [n]) {
        const v = h[k];
        if (v === undefined) continue;
        const one = (s: string) => {
          for (const r of reps) s = r(s, ctx);
          return s;
        };
        h[k] = Array.isArray(v) ? v.map(one) : one(String(v));
      }
    }
    return touchesAll ? true : touched ?? named;
  };
}

/**
 * Bring node's `rawHeaders` (what the reverse proxy forwards, in order and spelling) in line with
 * `headers` after operations touched `changed`: the old lines of those fields are removed and
 * their current values appended under Go's canonical spelling (X-Forwarded-For), one line per
 * value.
 */
export function syncRawHeaders(req: { headers: HeaderBag; rawHeaders: string[] }, changed: ReadonlySet<string> | true): void {
  if (changed !== true && changed.size === 0) return;
  const raw = req.rawHeaders;
  const out: string[] = [];
  if (changed !== true) {
    for (let i = 0; i < raw.length; i += 2) if (!changed.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  }
  for (const name of changed === true ? Object.keys(req.headers) : changed) {
    const v = req.headers[name];
    if (v === undefined) continue;
    const spelled = canonicalHeaderKey(name);
    if (Array.isArray(v)) for (const x of v) out.push(spelled, x);
    else out.push(spelled, String(v));
  }
  req.rawHeaders = out;
}

/** Go's textproto.CanonicalMIMEHeaderKey for token names: "x-forwarded-for" -> "X-Forwarded-For". */
export function canonicalHeaderKey(name: string): string {
  if (!/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

function addValue(h: HeaderBag, name: string, value: string, joinReq: boolean): void {
  const cur = h[name];
  if (cur === undefined) h[name] = value;
  else if (joinReq) h[name] = `${Array.isArray(cur) ? cur.join(', ') : cur}${name === 'cookie' ? '; ' : ', '}${value}`;
  else h[name] = Array.isArray(cur) ? [...cur, value] : [String(cur), value];
}

/** Caddy's delete wildcards: "*x*" contains, "*x" suffix, "x*" prefix (on lower-case names). */
function nameTest(p: string): (name: string) => boolean {
  if (p.length > 1 && p.startsWith('*') && p.endsWith('*')) {
    const mid = p.slice(1, -1);
    return (n) => n.includes(mid);
  }
  if (p.startsWith('*')) {
    const s = p.slice(1);
    return (n) => n.endsWith(s);
  }
  const s = p.slice(0, -1);
  return (n) => n.startsWith(s);
}

function compileReplacement(r: { search?: string; search_regexp?: string; replace?: string }, path: string): Replace {
  const rep: Template = compileTemplate(r.replace ?? '');
  if (r.search_regexp) {
    let re: RegExp;
    try {
      re = goRegExp(r.search_regexp);
    } catch (e) {
      throw new SwitchyardError('PRX_ERR_CONFIG', 400, `${path}/search_regexp: invalid regular expression: ${(e as Error).message}`, `${path}/search_regexp`);
    }
    const groups = groupCount(re);
    const fixed = rep.constant !== undefined ? parseGoTemplate(rep.constant) : undefined;
    return (v, c) => goReplaceAll(v, re, fixed ?? parseGoTemplate(rep(c)), groups);
  }
  const search = compileTemplate(r.search ?? '');
  return (v, c) => {
    const s = search(c);
    return s ? v.split(s).join(rep(c)) : v;
  };
}
