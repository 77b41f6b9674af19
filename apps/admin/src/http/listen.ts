import { isIP } from 'node:net';
import { adminError } from '../errors';

/** A parsed admin listen address (`127.0.0.1:2019`, `localhost:2019`, `[::1]:0`, `:2019`). */
export interface ListenAddress {
  /** Host as written, without IPv6 brackets; '' for a wildcard written as `:port`. */
  readonly host: string;
  readonly port: number;
  /** Every interface: `:port`, `0.0.0.0`, `::`. Caddy turns the Host check off for these. */
  readonly wildcard: boolean;
  /** localhost, 127.0.0.0/8 or ::1: reachable only from this machine. */
  readonly loopback: boolean;
}

export const DEFAULT_ADMIN_LISTEN = '127.0.0.1:2019';

/** Parses host:port; throws ADM_ERR_BAD_LISTEN for anything else (URLs, missing port, ...). */
export function parseListenAddress(s: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.%\w]+)\]|([^:[\]/\s]*)):(\d{1,5})$/.exec(s.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw adminError('ADM_ERR_BAD_LISTEN', `admin listen address must be host:port (e.g. 127.0.0.1:2019), got ${JSON.stringify(s)}`);
  const host = m[1] ?? m[2];
  if (m[1] !== undefined && isIP(host) !== 6) throw adminError('ADM_ERR_BAD_LISTEN', `invalid IPv6 address in admin listen address ${JSON.stringify(s)}`);
  const wildcard = host === '' || host === '0.0.0.0' || host === '::';
  const loopback = host.toLowerCase() === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  return { host, port, wildcard, loopback };
}

/** `host:port` with IPv6 hosts bracketed, as it appears in a Host header. */
export function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The Host values the admin accepts once bound to `port`, as Caddy computes them: for a
 * loopback address localhost, 127.0.0.1 and [::1] on that port plus the address as written;
 * for another specific address only that address; for a wildcard null (no Host check).
 */
export function defaultAllowedHosts(listen: ListenAddress, port: number): string[] | null {
  if (listen.wildcard) return null;
  const own = hostPort(listen.host, port);
  if (!listen.loopback) return [own];
  return [...new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, own])];
}
