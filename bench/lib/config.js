'use strict';
/**
 * Config documents the benchmarks load into Switchyard (Caddy's JSON shape). The throughput
 * config has the features issue 6 asks to measure with: round robin, passive health checks,
 * metrics (always on), no access log (no `logs` on the server).
 */

/** Path of the bench pool's reverse_proxy handler inside the documents built here. */
const HANDLER_PATH = '/config/apps/http/servers/bench/routes/0/handle/0';

const PASSIVE = Object.freeze({ fail_duration: '30s', max_fails: 3, unhealthy_status: [502, 503, 504], unhealthy_latency: '5s' });

/**
 * One server on 127.0.0.1:`port`, one route, one reverse_proxy over `dials` with `policy`.
 * `upstream(dial, i)` may add fields to each upstream object (weights, max_requests).
 */
function benchConfig({ port, dials, policy = 'round_robin', passive = true, upstream, extraServer } = {}) {
  const handler = {
    '@id': 'pool',
    handler: 'reverse_proxy',
    upstreams: dials.map((dial, i) => ({ dial, ...(upstream ? upstream(dial, i) : {}) })),
    load_balancing: { selection_policy: { policy } },
  };
  if (passive) handler.health_checks = { passive: { ...PASSIVE } };
  return {
    apps: { http: { servers: { bench: {
      listen: [`127.0.0.1:${port}`],
      routes: [{ handle: [handler] }],
      ...(extraServer ?? {}),
    } } } },
  };
}

/** `n` distinct loopback dial addresses (127.0.x.y:9001); nothing needs to listen on them. */
function manyDials(n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(`127.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}:9001`);
  return out;
}

/** 127.0.0.1:9001.. for the given ports. */
function localDials(ports) {
  return ports.map((p) => `127.0.0.1:${p}`);
}

module.exports = { HANDLER_PATH, PASSIVE, benchConfig, manyDials, localDials };
