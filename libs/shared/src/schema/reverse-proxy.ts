import { Type, type Static } from '@sinclair/typebox';
import { Dial, Duration, HeaderMap, Obj, Opt, StatusOrClass } from './common';
import { MatcherSet } from './match';
import { HeaderOps, ResponseHeaderOps } from './headers';

/**
 * Switchyard's extensions to Caddy's upstream object, named here and nowhere else:
 * `weight`, `backup`, `state` (drain lifecycle) and `keep_sticky`.
 */
export const UPSTREAM_STATES = ['active', 'draining', 'drained', 'disabled'] as const;
export type UpstreamState = (typeof UPSTREAM_STATES)[number];

export const Upstream = Obj(
  {
    dial: Dial,
    max_requests: Opt(Type.Integer({ minimum: 0, description: 'In-flight cap; the upstream is "full" at this many (0 = no cap).' })),
    weight: Opt(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Extension: relative share of new traffic (default 1; 0 = none).' })),
    backup: Opt(Type.Boolean({ description: 'Extension: used only when every primary upstream is unavailable.' })),
    state: Opt(Type.Union(UPSTREAM_STATES.map((s) => Type.Literal(s)), { description: 'Extension: active (default), draining (no new requests, in-flight continue), drained, disabled (maintenance).' })),
    keep_sticky: Opt(Type.Boolean({ description: 'Extension: while draining, clients pinned by cookie or hash keep reaching this upstream.' })),
  },
  { description: 'One backend address.' },
);
export type UpstreamConfig = Static<typeof Upstream>;

const FallbackPolicy = Type.Unsafe<{ policy: string; [k: string]: unknown }>(Type.Ref('SelectionPolicy'));

/** Every selection policy of Caddy 2.x plus `least_latency`; discriminated by `policy`. */
export const SELECTION_POLICIES = {
  random: Obj({ policy: Type.Literal('random') }),
  random_choose: Obj({ policy: Type.Literal('random_choose'), choose: Opt(Type.Integer({ minimum: 1 })) }),
  least_conn: Obj({ policy: Type.Literal('least_conn') }),
  round_robin: Obj({ policy: Type.Literal('round_robin') }),
  weighted_round_robin: Obj({ policy: Type.Literal('weighted_round_robin'), weights: Opt(Type.Array(Type.Integer({ minimum: 0 }))) }),
  first: Obj({ policy: Type.Literal('first') }),
  ip_hash: Obj({ policy: Type.Literal('ip_hash') }),
  client_ip_hash: Obj({ policy: Type.Literal('client_ip_hash') }),
  uri_hash: Obj({ policy: Type.Literal('uri_hash') }),
  query: Obj({ policy: Type.Literal('query'), key: Type.String({ minLength: 1 }), fallback: Opt(FallbackPolicy) }),
  header: Obj({ policy: Type.Literal('header'), field: Type.String({ minLength: 1 }), fallback: Opt(FallbackPolicy) }),
  cookie: Obj({ policy: Type.Literal('cookie'), name: Opt(Type.String({ minLength: 1 })), secret: Opt(Type.String()), fallback: Opt(FallbackPolicy) }),
  least_latency: Obj({ policy: Type.Literal('least_latency') }, { description: 'Extension: power of two choices on peak-EWMA latency.' }),
} as const;
export type SelectionPolicyConfig = { [K in keyof typeof SELECTION_POLICIES]: Static<(typeof SELECTION_POLICIES)[K]> }[keyof typeof SELECTION_POLICIES];

export const SelectionPolicy = Type.Unsafe<SelectionPolicyConfig>({
  $id: 'SelectionPolicy',
  type: 'object',
  required: ['policy'],
  discriminator: { propertyName: 'policy' },
  oneOf: Object.values(SELECTION_POLICIES),
  description: 'Which upstream gets the next request.',
});

export const LoadBalancing = Obj({
  selection_policy: Opt(Type.Unsafe<SelectionPolicyConfig>(Type.Ref('SelectionPolicy'))),
  retries: Opt(Type.Integer({ minimum: 0, description: 'Extra attempts after the first.' })),
  try_duration: Opt(Duration),
  try_interval: Opt(Duration),
  retry_match: Opt(Type.Array(MatcherSet, { description: 'Requests that may be retried after reaching an upstream (default: GET only).' })),
  slow_start: Opt(Type.Unsafe<string | number>({ ...Duration, description: 'Extension: ramp an added or recovered upstream to full weight over this duration.' })),
});

export const ActiveHealth = Obj({
  uri: Opt(Type.String()),
  path: Opt(Type.String({ description: 'Deprecated alias of uri.' })),
  port: Opt(Type.Integer({ minimum: 1, maximum: 65535 })),
  interval: Opt(Duration),
  timeout: Opt(Duration),
  expect_status: Opt(StatusOrClass),
  expect_body: Opt(Type.String({ description: 'Regular expression the body must match.' })),
  headers: Opt(HeaderMap),
  max_size: Opt(Type.Integer({ minimum: 0 })),
  passes: Opt(Type.Integer({ minimum: 1 })),
  fails: Opt(Type.Integer({ minimum: 1 })),
  method: Opt(Type.String({ minLength: 1 })),
  body: Opt(Type.String()),
  follow_redirects: Opt(Type.Boolean()),
});

export const PassiveHealth = Obj({
  fail_duration: Opt(Duration),
  max_fails: Opt(Type.Integer({ minimum: 1 })),
  unhealthy_request_count: Opt(Type.Integer({ minimum: 0 })),
  unhealthy_status: Opt(Type.Array(StatusOrClass)),
  unhealthy_latency: Opt(Duration),
});

export const HttpTransport = Obj({
  protocol: Type.Literal('http'),
  dial_timeout: Opt(Duration),
  response_header_timeout: Opt(Duration),
  read_timeout: Opt(Duration),
  write_timeout: Opt(Type.Unsafe<string | number>({ ...Duration, description: 'Accepted (the seeds use it); not a separate deadline: a stalled upload ends by response_header_timeout or read_timeout.' })),
  max_conns_per_host: Opt(Type.Integer({ minimum: 0 })),
  keep_alive: Opt(Obj({
    enabled: Opt(Type.Boolean()),
    idle_timeout: Opt(Duration),
    max_idle_conns: Opt(Type.Integer({ minimum: 0 })),
    max_idle_conns_per_host: Opt(Type.Integer({ minimum: 0 })),
  })),
  versions: Opt(Type.Array(Type.Literal('1.1'))),
  compression: Opt(Type.Literal(false, { description: 'Only false (Caddy: do not add Accept-Encoding upstream), which is what Switchyard always does.' })),
});

export const ReverseProxyHandler = Obj({
  handler: Type.Literal('reverse_proxy'),
  upstreams: Opt(Type.Array(Upstream)),
  load_balancing: Opt(LoadBalancing),
  health_checks: Opt(Obj({ active: Opt(ActiveHealth), passive: Opt(PassiveHealth) })),
  headers: Opt(Obj({ request: Opt(HeaderOps), response: Opt(ResponseHeaderOps) })),
  transport: Opt(HttpTransport),
  flush_interval: Opt(Duration),
  trusted_proxies: Opt(Type.Array(Type.String())),
}, { description: 'Forward to one of a pool of upstreams.' });
export type ReverseProxyConfig = Static<typeof ReverseProxyHandler>;
