/**
 * The pure half of active health checking: a `health_checks.active` object (Caddy's JSON, see
 * reference §12.2) compiled once into a frozen `ActiveHealthPlan` with every default applied,
 * and the status rule. Compiling is where bad input (durations, regexp, method) is rejected,
 * so the prober never has to.
 */
import { durationMs, type ReverseProxyConfig } from '@switchyard/shared';

/** `health_checks.active` as it appears in a validated config. */
export type ActiveHealthConfig = NonNullable<NonNullable<ReverseProxyConfig['health_checks']>['active']>;

export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 5_000;
/** Body read limit when `max_size` is absent or 0 (Caddy reads unbounded; a worker must not). */
export const DEFAULT_MAX_SIZE = 1 << 20;
/** Same hop limit as Go's http.Client, which Caddy's checker uses. */
export const MAX_REDIRECTS = 10;

/** Everything one probe needs, defaults applied; immutable. */
export interface ActiveHealthPlan {
  readonly method: string;
  /** Request target: path plus optional query, always starting with `/`. */
  readonly target: string;
  /** Probe this port instead of the upstream's (ignored for unix sockets). */
  readonly port: number | undefined;
  /** From a `Host` entry in `headers`; otherwise the probed host:port is sent. */
  readonly hostHeader: string | undefined;
  /** Every other configured header (names as given, values in order). */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: string | undefined;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Exact status, a class when < 100 (2 = 2xx), or undefined for 200-399. */
  readonly expectStatus: number | undefined;
  readonly expectBody: RegExp | undefined;
  readonly maxSize: number;
  readonly passes: number;
  readonly fails: number;
  readonly followRedirects: boolean;
}

/**
 * Thrown by `compileActiveHealth` for input it cannot run. `checkConfig` already rejects a bad
 * regexp or duration, so this only fires for configs that skipped validation.
 */
export class ActiveHealthConfigError extends RangeError {
  override readonly name = 'ActiveHealthConfigError';
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Caddy starts active checks only when `uri`, `path` or `port` is set; an `active` object
 * with only timings configures nothing.
 */
export function activeHealthEnabled(cfg: ActiveHealthConfig | undefined): boolean {
  return cfg !== undefined && (!!cfg.uri || !!cfg.path || (cfg.port ?? 0) > 0);
}

/** Compile with defaults (GET, 30s, 5s, 200-399, 1 MiB, passes 1, fails 1, no redirects). */
export function compileActiveHealth(cfg: ActiveHealthConfig): ActiveHealthPlan {
  const method = cfg.method ?? 'GET';
  if (!TOKEN.test(method)) throw new ActiveHealthConfigError(`active health method ${JSON.stringify(method)} is not an HTTP token`);
  let expectBody: RegExp | undefined;
  if (cfg.expect_body !== undefined && cfg.expect_body !== '') {
    try {
      expectBody = new RegExp(cfg.expect_body);
    } catch (e) {
      throw new ActiveHealthConfigError(`active health expect_body: ${(e as Error).message}`);
    }
  }
  let hostHeader: string | undefined;
  const headers: Record<string, readonly string[]> = {};
  for (const [name, values] of Object.entries(cfg.headers ?? {})) {
    if (values.length === 0) continue;
    if (name.toLowerCase() === 'host') hostHeader = values[0];
    else headers[name] = [...values];
  }
  return Object.freeze({
    method,
    target: requestTarget(cfg.uri || cfg.path || '/'),
    port: cfg.port,
    hostHeader,
    headers: Object.freeze(headers),
    body: cfg.body,
    intervalMs: positiveMs(cfg.interval, DEFAULT_INTERVAL_MS, 'interval'),
    timeoutMs: positiveMs(cfg.timeout, DEFAULT_TIMEOUT_MS, 'timeout'),
    expectStatus: cfg.expect_status || undefined,
    expectBody,
    maxSize: cfg.max_size || DEFAULT_MAX_SIZE,
    passes: cfg.passes ?? 1,
    fails: cfg.fails ?? 1,
    followRedirects: cfg.follow_redirects ?? false,
  });
}

/** Caddy's rule: exact code, class when < 100, and 200-399 when nothing is expected. */
export function statusHealthy(status: number, expect: number | undefined): boolean {
  if (expect === undefined) return status >= 200 && status < 400;
  if (expect < 100) return status >= expect * 100 && status < (expect + 1) * 100;
  return status === expect;
}

/** Like Caddy, only the path and query of `uri` are used, even if it names a scheme and host. */
function requestTarget(uri: string): string {
  if (uri.startsWith('/')) return uri;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    const u = new URL(uri);
    return u.pathname + u.search;
  }
  return '/' + uri;
}

// Go's time.Ticker panics on a non-positive interval and Caddy substitutes its default for 0,
// so a zero or negative duration means "default" here rather than a busy loop.
function positiveMs(v: string | number | undefined, fallback: number, field: string): number {
  let ms: number;
  try {
    ms = durationMs(v, fallback);
  } catch (e) {
    throw new ActiveHealthConfigError(`active health ${field}: ${(e as Error).message}`);
  }
  return ms > 0 ? ms : fallback;
}
