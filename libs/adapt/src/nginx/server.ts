import { AdaptError } from '../errors';
import type { Directive } from './parse';
import type { Pool } from './upstream';
import { dialOf } from './upstream';
import { goDurationString, nginxTimeMs, translateVars } from './values';

type Obj = Record<string, unknown>;
type Warn = (line: number, msg: string) => void;

/** What one nginx `server` block contributes before servers are grouped by listener. */
export interface ServerBlock {
  line: number;
  listen: string[];
  names: string[];
  isDefault: boolean;
  /** Routes in nginx's precedence order (exact, longest prefix, ..., `/`). */
  routes: Obj[];
}

/** Hands out `@id`s: the pool name the first time, `NAME_2`, `NAME_3`... after (ids must be unique). */
export class IdAllocator {
  private readonly used = new Map<string, number>();
  next(name: string, line: number, warn: Warn): string {
    const n = (this.used.get(name) ?? 0) + 1;
    this.used.set(name, n);
    if (n === 1) return name;
    warn(line, `upstream ${name} is used by more than one location; this handler's @id is ${name}_${n}`);
    return `${name}_${n}`;
  }
}

interface Loc {
  kind: 'exact' | 'prefix';
  path: string;
  line: number;
  route: Obj;
}

/** Maps one `server { ... }` block: listen, server_name, add_header, return and its locations. */
export function mapServer(d: Directive, pools: ReadonlyMap<string, Pool>, ids: IdAllocator, file: string, warn: Warn): ServerBlock {
  const sb: ServerBlock = { line: d.line, listen: [], names: [], isDefault: false, routes: [] };
  const serverHeaders: Directive[] = [];
  const locs: Loc[] = [];
  let serverReturn: Directive | undefined;
  for (const c of d.block ?? []) {
    switch (c.name) {
      case 'listen':
        sb.listen.push(listenAddress(c, file, warn));
        if (c.args.includes('default_server') || c.args.includes('default')) sb.isDefault = true;
        break;
      case 'server_name':
        for (const n of c.args) {
          if (n === '_' || n === '' || n === '""') continue;
          if (n.startsWith('~')) warn(c.line, `server_name regex "${n}" not carried over`);
          else sb.names.push(n.toLowerCase());
        }
        break;
      case 'add_header':
        serverHeaders.push(c);
        break;
      case 'return':
        serverReturn = c;
        break;
      case 'location': {
        const loc = mapLocation(c, pools, ids, file, warn, serverHeaders);
        if (loc !== null) locs.push(loc);
        break;
      }
      default:
        warn(c.line, `server directive "${c.name}" not carried over`);
    }
  }
  if (sb.listen.length === 0) {
    warn(d.line, 'server block without listen: using ":80" (nginx default)');
    sb.listen.push(':80');
  }
  // nginx: exact matches win, then the longest prefix; Caddy evaluates routes in order
  const exact = locs.filter((l) => l.kind === 'exact');
  const prefix = locs.filter((l) => l.kind === 'prefix').sort((a, b) => b.path.length - a.path.length);
  sb.routes = [...exact, ...prefix].map((l) => l.route);
  if (serverReturn !== undefined) {
    if (locs.length > 0) warn(serverReturn.line, 'server-level return takes precedence over locations in nginx; it is added as the last route only');
    sb.routes.push({ handle: [staticResponse(serverReturn, file)], terminal: true });
  }
  return sb;
}

function listenAddress(c: Directive, file: string, warn: Warn): string {
  const [addr, ...flags] = c.args;
  if (addr === undefined) throw new AdaptError(file, c.line, 'listen needs an address');
  const known = new Set(['default_server', 'default']);
  for (const f of flags) {
    if (known.has(f)) continue;
    if (f === 'ssl' || f === 'http2' || f === 'quic') warn(c.line, `listen flag "${f}" not carried over: the listener serves plain HTTP`);
    else warn(c.line, `listen parameter "${f}" not carried over`);
  }
  if (addr.startsWith('unix:')) throw new AdaptError(file, c.line, `unix socket listeners are not supported: ${addr}`);
  if (/^\d+$/.test(addr)) return `:${addr}`;
  if (/^\*:\d+$/.test(addr)) return addr.slice(1);
  if (/^\[[^\]]+\]:\d+$/.test(addr) || /^[^:\s[\]]+:\d+$/.test(addr)) return addr;
  if (/^\[[^\]]+\]$/.test(addr) || /^[^:\s[\]]+$/.test(addr)) return `${addr}:80`;
  throw new AdaptError(file, c.line, `invalid listen address "${addr}"`);
}

function mapLocation(c: Directive, pools: ReadonlyMap<string, Pool>, ids: IdAllocator, file: string, warn: Warn, serverHeaders: Directive[]): Loc | null {
  let kind: Loc['kind'] = 'prefix';
  let path: string;
  if (c.args.length === 2 && c.args[0] === '=') {
    kind = 'exact';
    path = c.args[1];
  } else if (c.args.length === 2 && c.args[0] === '^~') {
    path = c.args[1];
  } else if (c.args.length === 1 && !c.args[0].startsWith('@')) {
    path = c.args[0];
  } else {
    warn(c.line, `location "${c.args.join(' ')}" not carried over (regex and named locations are not supported)`);
    return null;
  }
  const route: Obj = {};
  if (kind === 'exact') route.match = [{ path: [path] }];
  else if (path !== '/') route.match = [{ path: [`${path}*`] }];

  const handlers: Obj[] = [];
  const headers: Directive[] = [];
  const requestSet: Record<string, string[]> = {};
  const transport: Obj = {};
  let proxy: Directive | undefined;
  let ret: Directive | undefined;
  for (const s of c.block ?? []) {
    switch (s.name) {
      case 'proxy_pass':
        proxy = s;
        break;
      case 'return':
        ret = s;
        break;
      case 'add_header':
        headers.push(s);
        break;
      case 'proxy_set_header':
        proxySetHeader(s, requestSet, warn);
        break;
      case 'proxy_connect_timeout':
      case 'proxy_read_timeout':
      case 'proxy_send_timeout': {
        const key = { proxy_connect_timeout: 'dial_timeout', proxy_read_timeout: 'read_timeout', proxy_send_timeout: 'write_timeout' }[s.name];
        try {
          transport[key] = goDurationString(nginxTimeMs(s.args[0] ?? ''));
        } catch (e) {
          throw new AdaptError(file, s.line, (e as Error).message);
        }
        break;
      }
      default:
        warn(s.line, `location ${path}: directive "${s.name}" not carried over`);
    }
  }
  // add_header in a location replaces the server's add_header set (nginx inheritance)
  const respHeaders = headers.length > 0 ? headers : serverHeaders;
  if (respHeaders.length > 0) {
    const set: Record<string, string[]> = {};
    for (const h of respHeaders) {
      if (h.args.length < 2 || h.args.length > 3 || (h.args.length === 3 && h.args[2] !== 'always')) {
        throw new AdaptError(file, h.line, `invalid add_header "${h.args.join(' ')}"`);
      }
      const value = translateVars(h.args[1]);
      if (value === null) warn(h.line, `add_header ${h.args[0]}: value "${h.args[1]}" uses a variable with no equivalent; not carried over`);
      else (set[h.args[0]] ??= []).push(value);
    }
    if (Object.keys(set).length > 0) handlers.push({ handler: 'headers', response: { set } });
  }
  if (proxy !== undefined) {
    if (ret !== undefined) warn(ret.line, `location ${path}: return and proxy_pass together; return not carried over`);
    handlers.push(...proxyHandlers(proxy, kind, path, pools, ids, requestSet, transport, file, warn));
  } else if (ret !== undefined) {
    handlers.push(staticResponse(ret, file));
  } else {
    warn(c.line, `location ${path} has neither proxy_pass nor return; not carried over`);
    return null;
  }
  route.handle = handlers;
  route.terminal = true;
  return { kind, path, line: c.line, route };
}

function proxySetHeader(s: Directive, set: Record<string, string[]>, warn: Warn): void {
  const [name, value] = s.args;
  if (name === undefined || value === undefined || s.args.length > 2) {
    warn(s.line, `proxy_set_header "${s.args.join(' ')}" not carried over (expects a name and a value)`);
    return;
  }
  const lower = name.toLowerCase();
  if (lower === 'x-forwarded-for' && value.includes('$proxy_add_x_forwarded_for')) {
    warn(s.line, 'proxy_set_header X-Forwarded-For not carried over: the proxy sets X-Forwarded-For itself');
    return;
  }
  if ((lower === 'upgrade' && value === '$http_upgrade') || (lower === 'connection' && /^(upgrade|\$connection_upgrade)$/i.test(value))) {
    warn(s.line, `proxy_set_header ${name} not carried over: WebSocket upgrades are proxied automatically`);
    return;
  }
  if (lower === 'connection' && value === '') {
    warn(s.line, 'proxy_set_header Connection "" not carried over: upstream keep-alive is the default');
    return;
  }
  const v = translateVars(value);
  if (v === null) {
    warn(s.line, `proxy_set_header ${name}: value "${value}" uses a variable with no equivalent; not carried over`);
    return;
  }
  set[name] = [v];
}

function proxyHandlers(
  p: Directive, kind: Loc['kind'], path: string, pools: ReadonlyMap<string, Pool>, ids: IdAllocator,
  requestSet: Record<string, string[]>, extraTransport: Obj, file: string, warn: Warn,
): Obj[] {
  const target = p.args[0];
  const m = target === undefined ? null : /^(https?):\/\/([^/]+)(\/.*)?$/.exec(target);
  if (m === null || p.args.length !== 1) throw new AdaptError(file, p.line, `unsupported proxy_pass "${p.args.join(' ')}"`);
  const [, scheme, hostPart, uri] = m;
  const out: Obj[] = [];
  if (uri !== undefined && uri !== path) {
    if (kind === 'prefix' && uri === '/' && path.endsWith('/')) {
      out.push({ handler: 'rewrite', strip_path_prefix: path.slice(0, -1) });
    } else {
      warn(p.line, `proxy_pass URI "${uri}" not carried over: requests are forwarded with their original path`);
    }
  }
  const pool = pools.get(hostPart);
  const h: Obj = { handler: 'reverse_proxy' };
  let transport: Obj | undefined;
  if (pool !== undefined) {
    h['@id'] = ids.next(pool.name, p.line, warn);
    h.upstreams = pool.upstreams.map((u) => ({ ...u }));
    h.load_balancing = { selection_policy: { ...pool.selectionPolicy } };
    if (pool.passive !== undefined) h.health_checks = { passive: { ...pool.passive } };
    if (pool.transport !== undefined) transport = structuredClone(pool.transport);
  } else {
    if (hostPart.includes('$')) throw new AdaptError(file, p.line, `proxy_pass with variables is not supported: ${target}`);
    const dial = dialOf(hostPart, file, p.line);
    h.upstreams = [{ dial: scheme === 'https' && !/:\d+$/.test(hostPart) ? dial.replace(/:80$/, ':443') : dial }];
  }
  if (scheme === 'https') {
    transport ??= { protocol: 'http' };
    transport.tls = {};
  }
  if (Object.keys(extraTransport).length > 0) transport = { protocol: 'http', ...(transport ?? {}), ...extraTransport };
  if (transport !== undefined) h.transport = transport;
  if (Object.keys(requestSet).length > 0) h.headers = { request: { set: requestSet } };
  out.push(h);
  return out;
}

function staticResponse(r: Directive, file: string): Obj {
  const [code, text] = r.args;
  if (code === undefined || !/^\d{3}$/.test(code) || r.args.length > 2) {
    throw new AdaptError(file, r.line, `unsupported return "${r.args.join(' ')}"`);
  }
  const n = Number(code);
  if (n >= 301 && n <= 308 && text !== undefined) {
    const loc = translateVars(text);
    if (loc === null) throw new AdaptError(file, r.line, `return ${code}: URL "${text}" uses a variable with no equivalent`);
    return { handler: 'static_response', status_code: n, headers: { Location: [loc] } };
  }
  const o: Obj = { handler: 'static_response', status_code: n };
  if (text !== undefined) {
    const body = translateVars(text);
    if (body === null) throw new AdaptError(file, r.line, `return ${code}: text "${text}" uses a variable with no equivalent`);
    o.body = body;
  }
  return o;
}
