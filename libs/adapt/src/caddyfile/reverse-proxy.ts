import { applyHeaderOp, type HeaderOps } from './headers';
import { matcherSet } from './matchers';
import { argErr, lastToken, lineError, noBlock, unsupported, type Line } from './tree';
import { duration, integer, located, oneArg, parseHttpTransport } from './transport';
import type { Handler } from './types';
import { atoi, parseGoDuration } from './units';
import { parseUpstream } from './upstream';

type Obj = Record<string, unknown>;

/**
 * `reverse_proxy [matcher] [upstreams...] { ... }` -> a `reverse_proxy` handler equal to
 * what Caddy 2.6.2 emits. Beyond 2.6.2 (documented ≥2.7 shapes): `lb_policy query KEY`,
 * `client_ip_hash` and `weighted_round_robin W...`. Unknown subdirectives throw.
 */
export function parseReverseProxy(line: Line): Handler {
  const h: Obj = { handler: 'reverse_proxy' };
  const upstreams: { dial: string }[] = [];
  let commonScheme: string | undefined;
  const addUpstream = (tok: Line['name']): void => {
    const { dial, scheme } = located({ name: tok, args: [tok] }, () => parseUpstream(tok.text));
    if (commonScheme !== undefined && scheme !== commonScheme) {
      throw lineError(tok, `for now, all proxy upstreams must use the same scheme (transport protocol); expecting '${commonScheme}://' but got '${scheme}://'`);
    }
    commonScheme = scheme;
    upstreams.push({ dial });
  };
  for (const a of line.args) addUpstream(a);

  const lb = (): Obj => (h.load_balancing ??= {}) as Obj;
  const hc = (): Obj => (h.health_checks ??= {}) as Obj;
  const active = (): Obj => (hc().active ??= {}) as Obj;
  const passive = (): Obj => (hc().passive ??= {}) as Obj;
  const headers = (): Obj => (h.headers ??= {}) as Obj;
  const set = (o: Obj, k: string, v: unknown): void => {
    if (v === 0 || v === '') delete o[k];
    else o[k] = v;
  };
  let transport: Obj | undefined;

  for (const sub of line.block ?? []) {
    const name = sub.name.text;
    switch (name) {
      case 'to':
        noBlock(sub);
        if (sub.args.length === 0) throw argErr(sub.name);
        for (const a of sub.args) addUpstream(a);
        break;
      case 'lb_policy':
        if (lb().selection_policy !== undefined) throw lineError(sub.name, 'load balancing selection policy already specified');
        lb().selection_policy = parsePolicy(sub);
        break;
      case 'lb_retries':
        set(lb(), 'retries', integer(sub));
        break;
      case 'lb_try_duration':
        set(lb(), 'try_duration', duration(sub));
        break;
      case 'lb_try_interval':
        set(lb(), 'try_interval', duration(sub));
        break;
      case 'lb_retry_match':
        if (sub.args.length > 0) throw argErr(sub.args[0]);
        ((lb().retry_match ??= []) as Obj[]).push(matcherSet(sub.block ?? []));
        break;
      case 'health_uri':
        set(active(), 'uri', oneArg(sub));
        break;
      case 'health_port':
        set(active(), 'port', integer(sub));
        break;
      case 'health_interval':
        set(active(), 'interval', duration(sub));
        break;
      case 'health_timeout':
        set(active(), 'timeout', duration(sub));
        break;
      case 'health_status': {
        const v = oneArg(sub);
        const code = /^\dxx$/.test(v) ? v[0] : v;
        set(active(), 'expect_status', located(sub, () => atoi(code)));
        break;
      }
      case 'health_body':
        set(active(), 'expect_body', oneArg(sub));
        break;
      case 'health_headers': {
        if (sub.args.length > 0) throw argErr(sub.args[0]);
        const hh: Record<string, string[]> = {};
        for (const l of sub.block ?? []) {
          noBlock(l);
          hh[l.name.text] = l.args.length > 0 ? l.args.map((a) => a.text) : [''];
        }
        active().headers = hh;
        break;
      }
      case 'fail_duration':
        set(passive(), 'fail_duration', duration(sub));
        break;
      case 'max_fails':
        set(passive(), 'max_fails', integer(sub));
        break;
      case 'unhealthy_request_count':
        set(passive(), 'unhealthy_request_count', integer(sub));
        break;
      case 'unhealthy_latency':
        set(passive(), 'unhealthy_latency', duration(sub));
        break;
      case 'unhealthy_status': {
        noBlock(sub);
        if (sub.args.length === 0) throw argErr(sub.name);
        passive().unhealthy_status = sub.args.map((a) => {
          const v = /^\dxx$/.test(a.text) ? a.text[0] : a.text;
          return located({ name: a, args: [a] }, () => atoi(v));
        });
        break;
      }
      case 'header_up':
      case 'header_down': {
        noBlock(sub);
        const args = sub.args.map((a) => a.text);
        if (args.length < 1 || args.length > 3) throw argErr(args.length === 0 ? sub.name : sub.args[3]);
        const side = name === 'header_up' ? 'request' : 'response';
        const ops = (headers()[side] ??= {}) as HeaderOps;
        located(sub, () => applyHeaderOp(ops, null, args[0], args[1] ?? '', args[2] ?? ''));
        break;
      }
      case 'flush_interval': {
        const v = oneArg(sub);
        const ns = /^[+-]?\d+$/.test(v) ? located(sub, () => atoi(v)) : located(sub, () => parseGoDuration(v));
        set(h, 'flush_interval', ns);
        break;
      }
      case 'transport': {
        if (sub.args.length !== 1) throw argErr(lastToken(sub));
        if (sub.args[0].text !== 'http') throw unsupported(sub.args[0], 'transport');
        transport = parseHttpTransport(sub); // a later transport replaces an earlier one, as in Caddy
        break;
      }
      default:
        throw unsupported(sub.name, 'reverse_proxy subdirective');
    }
  }

  if (commonScheme === 'https') {
    transport ??= {};
    transport.tls ??= {};
  }
  if (transport !== undefined && Object.keys(transport).length > 0) h.transport = { protocol: 'http', ...transport };
  if (upstreams.length > 0) h.upstreams = upstreams;
  return h;
}

const NO_ARG_POLICIES = new Set(['random', 'round_robin', 'least_conn', 'first', 'ip_hash', 'uri_hash', 'client_ip_hash']);

/** `lb_policy NAME [args]` -> a selection policy object. */
function parsePolicy(sub: Line): Obj {
  const nameTok = sub.args[0];
  if (nameTok === undefined) throw argErr(sub.name);
  if (sub.block !== undefined) throw unsupported(nameTok, 'lb_policy block (fallback policies are Caddy >= 2.7)');
  const policy = nameTok.text;
  const args = sub.args.slice(1);
  const argText = args.map((a) => a.text);
  if (NO_ARG_POLICIES.has(policy)) {
    if (args.length > 0) throw argErr(args[0]);
    return { policy };
  }
  switch (policy) {
    case 'random_choose': {
      if (args.length !== 1) throw argErr(args.length > 1 ? args[1] : nameTok);
      const n = located({ name: args[0], args: [args[0]] }, () => atoi(argText[0]));
      return n !== 0 ? { policy, choose: n } : { policy };
    }
    case 'header':
    case 'query': {
      if (args.length !== 1) throw argErr(args.length > 1 ? args[1] : nameTok);
      return policy === 'header' ? { policy, field: argText[0] } : { policy, key: argText[0] };
    }
    case 'cookie': {
      if (args.length > 2) throw argErr(args[2]);
      const o: Obj = { policy };
      if (args.length >= 1 && argText[0] !== '') o.name = argText[0];
      if (args.length === 2 && argText[1] !== '') o.secret = argText[1];
      return o;
    }
    case 'weighted_round_robin': {
      if (args.length === 0) throw argErr(nameTok);
      const weights = args.map((a) => {
        const w = located({ name: a, args: [a] }, () => atoi(a.text));
        if (w < 1) throw lineError(a, `invalid weight value '${a.text}': weight should be non-zero and positive`);
        return w;
      });
      return { policy, weights };
    }
    default:
      throw unsupported(nameTok, 'lb_policy');
  }
}
