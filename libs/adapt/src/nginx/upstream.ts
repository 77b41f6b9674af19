import { AdaptError } from '../errors';
import type { Directive } from './parse';
import { goDurationString, headerFromVar, nginxTimeMs } from './values';

type Obj = Record<string, unknown>;

/** An nginx `upstream` block turned into the parts of a reverse_proxy handler. */
export interface Pool {
  name: string;
  line: number;
  upstreams: Obj[];
  selectionPolicy: Obj;
  passive?: Obj;
  transport?: Obj;
}

/**
 * Maps an `upstream NAME { ... }` block. Servers keep their order; `weight`, `backup`, `down`
 * (-> `state: "disabled"`) and `max_conns` (-> `max_requests`) become upstream fields;
 * max_fails/fail_timeout become passive health checks; the balancing directive becomes the
 * selection policy (default round robin, weighted when any weight differs from 1).
 */
export function mapUpstream(d: Directive, file: string, warn: (line: number, msg: string) => void): Pool {
  const name = d.args[0];
  if (name === undefined || d.args.length !== 1) throw new AdaptError(file, d.line, 'upstream needs exactly one name');
  const upstreams: Obj[] = [];
  const weights: number[] = [];
  let policy: Obj | undefined;
  let keepalive: number | undefined;
  const fails: { maxFails: number; failMs: number; line: number }[] = [];

  const setPolicy = (p: Obj, line: number): void => {
    if (policy !== undefined) warn(line, `upstream ${name}: more than one balancing method; the last one wins`);
    policy = p;
  };

  for (const c of d.block ?? []) {
    switch (c.name) {
      case 'server': {
        const [addr, ...params] = c.args;
        if (addr === undefined) throw new AdaptError(file, c.line, 'server needs an address');
        const u: Obj = { dial: dialOf(addr, file, c.line) };
        let weight = 1;
        let maxFails = 1;
        let failMs = 10000;
        for (const p of params) {
          const [k, v] = splitParam(p);
          if (k === 'weight') {
            weight = posInt(v, file, c.line, p);
            u.weight = weight;
          } else if (k === 'max_fails') maxFails = nonNegInt(v, file, c.line, p);
          else if (k === 'fail_timeout') failMs = timeMs(v, file, c.line);
          else if (k === 'backup' && v === undefined) u.backup = true;
          else if (k === 'down' && v === undefined) u.state = 'disabled';
          else if (k === 'max_conns') {
            const n = nonNegInt(v, file, c.line, p);
            if (n > 0) u.max_requests = n;
          } else warn(c.line, `upstream ${name}: server parameter "${p}" not carried over`);
        }
        if (params.some((p) => p.startsWith('max_fails=') || p.startsWith('fail_timeout='))) fails.push({ maxFails, failMs, line: c.line });
        weights.push(weight);
        upstreams.push(u);
        break;
      }
      case 'least_conn':
      case 'ip_hash':
        noArgs(c, file);
        setPolicy({ policy: c.name }, c.line);
        break;
      case 'random':
        if (c.args[0] === 'two') {
          setPolicy({ policy: 'random_choose', choose: 2 }, c.line);
          if (c.args.length > 1) warn(c.line, `upstream ${name}: random two "${c.args.slice(1).join(' ')}" method not carried over; picks the less loaded of two (least requests)`);
        } else {
          noArgs(c, file);
          setPolicy({ policy: 'random' }, c.line);
        }
        break;
      case 'hash':
        setPolicy(hashPolicy(c, name, file, warn), c.line);
        break;
      case 'keepalive': {
        const n = c.args.length === 1 ? Number(c.args[0]) : NaN;
        if (!Number.isInteger(n) || n < 1) throw new AdaptError(file, c.line, `invalid keepalive "${c.args.join(' ')}"`);
        keepalive = n;
        break;
      }
      default:
        warn(c.line, `upstream ${name}: directive "${c.name}" not carried over`);
    }
  }
  if (upstreams.length === 0) throw new AdaptError(file, d.line, `upstream ${name} has no servers`);

  if (policy === undefined) {
    policy = weights.some((w) => w !== 1) ? { policy: 'weighted_round_robin', weights } : { policy: 'round_robin' };
  } else if (weights.some((w) => w !== 1) && policy.policy !== 'round_robin') {
    warn(d.line, `upstream ${name}: server weights are kept on the upstreams but the ${String(policy.policy)} policy does not use them`);
  }

  const pool: Pool = { name, line: d.line, upstreams, selectionPolicy: policy };
  if (fails.length > 0) {
    const first = fails[0];
    if (fails.some((f) => f.maxFails !== first.maxFails || f.failMs !== first.failMs)) {
      warn(first.line, `upstream ${name}: servers differ in max_fails/fail_timeout; the first server's values apply to the whole pool`);
    }
    if (first.maxFails > 0) pool.passive = { fail_duration: goDurationString(first.failMs), max_fails: first.maxFails };
  }
  if (keepalive !== undefined) pool.transport = { protocol: 'http', keep_alive: { max_idle_conns_per_host: keepalive } };
  return pool;
}

function hashPolicy(c: Directive, pool: string, file: string, warn: (line: number, msg: string) => void): Obj {
  const [key, flag, ...rest] = c.args;
  if (key === undefined || rest.length > 0 || (flag !== undefined && flag !== 'consistent')) {
    throw new AdaptError(file, c.line, `invalid hash "${c.args.join(' ')}"`);
  }
  const v = /^\$(\w+)$/.exec(key)?.[1];
  if (v === 'request_uri' || v === 'uri') return { policy: 'uri_hash' };
  if (v === 'remote_addr' || v === 'binary_remote_addr') return { policy: 'client_ip_hash' };
  if (v?.startsWith('http_')) return { policy: 'header', field: headerFromVar(v.slice(5)) };
  if (v?.startsWith('arg_')) return { policy: 'query', key: v.slice(4) };
  if (v?.startsWith('cookie_')) {
    warn(c.line, `upstream ${pool}: "hash ${key}" becomes the cookie policy, which sets its own sticky cookie "${v.slice(7)}" instead of hashing an existing one`);
    return { policy: 'cookie', name: v.slice(7) };
  }
  warn(c.line, `upstream ${pool}: "hash ${key}" has no equivalent; using round_robin`);
  return { policy: 'round_robin' };
}

/** `host:port`, `[v6]:port`, or `host` (port 80); `unix:` sockets are refused. */
export function dialOf(addr: string, file: string, line: number): string {
  if (addr.startsWith('unix:')) throw new AdaptError(file, line, `unix socket upstreams are not supported: ${addr}`);
  if (/^\[[^\]]+\](:\d+)?$/.test(addr)) return /:\d+$/.test(addr.replace(/^\[[^\]]+\]/, '')) ? addr : `${addr}:80`;
  if (/^[^:/\s]+:\d+$/.test(addr)) return addr;
  if (/^[^:/\s]+$/.test(addr)) return `${addr}:80`;
  throw new AdaptError(file, line, `invalid server address "${addr}"`);
}

function splitParam(p: string): [string, string | undefined] {
  const eq = p.indexOf('=');
  return eq < 0 ? [p, undefined] : [p.slice(0, eq), p.slice(eq + 1)];
}

function posInt(v: string | undefined, file: string, line: number, p: string): number {
  const n = nonNegInt(v, file, line, p);
  if (n < 1) throw new AdaptError(file, line, `invalid parameter "${p}"`);
  return n;
}

function nonNegInt(v: string | undefined, file: string, line: number, p: string): number {
  if (v === undefined || !/^\d+$/.test(v)) throw new AdaptError(file, line, `invalid parameter "${p}"`);
  return Number(v);
}

function timeMs(v: string | undefined, file: string, line: number): number {
  try {
    return nginxTimeMs(v ?? '');
  } catch (e) {
    throw new AdaptError(file, line, (e as Error).message);
  }
}

function noArgs(c: Directive, file: string): void {
  if (c.args.length > 0) throw new AdaptError(file, c.line, `invalid number of arguments in "${c.name}" directive`);
}
