import { BlockList, isIP } from 'node:net';
import type { MatcherSetConfig } from '@switchyard/shared';
import type { RequestContext } from '../handlers/types';

/** A compiled matcher set: true when every matcher in the set matches. */
export type Matcher = (ctx: RequestContext) => boolean;

/**
 * Compile a route's `match` list (OR of AND-sets) into one predicate; undefined when the route
 * has no matchers (matches everything). Semantics follow Caddy: host is case-insensitive with
 * `*` standing for one label; path is case-insensitive with `*` globs (prefix, suffix,
 * contains, or anywhere).
 */
export function compileMatch(sets: readonly MatcherSetConfig[] | undefined): Matcher | undefined {
  if (!sets || sets.length === 0) return undefined;
  const compiled = sets.map(compileSet);
  if (compiled.length === 1) return compiled[0];
  return (ctx) => {
    for (const m of compiled) if (m(ctx)) return true;
    return false;
  };
}

function compileSet(set: MatcherSetConfig): Matcher {
  const parts: Matcher[] = [];
  if (set.host) parts.push(hostMatcher(set.host));
  if (set.path) parts.push(pathMatcher(set.path));
  if (set.method) {
    const methods = new Set(set.method.map((m) => m.toUpperCase()));
    parts.push((ctx) => methods.has(ctx.method));
  }
  if (set.header) parts.push(headerMatcher(set.header));
  if (set.query) parts.push(queryMatcher(set.query));
  if (set.remote_ip) {
    const bl = blockList(set.remote_ip.ranges);
    parts.push((ctx) => inList(bl, ctx.remoteIp));
  }
  if (set.client_ip) {
    const bl = blockList(set.client_ip.ranges);
    parts.push((ctx) => inList(bl, ctx.clientIp));
  }
  if (parts.length === 1) return parts[0]!;
  return (ctx) => {
    for (const p of parts) if (!p(ctx)) return false;
    return true;
  };
}

/** Host patterns: exact (case-insensitive) or with `*` standing for exactly one label. */
export function hostMatcher(hosts: readonly string[]): Matcher {
  const exact = new Set<string>();
  const wild: RegExp[] = [];
  for (const h of hosts) {
    const l = h.toLowerCase();
    if (l.includes('*')) wild.push(new RegExp('^' + l.split('.').map((p) => (p === '*' ? '[^.]+' : escapeRe(p))).join('\\.') + '$'));
    else exact.add(l);
  }
  return (ctx) => {
    if (exact.has(ctx.host)) return true;
    for (const w of wild) if (w.test(ctx.host)) return true;
    return false;
  };
}

/** Path patterns as in Caddy: "/a/*" prefix, "*.css" suffix, "*x*" contains, other globs, exact. */
export function pathMatcher(paths: readonly string[]): Matcher {
  const tests = paths.map(pathTest);
  return (ctx) => {
    const p = ctx.path.toLowerCase();
    for (const t of tests) if (t(p)) return true;
    return false;
  };
}

function pathTest(pattern: string): (p: string) => boolean {
  const pat = pattern.toLowerCase();
  const stars = pat.split('*').length - 1;
  if (stars === 0) return (p) => p === pat;
  if (pat === '*') return () => true;
  if (stars === 1 && pat.endsWith('*')) {
    const pre = pat.slice(0, -1);
    return (p) => p.startsWith(pre);
  }
  if (stars === 1 && pat.startsWith('*')) {
    const suf = pat.slice(1);
    return (p) => p.endsWith(suf);
  }
  if (stars === 2 && pat.startsWith('*') && pat.endsWith('*')) {
    const mid = pat.slice(1, -1);
    return (p) => p.includes(mid);
  }
  const re = new RegExp('^' + pat.split('*').map(escapeRe).join('.*') + '$');
  return (p) => re.test(p);
}

function headerMatcher(spec: Record<string, string[] | null>): Matcher {
  // A null value list means the header must be absent (Caddyfile `!Field`).
  const entries = Object.entries(spec).map(([k, vals]) => [k.toLowerCase(), vals === null ? null : vals.map(globTest)] as const);
  return (ctx) => {
    for (const [name, tests] of entries) {
      const raw = ctx.req.headers[name];
      if (tests === null) {
        if (raw !== undefined) return false;
        continue;
      }
      if (raw === undefined) return false;
      if (tests.length === 0) continue;
      const values = Array.isArray(raw) ? raw : [raw];
      if (!values.some((v) => tests.some((t) => t(v)))) return false;
    }
    return true;
  };
}

function queryMatcher(spec: Record<string, string[]>): Matcher {
  const entries = Object.entries(spec).map(([k, vals]) => [k, vals.map(globTest)] as const);
  return (ctx) => {
    const q = new URLSearchParams(ctx.query);
    for (const [key, tests] of entries) {
      const values = q.getAll(key);
      if (values.length === 0) return false;
      if (tests.length && !values.some((v) => tests.some((t) => t(v)))) return false;
    }
    return true;
  };
}

function globTest(pattern: string): (v: string) => boolean {
  if (pattern === '*') return () => true;
  if (!pattern.includes('*')) return (v) => v === pattern;
  const re = new RegExp('^' + pattern.split('*').map(escapeRe).join('.*') + '$');
  return (v) => re.test(v);
}

/** A BlockList of CIDR ranges / addresses (validated by the config checks). */
export function blockList(ranges: readonly string[]): BlockList {
  const bl = new BlockList();
  for (const r of ranges) {
    const [addr, bits] = r.split('/');
    const fam = isIP(addr!) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) bl.addAddress(addr!, fam);
    else bl.addSubnet(addr!, Number(bits), fam);
  }
  return bl;
}

/** Membership test that accepts IPv4-mapped IPv6 addresses ("::ffff:1.2.3.4"). */
export function inList(bl: BlockList, ip: string): boolean {
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  const fam = isIP(ip);
  if (!fam) return false;
  return bl.check(ip, fam === 6 ? 'ipv6' : 'ipv4');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
