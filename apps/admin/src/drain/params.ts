import { parseDuration } from '@switchyard/shared';
import { adminError } from '../errors';
import { decodeJsonBody } from '../config/json-body';
import type { OnTimeout } from './store';

/** Longest `wait` a request may hold the connection for. */
export const MAX_WAIT_MS = 10 * 60_000;

/**
 * A duration from a query or body value: a Go duration (`60s`, `1m30s`), bare digits as
 * seconds in a query (`wait=60`), integer nanoseconds in a JSON body (Caddy's form).
 * undefined stays undefined; anything else is 400.
 */
export function durationParam(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v) * 1000;
  try {
    if (typeof v !== 'string' && typeof v !== 'number') throw new TypeError('not a string');
    const ms = parseDuration(v);
    if (!(ms >= 0)) throw new RangeError('negative');
    return ms;
  } catch {
    throw adminError('ADM_ERR_BAD_REQUEST', `${name} must be a duration such as "30s" or "5m", got ${JSON.stringify(v)}`);
  }
}

/** `wait`, bounded by MAX_WAIT_MS; 0 when absent. */
export function waitParam(v: unknown): number {
  return Math.min(durationParam(v, 'wait') ?? 0, MAX_WAIT_MS);
}

/** true/false from `true`, `1`, `false`, `0` (query) or a JSON boolean; undefined when absent. */
export function boolParam(v: unknown, name: string): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  if (v === true || v === 'true' || v === '1') return true;
  if (v === false || v === 'false' || v === '0') return false;
  throw adminError('ADM_ERR_BAD_REQUEST', `${name} must be true or false, got ${JSON.stringify(v)}`);
}

/** `on_timeout`: `keep` (the default) or `close`; anything else is 400. */
export function onTimeoutParam(v: unknown): OnTimeout {
  if (v === undefined || v === '' || v === 'keep') return 'keep';
  if (v === 'close') return 'close';
  throw adminError('ADM_ERR_BAD_REQUEST', `on_timeout must be "close" or "keep", got ${JSON.stringify(v)}`);
}

/** A JSON object body, or {} when the body is empty; 400 for anything else. */
export function objectBody(body: unknown): Record<string, unknown> {
  const v = Buffer.isBuffer(body) || typeof body === 'string' ? decodeJsonBody(body) : undefined;
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw adminError('ADM_ERR_BAD_REQUEST', 'the body must be a JSON object');
  return v as Record<string, unknown>;
}

/** Drain options of a request. */
export interface DrainParams {
  pool?: string;
  timeoutMs: number | null;
  onTimeout: OnTimeout;
  keepSticky?: boolean;
  force: boolean;
  waitMs: number;
}

/** Drain options from the query string, overridden by the same names in a JSON body (unknown body members are 400). */
export function drainParams(query: Record<string, string | undefined>, body: Record<string, unknown>): DrainParams {
  const pick = (k: string): unknown => (body[k] !== undefined ? body[k] : query[k]);
  const known = new Set(['pool', 'timeout', 'on_timeout', 'keep_sticky', 'force', 'wait']);
  for (const k of Object.keys(body)) if (!known.has(k)) throw adminError('ADM_ERR_BAD_REQUEST', `unknown drain option ${JSON.stringify(k)} (known: ${[...known].join(', ')})`);
  const pool = pick('pool');
  if (pool !== undefined && (typeof pool !== 'string' || pool === '')) throw adminError('ADM_ERR_BAD_REQUEST', 'pool must be a pool id');
  return {
    pool: pool as string | undefined,
    timeoutMs: durationParam(pick('timeout'), 'timeout') ?? null,
    onTimeout: onTimeoutParam(pick('on_timeout')),
    keepSticky: boolParam(pick('keep_sticky'), 'keep_sticky'),
    force: boolParam(pick('force'), 'force') ?? false,
    waitMs: waitParam(pick('wait')),
  };
}
