/**
 * Go's `net.SplitHostPort`: "host:port" or "[v6]:port"; throws without a port or with an
 * unbracketed IPv6 address.
 */
export function splitHostPort(hostport: string): [string, string] {
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0) throw new Error(`address ${hostport}: missing ']' in address`);
    if (end + 1 >= hostport.length || hostport[end + 1] !== ':') throw new Error(`address ${hostport}: missing port in address`);
    const port = hostport.slice(end + 2);
    if (port.includes(']') || port.includes('[')) throw new Error(`address ${hostport}: unexpected bracket`);
    return [hostport.slice(1, end), port];
  }
  const i = hostport.lastIndexOf(':');
  if (i < 0) throw new Error(`address ${hostport}: missing port in address`);
  const host = hostport.slice(0, i);
  if (host.includes(':')) throw new Error(`address ${hostport}: too many colons in address`);
  if (host.includes('[') || host.includes(']')) throw new Error(`address ${hostport}: unexpected bracket`);
  return [host, hostport.slice(i + 1)];
}

/** Go's `net.JoinHostPort`: brackets hosts that contain a colon. */
export function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * An upstream address as Caddy 2.6.2's reverse_proxy reads it: `host[:port]` (port 80 when
 * absent, unless the host is a placeholder), `http://host[:port]`, `https://host[:port]`
 * (port 443 when absent) or `unix//path`. Returns the dial address and the scheme ('' when
 * none was written). Paths, queries and other schemes are refused.
 */
export function parseUpstream(addr: string): { dial: string; scheme: string } {
  if (addr.includes('://')) {
    if (addr.includes('{')) {
      throw new Error('due to parsing difficulties, placeholders are not allowed when an upstream address contains a scheme');
    }
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(addr);
    if (m === null) throw new Error(`parsing upstream URL: invalid URL ${addr}`);
    const scheme = m[1].toLowerCase();
    if (m[3] !== '') throw new Error('for now, URLs for proxy upstreams only support scheme, host, and port components');
    if (scheme !== 'http' && scheme !== 'https') throw new Error(`unsupported upstream scheme: ${scheme}://`);
    let host = m[2];
    let port = '';
    const hp = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(host);
    if (hp === null) throw new Error(`parsing upstream URL: invalid host ${m[2]}`);
    host = hp[1].replace(/^\[|\]$/g, '');
    port = hp[2] ?? '';
    if (scheme === 'http' && port === '443') throw new Error('upstream address has conflicting scheme (http://) and port (:443, the HTTPS port)');
    if (scheme === 'https' && port === '80') throw new Error('upstream address has conflicting scheme (https://) and port (:80, the HTTP port)');
    if (port === '') port = scheme === 'https' ? '443' : '80';
    return { dial: joinHostPort(host, port), scheme };
  }
  const slash = addr.indexOf('/');
  if (slash >= 0) {
    const network = addr.slice(0, slash).trim().toLowerCase();
    if (network === 'unix') return { dial: `unix/${addr.slice(slash + 1)}`, scheme: '' };
    throw new Error(`unsupported upstream network: ${network}`);
  }
  let host: string;
  let port = '';
  try {
    [host, port] = splitHostPort(addr);
  } catch {
    host = addr;
  }
  if (port === '' && !host.includes('{')) port = '80';
  if (port === '' && host.includes('{')) return { dial: host, scheme: '' };
  if (/^\d+-\d+$/.test(port)) throw new Error(`port ranges in upstream addresses are not supported: ${addr}`);
  return { dial: joinHostPort(host, port), scheme: '' };
}
