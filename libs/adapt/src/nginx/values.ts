const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000, M: 2592000000, y: 31536000000 };

/**
 * An nginx time value ("30s", "1m30s", "500ms", bare "10" = seconds) in milliseconds.
 * Throws on anything else.
 */
export function nginxTimeMs(value: string): number {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const re = /(\d+)(ms|s|m|h|d|w|M|y)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    total += Number(m[1]) * TIME_UNITS[m[2]];
    pos = re.lastIndex;
  }
  if (pos !== value.length || value.length === 0) throw new Error(`invalid time value "${value}"`);
  return total;
}

/** Milliseconds as a Go duration string that Caddy and Go parse ("10s", "1m30s", "250ms"). */
export function goDurationString(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const [unit, size] of [['h', 3600000], ['m', 60000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

const VARS: Record<string, string> = {
  host: '{http.request.host}',
  http_host: '{http.request.hostport}',
  remote_addr: '{http.request.remote.host}',
  binary_remote_addr: '{http.request.remote.host}',
  remote_port: '{http.request.remote.port}',
  scheme: '{http.request.scheme}',
  request_uri: '{http.request.uri}',
  uri: '{http.request.uri.path}',
  document_uri: '{http.request.uri.path}',
  args: '{http.request.uri.query}',
  query_string: '{http.request.uri.query}',
  request_method: '{http.request.method}',
  server_port: '{http.request.port}',
};

/** nginx's `$http_x_real_ip` header naming -> "X-Real-Ip". */
export function headerFromVar(name: string): string {
  return name.split('_').map((p) => (p.length > 0 ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p)).join('-');
}

/**
 * Rewrites nginx variables in a value into Caddy placeholders. Returns null when a variable
 * has no Caddy equivalent (the caller then warns and leaves the value out).
 */
export function translateVars(value: string): string | null {
  let ok = true;
  const out = value.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_all, braced: string | undefined, plain: string | undefined) => {
    const name = braced ?? plain ?? '';
    if (VARS[name] !== undefined) return VARS[name];
    if (name.startsWith('http_')) return `{http.request.header.${headerFromVar(name.slice(5))}}`;
    if (name.startsWith('cookie_')) return `{http.request.cookie.${name.slice(7)}}`;
    if (name.startsWith('arg_')) return `{http.request.uri.query.${name.slice(4)}}`;
    ok = false;
    return '';
  });
  return ok ? out : null;
}
