import type { SwitchyardConfig } from '@switchyard/shared';
import { parseListen } from '@switchyard/shared';
import type { Handler, RequestContext } from '../handlers/types';
import { respond } from '../handlers/respond';
import { RouteList } from '../runtime/routes';

/** A plain-HTTP listen address that only redirects to HTTPS. */
export interface RedirectPlan {
  /** Listen address ("127.0.0.1:8080", ":8080"). */
  readonly listen: string;
  /** Port written into Location; undefined = 443 (left out of the URL). */
  readonly httpsPort: number | undefined;
}

/**
 * Caddy's automatic HTTP->HTTPS redirects, kept simple: when `apps.http.http_port` is set and a
 * server terminates TLS without `automatic_https.disable` / `disable_redirects`, every host that
 * server listens on also gets a listener on http_port answering 308 to https. Unlike Caddy
 * there is no default http_port (binding :80 unasked would be hostile here), and an address
 * already served by a configured server is left to it. The HTTPS port in Location is
 * `https_port` when set, else the TLS server's own port on that host.
 */
export function redirectPlans(config: SwitchyardConfig): RedirectPlan[] {
  const http = config.apps?.http;
  const httpPort = http?.http_port;
  if (httpPort === undefined) return [];
  const ports = new Map<string, number>();
  for (const srv of Object.values(http?.servers ?? {})) {
    if (!srv.tls_connection_policies?.length) continue;
    if (srv.automatic_https?.disable || srv.automatic_https?.disable_redirects) continue;
    for (const addr of srv.listen) {
      const p = parseListen(addr);
      if (typeof p === 'string') continue;
      const host = p.host === '0.0.0.0' ? '' : p.host;
      if (!ports.has(host)) ports.set(host, p.port);
    }
  }
  // A wildcard bind covers every specific host, and binding both would collide.
  const hosts = ports.has('') ? [''] : [...ports.keys()];
  return hosts.map((host) => {
    const tlsPort = http?.https_port ?? ports.get(host)!;
    return {
      listen: `${host.includes(':') ? `[${host}]` : host}:${httpPort}`,
      httpsPort: tlsPort === 443 ? undefined : tlsPort,
    };
  });
}

/** The route list of a redirect listener: every request gets 308 to the same URI over https. */
export function redirectRoutes(httpsPort: number | undefined): RouteList {
  const handler: Handler = {
    name: 'https_redirect',
    async handle(ctx: RequestContext) {
      const host = ctx.host || ctx.req.socket.localAddress || 'localhost';
      const authority = host.includes(':') ? `[${host}]` : host;
      const uri = ctx.query ? `${ctx.path}?${ctx.query}` : ctx.path;
      // Caddy's redirect response closes the connection: the client is leaving for https.
      ctx.closing = true;
      respond(ctx, 308, { location: `https://${authority}${httpsPort === undefined ? '' : `:${httpsPort}`}${uri}` });
    },
  };
  return new RouteList([{ match: undefined, handlers: [handler], terminal: true }]);
}
