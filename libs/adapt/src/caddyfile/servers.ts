import { listenerAddress, specificity, type SiteAddress } from './address';
import type { GlobalOptions } from './global';
import { goSliceStable } from './gosort';
import type { MatcherSet } from './matchers';
import { buildSubroute, consolidateRoutes, subrouteHandler } from './routing';
import type { Site } from './site';
import { lineError } from './tree';
import type { Ctx, NamedLog, Route } from './types';

/** A site as served on one listener address: only the keys that map to that address. */
interface SiteOnAddress {
  site: Site;
  keys: SiteAddress[];
  keyTexts: string[];
}

/** Listener addresses that serve the same sites become one server (Caddy's "pairing"). */
interface Pairing {
  addresses: string[];
  sites: SiteOnAddress[];
}

/** The result of building servers: the `servers` map and the access logs in Caddy's order. */
export interface BuiltServers {
  servers: Record<string, Record<string, unknown>>;
  logs: NamedLog[];
}

/**
 * Builds `apps.http.servers` from evaluated sites exactly as Caddy 2.6.2 does: listener
 * addresses per site key (port from the key, else 80 for http://, else 443; hosts from
 * `bind`), sites grouped by identical address sets, servers named `srvN` in order of their
 * first address (string order), sites sorted most-specific first, and host matchers,
 * auto-HTTPS skips, TLS connection policies and access-log mappings derived from the keys.
 */
export function buildServers(sites: Site[], opts: GlobalOptions, ctx: Omit<Ctx, 'defs' | 'directives'>): BuiltServers {
  const httpPort = String(opts.httpPort ?? 80);
  const httpsPort = String(opts.httpsPort ?? 443);
  const byAddress = new Map<string, SiteOnAddress[]>();
  const siteIds = new Map<Site, number>();
  sites.forEach((s, i) => siteIds.set(s, i));

  for (const site of sites) {
    const addrToKeys = new Map<string, number[]>();
    site.keys.forEach((addr, k) => {
      let port = httpsPort;
      if (addr.port !== '') port = addr.port;
      else if (addr.scheme === 'http') port = httpPort;
      if ((addr.scheme === 'http' && port === httpsPort) || (addr.scheme === 'https' && port === httpPort)) {
        throw lineError(site.keyTokens[k], `[${site.keyTokens[k].text}] scheme and port violate convention`);
      }
      const hosts = site.binds.length > 0 ? site.binds : [''];
      const listeners = new Set<string>();
      for (const h of hosts) {
        try {
          listeners.add(listenerAddress(h, port));
        } catch (e) {
          throw lineError(site.keyTokens[k], (e as Error).message);
        }
      }
      for (const l of listeners) {
        const list = addrToKeys.get(l);
        if (list) list.push(k);
        else addrToKeys.set(l, [k]);
      }
    });
    for (const addr of [...addrToKeys.keys()].sort(goLess)) {
      const ks = addrToKeys.get(addr) ?? [];
      const entry: SiteOnAddress = { site, keys: ks.map((k) => site.keys[k]), keyTexts: ks.map((k) => site.keyTokens[k].text) };
      const list = byAddress.get(addr);
      if (list) list.push(entry);
      else byAddress.set(addr, [entry]);
    }
  }

  const pairings = consolidate(byAddress);
  const servers: Record<string, Record<string, unknown>> = {};
  const logs: NamedLog[] = [];
  pairings.forEach((p, i) => {
    servers[`srv${i}`] = buildServer(p, opts, ctx, httpPort, httpsPort);
    for (const s of p.sites) for (const l of s.site.logs) logs.push(l.value);
  });
  return { servers, logs };
}

const goLess = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const sameSites = (a: SiteOnAddress[], b: SiteOnAddress[]): boolean =>
  a.length === b.length && a.every((x, i) => x.site === b[i].site && x.keyTexts.join('\0') === b[i].keyTexts.join('\0'));

function consolidate(byAddress: Map<string, SiteOnAddress[]>): Pairing[] {
  const remaining = new Map(byAddress);
  const out: Pairing[] = [];
  for (const [addr, sites] of byAddress) {
    if (!remaining.has(addr)) continue;
    const addresses = [addr];
    for (const [other, otherSites] of remaining) {
      if (other !== addr && sameSites(sites, otherSites)) {
        addresses.push(other);
        remaining.delete(other);
      }
    }
    remaining.delete(addr);
    addresses.sort(goLess);
    out.push({ addresses, sites });
  }
  return out.sort((a, b) => goLess(a.addresses[0], b.addresses[0]));
}

function siteLess(a: SiteOnAddress, b: SiteOnAddress): boolean {
  const measure = (s: SiteOnAddress): { host: string; wildcard: boolean } => {
    let host = '';
    let wildcard = false;
    for (const k of s.keys) {
      if (k.host.includes('*') || k.host === '') wildcard = true;
      if (specificity(k.host) > specificity(host)) host = k.host;
    }
    return { host, wildcard };
  };
  const i = measure(a);
  const j = measure(b);
  if (specificity(i.host) === 0) return false;
  if (specificity(j.host) === 0) return true;
  if (i.wildcard !== j.wildcard) return j.wildcard;
  // paths in site addresses are refused, so equal host specificity compares equal paths
  if (specificity(i.host) === specificity(j.host)) return false;
  return specificity(i.host) > specificity(j.host);
}

function buildServer(p: Pairing, opts: GlobalOptions, ctx: Omit<Ctx, 'defs' | 'directives'>, httpPort: string, httpsPort: string): Record<string, unknown> {
  for (let a = 0; a < p.sites.length; a++) {
    for (const key of p.sites[a].keyTexts) {
      for (let b = 0; b < p.sites.length; b++) {
        if (a !== b && p.sites[b].keyTexts.includes(key)) {
          throw lineError(p.sites[a].site.keyTokens[0], `ambiguous site definition: ${key}`);
        }
      }
    }
  }
  const srv: Record<string, unknown> = { listen: p.addresses };
  let autoHttps: Record<string, unknown> | undefined;
  if (opts.autoHttps !== 'on') {
    autoHttps = {};
    if (opts.autoHttps === 'off') autoHttps.disable = true;
    if (opts.autoHttps === 'disable_redirects') autoHttps.disable_redirects = true;
    if (opts.autoHttps === 'disable_certs') autoHttps.disable_certificates = true;
    if (opts.autoHttps === 'ignore_loaded_certs') autoHttps.ignore_loaded_certificates = true;
  }
  goSliceStable(p.sites, siteLess);

  let addressQualifiesForTLS = false;
  let autoHTTPSWillAddConnPolicy = opts.autoHttps !== 'off';
  let logs: Record<string, unknown> | undefined;
  if (p.sites.some((s) => s.site.logs.length > 0)) logs = {};
  const usesOtherThanHttpPort = p.addresses.some((a) => listenerPort(a) !== httpPort);

  let routes: Route[] = [];
  for (const s of p.sites) {
    const matcherSets = encodeMatcherSets(s.keys);
    for (const addr of s.keys) {
      if (usesOtherThanHttpPort && addr.scheme === 'http' && addr.host !== '') {
        autoHttps ??= {};
        const skip = (autoHttps.skip ??= []) as string[];
        if (!skip.includes(addr.host)) skip.push(addr.host);
      }
      if (addr.scheme === 'https' || (addr.scheme !== 'http' && addr.host !== '' && addr.port !== httpPort)) {
        addressQualifiesForTLS = true;
      }
      autoHTTPSWillAddConnPolicy &&= addr.port === httpsPort || (addr.port !== httpPort && addr.host !== '');
    }
    const sub = buildSubroute(s.site.routes, ctx as Ctx);
    routes = appendSiteRoutes(routes, sub, matcherSets, p.sites.length);
    if (logs !== undefined) mapLogs(logs, s);
  }
  if (addressQualifiesForTLS && !autoHTTPSWillAddConnPolicy) srv.tls_connection_policies = [{}];
  routes = consolidateRoutes(routes);
  if (routes.length > 0) srv.routes = routes;
  if (autoHttps !== undefined) srv.automatic_https = autoHttps;
  if (logs !== undefined) srv.logs = logs;
  return srv;
}

function listenerPort(addr: string): string {
  const i = addr.lastIndexOf(':');
  return addr.slice(i + 1);
}

/** Host matchers from a site's keys; a catch-all key (no host) drops the host matcher. */
function encodeMatcherSets(keys: SiteAddress[]): MatcherSet[] {
  let hosts: string[] | null = [];
  for (const k of keys) {
    if (k.host === '') {
      hosts = null;
      break;
    }
    if (!hosts.includes(k.host)) hosts.push(k.host);
  }
  return hosts !== null && hosts.length > 0 ? [{ host: hosts }] : [];
}

/**
 * Adds a site's routes to the server: wrapped in a terminal subroute (with the host matcher)
 * unless it is the only site, has no host matcher and no inner route matches on host.
 */
function appendSiteRoutes(list: Route[], sub: Route[], matcherSets: MatcherSet[], siteCount: number): Route[] {
  if (matcherSets.length === 0 && sub.length === 0) return list;
  let wrap = true;
  if (matcherSets.length === 0 && siteCount === 1) {
    wrap = sub.some((r) => (r.match ?? []).some((ms) => 'host' in ms));
  }
  if (!wrap) return [...list, ...sub];
  const route: Route = {};
  if (matcherSets.length > 0) route.match = matcherSets;
  if (sub.length > 0) route.handle = [subrouteHandler(sub)];
  route.terminal = true;
  return [...list, route];
}

function hostsForLogs(keys: SiteAddress[]): string[] {
  const out: string[] = [];
  for (const k of keys) {
    if (k.host === '') continue;
    const h = k.port !== '' && k.port !== '80' && k.port !== '443' ? (k.host.includes(':') ? `[${k.host}]:${k.port}` : `${k.host}:${k.port}`) : k.host;
    if (!out.includes(h)) out.push(h);
  }
  return out;
}

function mapLogs(logs: Record<string, unknown>, s: SiteOnAddress): void {
  const catchAll = s.keys.some((k) => k.host === '');
  const logHosts = hostsForLogs(s.keys);
  for (const l of s.site.logs) {
    if (catchAll) {
      if (l.value.name !== '') logs.default_logger_name = l.value.name;
      else delete logs.default_logger_name;
    } else {
      const names = (logs.logger_names ??= {}) as Record<string, string>;
      for (const h of logHosts) names[h] = l.value.name;
    }
  }
  if (s.site.logs.length === 0) {
    if (catchAll) logs.skip_unmapped_hosts = true;
    if (logHosts.length > 0) logs.skip_hosts = [...((logs.skip_hosts as string[]) ?? []), ...logHosts];
  }
}
