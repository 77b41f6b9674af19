import { isIPv6 } from 'node:net';
import { joinHostPort, splitHostPort } from './upstream';

/** A parsed site address (`[scheme://]host[:port]`), normalized like Caddy's `Address.Normalize`. */
export interface SiteAddress {
  original: string;
  scheme: string;
  host: string;
  port: string;
}

/**
 * Caddy's `ParseAddress` + `Normalize` for site keys: scheme and host are lower-cased (except
 * inside placeholders), IPv6 hosts are written canonically, the port must be 0-65535.
 * Paths in site addresses (deprecated in Caddy) are refused: use `handle`.
 */
export function parseSiteAddress(str: string): SiteAddress {
  let remaining = str.trim();
  let scheme = '';
  const sep = remaining.indexOf('://');
  if (sep >= 0) {
    scheme = remaining.slice(0, sep);
    remaining = remaining.slice(sep + 3);
  }
  const slash = remaining.indexOf('/');
  if (slash >= 0) {
    throw new Error(`paths in site addresses are not supported (use handle/handle_path): ${str}`);
  }
  let host: string;
  let port = '';
  try {
    [host, port] = splitHostPort(remaining);
  } catch {
    try {
      [host, port] = splitHostPort(remaining + ':');
    } catch {
      host = remaining;
    }
  }
  if (port !== '') {
    if (!/^[+-]?\d+$/.test(port)) throw new Error(`invalid port '${port}': strconv.Atoi: parsing "${port}": invalid syntax`);
    const n = Number(port);
    if (n < 0 || n > 65535) throw new Error(`port ${n} is out of range`);
  }
  scheme = lowerExceptPlaceholders(scheme);
  if (scheme !== '' && scheme !== 'http' && scheme !== 'https') throw new Error(`unsupported scheme in site address: ${str}`);
  host = host.trim();
  if (isIPv6(host)) host = new URL(`http://[${host}]/`).hostname.slice(1, -1);
  return { original: str, scheme, host: lowerExceptPlaceholders(host), port };
}

function lowerExceptPlaceholders(s: string): string {
  let out = '';
  let depth = 0;
  for (const ch of s) {
    if (ch === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    out += depth > 0 || ch === '}' ? ch : ch.toLowerCase();
  }
  return out;
}

/** Length minus wildcards and placeholders: Caddy's measure of how specific a host is. */
export function specificity(str: string): number {
  let s = str;
  let l = s.length - (s.match(/\*/g)?.length ?? 0);
  while (s.length > 0) {
    const start = s.indexOf('{');
    if (start < 0) return l;
    const rel = s.slice(start).indexOf('}');
    const end = rel + start + 1;
    if (end <= start) return l;
    l -= end - start;
    s = s.slice(end);
  }
  return l;
}

/**
 * The listener address for one bind host and port, as Caddy prints a parsed network address:
 * `:port`, `host:port`, `[v6]:port`, or `tcp4/host:port` / `tcp6/host:port`.
 */
export function listenerAddress(bindHost: string, port: string): string {
  let network = '';
  let host = bindHost;
  const slash = host.indexOf('/');
  if (slash >= 0) {
    network = host.slice(0, slash).trim().toLowerCase();
    host = host.slice(slash + 1);
    if (network !== 'tcp4' && network !== 'tcp6') throw new Error(`unsupported bind network: ${bindHost}`);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) throw new Error(`parsing network address: address ${bindHost}:${port}: too many colons in address`);
  const addr = joinHostPort(host, port);
  return network === '' ? addr : `${network}/${addr}`;
}
