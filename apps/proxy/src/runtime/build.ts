import type { BlockList } from 'node:net';
import { durationMs, parseListen, type SwitchyardConfig } from '@switchyard/shared';
import type { BuildServices, Handler } from '../handlers/types';
import { buildHandler } from '../handlers';
import { blockList } from './match';
import { compileRoutes, type RouteList } from './routes';
import { buildAccessLogger, type AccessLogger } from './access-log';
import { buildServerTls, loadCertificates, redirectPlans, redirectRoutes, type ServerTls } from '../tls';

/** Timeouts applied to a listener while this server's config is in force. */
export interface ServerSettings {
  /** Time allowed to receive the whole request head (slowloris bound). */
  readonly headersTimeout: number;
  /** Time allowed to receive the whole request (head + body); 0 = none. */
  readonly requestTimeout: number;
  /** Idle keep-alive time between requests. */
  readonly keepAliveTimeout: number;
  readonly maxHeaderSize: number;
}

/** One server of the config, compiled. Immutable. */
export interface ServerRuntime {
  readonly name: string;
  readonly listen: readonly string[];
  readonly routes: RouteList;
  /** Ranges whose X-Forwarded-For (client_ip_headers) is believed. */
  readonly trusted: BlockList | undefined;
  readonly clientIpHeaders: readonly string[];
  readonly settings: ServerSettings;
  /** Access logger when the server has `logs`. */
  readonly log: AccessLogger | undefined;
  /** TLS termination (certificates by SNI, ALPN) when the server has tls_connection_policies. */
  readonly tls: ServerTls | undefined;
  /** JSON pointer blamed when this server cannot bind, if not its `listen` entry (redirect listeners). */
  readonly bindPointer?: string;
}

/**
 * Everything a worker serves from one config revision, built and checked before it is swapped
 * in by one reference assignment. In-flight requests keep the Runtime they started with.
 */
export interface Runtime {
  readonly revision: number | null;
  readonly hash: string | null;
  readonly config: Readonly<SwitchyardConfig>;
  /** Listen key (normalised host:port) -> server. */
  readonly byListen: ReadonlyMap<string, ServerRuntime>;
  /** Every upstream dial address the config names. */
  readonly addresses: ReadonlySet<string>;
  readonly gracePeriodMs: number;
  /** Stop timers (active health checks, ...) of this runtime once it is retired. */
  dispose(): void;
}

export const DEFAULT_SETTINGS: ServerSettings = {
  headersTimeout: 30_000,
  requestTimeout: 0,
  keepAliveTimeout: 120_000,
  maxHeaderSize: 16 * 1024,
};

/** Normalise a listen address to the key used for listener sets ("127.0.0.1:8080", ":8080"). */
export function listenKey(addr: string): string {
  const p = parseListen(addr);
  if (typeof p === 'string') throw new Error(p);
  // localhost binds 127.0.0.1 (as the admin does): resolving it could pick ::1 on one machine.
  const host = p.host === '0.0.0.0' ? '' : p.host.toLowerCase() === 'localhost' ? '127.0.0.1' : p.host;
  return host.includes(':') ? `[${host}]:${p.port}` : `${host}:${p.port}`;
}

/**
 * Build a runtime from a validated config. Throws (with a JSON-pointer `path` when the config
 * is at fault) and leaves nothing running on failure: handlers already built are disposed.
 */
export function buildRuntime(config: SwitchyardConfig, services: BuildServices, revision: number | null, hash: string | null): Runtime {
  const byListen = new Map<string, ServerRuntime>();
  const handlers: Handler[] = [];
  try {
    const certificates = loadCertificates(config);
    for (const [name, srv] of Object.entries(config.apps?.http?.servers ?? {})) {
      const base = `/apps/http/servers/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const routes = compileRoutes(srv.routes, `${base}/routes`, services, buildHandler);
      handlers.push(...routes.handlers);
      const sr: ServerRuntime = Object.freeze({
        name,
        listen: Object.freeze([...srv.listen]),
        routes,
        trusted: srv.trusted_proxies ? blockList(srv.trusted_proxies.ranges) : undefined,
        clientIpHeaders: Object.freeze((srv.client_ip_headers ?? ['X-Forwarded-For']).map((h) => h.toLowerCase())),
        log: buildAccessLogger(config, srv),
        tls: buildServerTls(srv, certificates, base),
        settings: Object.freeze({
          headersTimeout: durationMs(srv.read_header_timeout, DEFAULT_SETTINGS.headersTimeout),
          requestTimeout: durationMs(srv.read_timeout, DEFAULT_SETTINGS.requestTimeout),
          keepAliveTimeout: durationMs(srv.idle_timeout, DEFAULT_SETTINGS.keepAliveTimeout),
          maxHeaderSize: srv.max_header_bytes ?? DEFAULT_SETTINGS.maxHeaderSize,
        }),
      });
      for (const l of srv.listen) byListen.set(listenKey(l), sr);
    }
    for (const r of redirectPlans(config)) {
      const key = listenKey(r.listen);
      if (byListen.has(key)) continue;
      byListen.set(key, Object.freeze({
        name: `https_redirect ${key}`, listen: Object.freeze([r.listen]), routes: redirectRoutes(r.httpsPort), trusted: undefined,
        clientIpHeaders: Object.freeze([]), log: undefined, tls: undefined, settings: DEFAULT_SETTINGS, bindPointer: '/apps/http/http_port',
      }));
    }
  } catch (e) {
    for (const h of handlers) h.dispose?.();
    throw e;
  }
  const addresses = new Set<string>();
  collectDials(config, addresses);
  return Object.freeze({
    revision,
    hash,
    config: deepFreeze(config),
    byListen,
    addresses,
    gracePeriodMs: durationMs(config.apps?.http?.grace_period, 0),
    dispose: () => {
      for (const h of handlers) h.dispose?.();
    },
  });
}

function collectDials(v: unknown, out: Set<string>): void {
  if (Array.isArray(v)) for (const x of v) collectDials(x, out);
  else if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o['handler'] === 'reverse_proxy' && Array.isArray(o['upstreams'])) {
      for (const u of o['upstreams'] as { dial: string }[]) out.add(u.dial);
    }
    for (const x of Object.values(o)) if (x && typeof x === 'object') collectDials(x, out);
  }
}

/** Freeze a config tree so no handler can change what other requests see. */
export function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
