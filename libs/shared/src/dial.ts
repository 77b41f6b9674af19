/**
 * Upstream dial addresses and listen addresses. A dial is `host:port` (IPv6 in brackets) or
 * `unix//path`; unlike Caddy, a URL (`http://...`) or a port range is rejected at load time
 * instead of failing every request with 502.
 */
export interface DialAddress {
  readonly host: string;
  readonly port: number;
  /** Set for `unix//path` dials. */
  readonly socketPath?: string;
}

/** Parse a dial string, or return an error message explaining why it is not one. */
export function parseDial(dial: string): DialAddress | string {
  if (dial.startsWith('unix/')) {
    const p = dial.slice(5);
    return p.length > 0 ? { host: 'localhost', port: 0, socketPath: p } : 'unix socket path is empty';
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dial)) return `dial must be host:port, not a URL (${dial})`;
  const hp = splitHostPort(dial);
  if (typeof hp === 'string') return hp;
  if (hp.host === '') return `dial ${JSON.stringify(dial)} has no host`;
  return hp;
}

/** Parse a listen address (`host:port`, `:port`, `[::1]:port`); host '' means all interfaces. */
export function parseListen(addr: string): DialAddress | string {
  const a = addr.startsWith('tcp/') ? addr.slice(4) : addr;
  return splitHostPort(a);
}

function splitHostPort(s: string): DialAddress | string {
  let host: string;
  let portStr: string;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0 || s[end + 1] !== ':') return `address ${JSON.stringify(s)} is not [ipv6]:port`;
    host = s.slice(1, end);
    portStr = s.slice(end + 2);
  } else {
    const c = s.lastIndexOf(':');
    if (c < 0) return `address ${JSON.stringify(s)} is missing a port`;
    host = s.slice(0, c);
    portStr = s.slice(c + 1);
    if (host.includes(':')) return `IPv6 address ${JSON.stringify(s)} must be in brackets`;
  }
  if (portStr.includes('-')) return `address ${JSON.stringify(s)} is a port range; one port is required`;
  if (!/^\d{1,5}$/.test(portStr)) return `address ${JSON.stringify(s)} has an invalid port`;
  const port = Number(portStr);
  if (port > 65535) return `address ${JSON.stringify(s)} has a port out of range`;
  if (/[\s/]/.test(host)) return `address ${JSON.stringify(s)} has an invalid host`;
  return { host, port };
}
