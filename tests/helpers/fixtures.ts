/**
 * Config documents used across e2e tests. `caddyReverseProxy` is the reference's c.json (§12.4,
 * verified on Caddy 2.6.2): three upstreams, round robin, retries, active and passive health
 * checks. `caddyAdapted` is the same in the form `caddy adapt` prints (integer-nanosecond
 * durations, subroute wrapping).
 */
export function caddyReverseProxy(ports = { proxy: 18080, upstreams: [19101, 19102, 19103] }) {
  const [u1, u2, u3] = ports.upstreams;
  return {
    admin: { listen: 'localhost:2019' },
    apps: {
      http: {
        servers: {
          lb: {
            listen: [`127.0.0.1:${ports.proxy}`],
            automatic_https: { disable: true },
            routes: [
              {
                match: [{ path: ['/*'] }],
                handle: [
                  {
                    '@id': 'lb_proxy',
                    handler: 'reverse_proxy',
                    upstreams: [{ dial: `127.0.0.1:${u1}` }, { dial: `127.0.0.1:${u2}` }, { dial: `127.0.0.1:${u3}`, max_requests: 100 }],
                    load_balancing: { selection_policy: { policy: 'round_robin' }, retries: 2, try_duration: '2s', try_interval: '100ms' },
                    health_checks: {
                      active: { uri: '/health', interval: '2s', timeout: '1s', expect_status: 200 },
                      passive: { fail_duration: '30s', max_fails: 3, unhealthy_status: [500, 502, 503], unhealthy_latency: '5s' },
                    },
                  },
                ],
              },
            ],
          },
        },
      },
    },
  };
}

export function caddyAdapted() {
  return {
    apps: {
      http: {
        servers: {
          srv0: {
            listen: ['127.0.0.1:18090'],
            routes: [
              {
                match: [{ host: ['127.0.0.1'] }],
                handle: [
                  {
                    handler: 'subroute',
                    routes: [
                      {
                        handle: [
                          {
                            handler: 'reverse_proxy',
                            health_checks: {
                              active: { interval: 10000000000, timeout: 2000000000, uri: '/health' },
                              passive: { fail_duration: 30000000000, max_fails: 2, unhealthy_status: [5] },
                            },
                            load_balancing: { retries: 3, selection_policy: { policy: 'least_conn' }, try_duration: 5000000000, try_interval: 250000000 },
                            upstreams: [{ dial: '127.0.0.1:19101' }, { dial: '127.0.0.1:19102' }, { dial: '127.0.0.1:19103' }],
                          },
                        ],
                      },
                    ],
                  },
                ],
                terminal: true,
              },
            ],
            automatic_https: { skip: ['127.0.0.1'] },
          },
        },
      },
    },
  };
}

/** The JSON pointer of c.json's reverse_proxy handler, and its /config path. */
export const LB_PROXY_POINTER = '/apps/http/servers/lb/routes/0/handle/0';
export const LB_PROXY_CONFIG_PATH = '/config' + LB_PROXY_POINTER;
