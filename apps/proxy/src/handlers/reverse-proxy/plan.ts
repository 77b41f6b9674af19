import type { BlockList } from 'node:net';
import { parseDial, parseDuration, SwitchyardError, type ReverseProxyConfig } from '@switchyard/shared';
import { createPolicy, PolicyConfigError, type SelectionPolicy } from '../../selection';
import { compileActiveHealth } from '../../health/plan';
import { blockList, compileMatch, type Matcher } from '../../runtime/match';
import { compileHeaderOps, HeaderOpsError, type HeaderRules, type ResponseRules } from '../../forward/header-ops';
import type { BuildServices } from '../types';
import { PoolLease, type TransportSettings } from '../../upstream/pool';
import { Member, stickyMode, type MemberRules } from './member';

/** Caddy's transport.dial_timeout default. */
export const DEFAULT_DIAL_TIMEOUT_MS = 3000;
/** Caddy's try_interval default when try_duration is set. */
export const DEFAULT_TRY_INTERVAL_MS = 250;

/**
 * Everything a reverse_proxy handler needs per request, built once from its config and never
 * mutated (except `disposed`). Members hold leases on their hosts' pools until `dispose`.
 */
export interface ProxyPlan {
  readonly primaries: readonly Member[];
  readonly backups: readonly Member[];
  /** Separate instances so each keeps its own cursor over its own pool. */
  readonly policy: SelectionPolicy;
  readonly backupPolicy: SelectionPolicy;
  readonly retries: number;
  readonly tryDurationMs: number;
  readonly tryIntervalMs: number;
  /** Requests that may be retried after reaching an upstream; undefined = GET only (Caddy). */
  readonly retryMatch: Matcher | undefined;
  /** Passive health: > 0 enables failure counting (Caddy: fail_duration). */
  readonly failDurationMs: number;
  readonly maxFails: number;
  readonly unhealthyStatus: readonly number[];
  readonly unhealthyLatencyMs: number;
  readonly requestRules: HeaderRules | undefined;
  readonly responseRules: ResponseRules | undefined;
  /** Peers whose X-Forwarded-* are kept (appended to), besides those the server trusts. */
  readonly trusted: BlockList | undefined;
  readonly transport: TransportSettings;
  /** Set by dispose: a retired config makes no more retries (Caddy aborts them too). */
  disposed: boolean;
}

const fail = (path: string, message: string): SwitchyardError => new SwitchyardError('PRX_ERR_CONFIG', 400, `${path}: ${message}`, path);

function ms(v: string | number | undefined, fallback: number, path: string): number {
  if (v === undefined) return fallback;
  try {
    const n = parseDuration(v);
    if (n < 0) throw new RangeError('duration must not be negative');
    return n;
  } catch (e) {
    throw fail(path, (e as Error).message);
  }
}

/**
 * Validate what the schema cannot (durations, dials, policy fields, weights length, regexps,
 * CIDRs, status classes, active health) and build the plan. Throws `SwitchyardError`
 * PRX_ERR_CONFIG whose `path` is the JSON pointer of the bad value under `path`.
 */
export function compilePlan(cfg: ReverseProxyConfig, services: BuildServices, path: string): ProxyPlan {
  const lb = cfg.load_balancing ?? {};
  const lbPath = `${path}/load_balancing`;
  let policy: SelectionPolicy;
  let backupPolicy: SelectionPolicy;
  try {
    policy = createPolicy(lb.selection_policy);
    backupPolicy = createPolicy(lb.selection_policy);
  } catch (e) {
    if (e instanceof PolicyConfigError) throw fail(`${lbPath}/selection_policy${e.path}`, e.message);
    throw e;
  }
  const upstreams = cfg.upstreams ?? [];
  const sp = lb.selection_policy as { policy?: string; weights?: number[] } | undefined;
  const weights = sp?.policy === 'weighted_round_robin' ? sp.weights : undefined;
  if (weights && weights.length !== upstreams.length) {
    throw fail(`${lbPath}/selection_policy/weights`, `${weights.length} weights for ${upstreams.length} upstreams`);
  }
  upstreams.forEach((u, i) => {
    const d = parseDial(u.dial);
    if (typeof d === 'string') throw fail(`${path}/upstreams/${i}/dial`, d);
  });

  const tryDurationMs = ms(lb.try_duration, 0, `${lbPath}/try_duration`);
  let tryIntervalMs = ms(lb.try_interval, 0, `${lbPath}/try_interval`);
  if (tryDurationMs > 0 && tryIntervalMs === 0) tryIntervalMs = DEFAULT_TRY_INTERVAL_MS;
  let retryMatch: Matcher | undefined;
  try {
    retryMatch = lb.retry_match ? compileMatch(lb.retry_match) ?? (() => true) : undefined;
  } catch (e) {
    throw fail(`${lbPath}/retry_match`, (e as Error).message);
  }

  const passive = cfg.health_checks?.passive;
  const pPath = `${path}/health_checks/passive`;
  const failDurationMs = ms(passive?.fail_duration, 0, `${pPath}/fail_duration`);
  const unhealthyStatus = passive?.unhealthy_status ?? [];
  unhealthyStatus.forEach((s, i) => {
    if (!(s >= 1 && s <= 5) && !(s >= 100 && s <= 599)) throw fail(`${pPath}/unhealthy_status/${i}`, `${s} is neither a status class (1-5) nor a status code`);
  });
  if (cfg.health_checks?.active) {
    try {
      compileActiveHealth(cfg.health_checks.active);
    } catch (e) {
      throw fail(`${path}/health_checks/active`, (e as Error).message);
    }
  }

  let requestRules: HeaderRules | undefined;
  let responseRules: ResponseRules | undefined;
  try {
    requestRules = compileHeaderOps(cfg.headers?.request);
  } catch (e) {
    if (e instanceof HeaderOpsError) throw fail(`${path}/headers/request${e.path}`, e.message);
    throw e;
  }
  try {
    responseRules = compileHeaderOps(cfg.headers?.response);
  } catch (e) {
    if (e instanceof HeaderOpsError) throw fail(`${path}/headers/response${e.path}`, e.message);
    throw e;
  }

  let trusted: BlockList | undefined;
  (cfg.trusted_proxies ?? []).forEach((r, i) => {
    try {
      blockList([r]);
    } catch (e) {
      throw fail(`${path}/trusted_proxies/${i}`, `invalid CIDR ${JSON.stringify(r)}: ${(e as Error).message}`);
    }
  });
  if (cfg.trusted_proxies?.length) trusted = blockList(cfg.trusted_proxies);

  const t = cfg.transport;
  const tPath = `${path}/transport`;
  const transport: TransportSettings = Object.freeze({
    connectTimeout: ms(t?.dial_timeout, DEFAULT_DIAL_TIMEOUT_MS, `${tPath}/dial_timeout`) || DEFAULT_DIAL_TIMEOUT_MS,
    headersTimeout: ms(t?.response_header_timeout, 0, `${tPath}/response_header_timeout`),
    bodyTimeout: ms(t?.read_timeout, 0, `${tPath}/read_timeout`),
    idleTimeout: t?.keep_alive?.idle_timeout === undefined ? undefined : ms(t.keep_alive.idle_timeout, 0, `${tPath}/keep_alive/idle_timeout`),
    maxConns: t?.max_conns_per_host ?? 0,
    keepAlive: t?.keep_alive?.enabled !== false,
  });

  const rules: MemberRules = Object.freeze({
    maxFails: failDurationMs > 0 ? passive?.max_fails ?? 1 : 0,
    unhealthyRequestCount: passive?.unhealthy_request_count ?? 0,
    slowStartMs: ms(lb.slow_start, 0, `${lbPath}/slow_start`),
    sticky: stickyMode(policy.name),
  });
  const unhealthyLatencyMs = ms(passive?.unhealthy_latency, 0, `${pPath}/unhealthy_latency`);

  // Leases last: nothing above may throw once pools are claimed.
  const members = upstreams.map((u, i) => {
    const host = services.registry.get(u.dial);
    return new Member(host, new PoolLease(host, transport), u.weight ?? weights?.[i] ?? 1, u.backup === true, u.state ?? 'active', u.keep_sticky === true, u.max_requests ?? 0, rules);
  });
  return {
    primaries: Object.freeze(members.filter((m) => !m.backup)),
    backups: Object.freeze(members.filter((m) => m.backup)),
    policy,
    backupPolicy,
    retries: lb.retries ?? 0,
    tryDurationMs,
    tryIntervalMs,
    retryMatch,
    failDurationMs,
    maxFails: rules.maxFails,
    unhealthyStatus: Object.freeze([...unhealthyStatus]),
    unhealthyLatencyMs,
    requestRules,
    responseRules,
    trusted,
    transport,
    disposed: false,
  };
}

/** Every member of a plan, primaries first. */
export function members(plan: ProxyPlan): readonly Member[] {
  return plan.backups.length === 0 ? plan.primaries : [...plan.primaries, ...plan.backups];
}
