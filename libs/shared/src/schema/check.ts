import { parseListen } from '../dial';
import type { SwitchyardConfig, RouteConfig } from './config';
import type { HandlerConfig } from './handlers';
import type { ConfigIssue } from './validate';
import { escapePointer } from './validate';

/**
 * Semantic checks that a schema cannot express, run after it and before anything is stored or
 * swapped: unique listen addresses and @ids, weights that match their upstreams, regular
 * expressions and CIDR ranges that compile.
 */
export function checkConfig(doc: SwitchyardConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  checkIds(doc, '', new Map(), issues);
  const servers = doc.apps?.http?.servers ?? {};
  const listens = new Map<string, { server: string; at: string }>();
  for (const [name, srv] of Object.entries(servers)) {
    const base = `/apps/http/servers/${escapePointer(name)}`;
    srv.listen.forEach((l, i) => {
      // The same address twice in one server (Caddy adapts `localhost:80` and `127.0.0.1:80`
      // side by side) is one socket; across two servers it is a conflict.
      const key = normaliseListen(l);
      const prev = listens.get(key);
      if (prev && prev.server !== name) issues.push({ path: `${base}/listen/${i}`, code: 'CFG_ERR_DUPLICATE_LISTEN', message: `listen address ${l} is also used at ${prev.at}` });
      else if (!prev) listens.set(key, { server: name, at: `${base}/listen/${i}` });
    });
    for (const r of srv.trusted_proxies?.ranges ?? []) {
      if (!isCidr(r)) issues.push({ path: `${base}/trusted_proxies/ranges`, code: 'CFG_ERR_SCHEMA', message: `invalid CIDR range ${JSON.stringify(r)}` });
    }
    checkRoutes(srv.routes ?? [], `${base}/routes`, issues);
    checkRoutes(srv.errors?.routes ?? [], `${base}/errors/routes`, issues);
  }
  return issues;
}

function checkRoutes(routes: RouteConfig[], base: string, issues: ConfigIssue[]): void {
  routes.forEach((r, ri) => {
    (r.handle ?? []).forEach((h, hi) => checkHandler(h, `${base}/${ri}/handle/${hi}`, issues));
  });
}

function checkHandler(h: HandlerConfig, at: string, issues: ConfigIssue[]): void {
  switch (h.handler) {
    case 'reverse_proxy': {
      const sp = h.load_balancing?.selection_policy;
      const n = h.upstreams?.length ?? 0;
      if (sp?.policy === 'weighted_round_robin' && sp.weights && sp.weights.length !== n) {
        issues.push({ path: `${at}/load_balancing/selection_policy/weights`, code: 'CFG_ERR_WEIGHTS', message: `${sp.weights.length} weights for ${n} upstreams` });
      }
      const seen = new Set<string>();
      (h.upstreams ?? []).forEach((u, i) => {
        if (seen.has(u.dial)) issues.push({ path: `${at}/upstreams/${i}/dial`, code: 'CFG_ERR_SCHEMA', message: `upstream ${u.dial} appears twice in this pool` });
        seen.add(u.dial);
      });
      regex(h.health_checks?.active?.expect_body, `${at}/health_checks/active/expect_body`, issues);
      for (const side of ['request', 'response'] as const) {
        for (const [name, reps] of Object.entries(h.headers?.[side]?.replace ?? {})) {
          reps.forEach((rep, i) => regex(rep.search_regexp, `${at}/headers/${side}/replace/${escapePointer(name)}/${i}/search_regexp`, issues));
        }
      }
      for (const r of h.trusted_proxies ?? []) {
        if (!isCidr(r)) issues.push({ path: `${at}/trusted_proxies`, code: 'CFG_ERR_SCHEMA', message: `invalid CIDR range ${JSON.stringify(r)}` });
      }
      break;
    }
    case 'subroute':
      checkRoutes(h.routes ?? [], `${at}/routes`, issues);
      checkRoutes(h.errors?.routes ?? [], `${at}/errors/routes`, issues);
      break;
    case 'headers':
      for (const side of ['request', 'response'] as const) {
        for (const [name, reps] of Object.entries(h[side]?.replace ?? {})) {
          reps.forEach((rep, i) => regex(rep.search_regexp, `${at}/${side}/replace/${escapePointer(name)}/${i}/search_regexp`, issues));
        }
      }
      break;
    default:
      break;
  }
}

function regex(src: string | undefined, path: string, issues: ConfigIssue[]): void {
  if (src === undefined) return;
  try {
    new RegExp(src);
  } catch (e) {
    issues.push({ path, code: 'CFG_ERR_SCHEMA', message: `invalid regular expression: ${(e as Error).message}` });
  }
}

function checkIds(v: unknown, path: string, seen: Map<string, string>, issues: ConfigIssue[]): void {
  if (Array.isArray(v)) {
    v.forEach((x, i) => checkIds(x, `${path}/${i}`, seen, issues));
  } else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('@id' in o) {
      const id = String(o['@id']);
      const prev = seen.get(id);
      if (prev !== undefined) issues.push({ path: `${path}/@id`, code: 'CFG_ERR_DUPLICATE_ID', message: `duplicate @id ${JSON.stringify(id)} (also at ${prev || '/'})` });
      else seen.set(id, path);
    }
    for (const [k, x] of Object.entries(o)) if (k !== '@id') checkIds(x, `${path}/${escapePointer(k)}`, seen, issues);
  }
}

function normaliseListen(l: string): string {
  const p = parseListen(l);
  if (typeof p === 'string') return l;
  const host = p.host === '' || p.host === '0.0.0.0' || p.host === '::' ? '*' : p.host === 'localhost' ? '127.0.0.1' : p.host;
  return `${host}:${p.port}`;
}

/** An IPv4/IPv6 address or CIDR range. */
export function isCidr(s: string): boolean {
  const [addr, bits, extra] = s.split('/');
  if (extra !== undefined || !addr) return false;
  const { isIP } = require('node:net') as typeof import('node:net');
  const fam = isIP(addr);
  if (!fam) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (fam === 4 ? 32 : 128);
}
