import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { adminError } from '../errors';

/** Where the admin's access rules come from; read per request so config changes apply at once. */
export interface SecurityPolicy {
  /** Allowed Host header values; null turns the Host check off (wildcard listen, as Caddy). */
  hosts(): readonly string[] | null;
  /** `admin.origins` and `admin.enforce_origin` of the current config document. */
  configured(): { origins: readonly string[]; enforceOrigin: boolean };
  /** When set, every request needs `Authorization: Bearer <token>`. */
  token?: string;
}

const CORS_METHODS = 'OPTIONS, GET, POST, PUT, PATCH, DELETE';
const CORS_HEADERS = 'Content-Type, Content-Length, Cache-Control, If-Match, Authorization, Switchyard-Note';
const CORS_EXPOSE = 'ETag, Switchyard-Revision';

/** The request facts the access rules look at (a Fastify request or a raw upgrade request). */
export interface AccessRequest {
  readonly method?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * Enforces, in Caddy's order, the Host allow-list (DNS rebinding: 403), then the Origin rule
 * (a request naming an origin by `Origin` or `Referer`, or any request when `enforce_origin` is
 * set, must come from an allowed origin: 403; `Origin: null` and `Sec-Fetch-Mode: no-cors` are
 * 400, as in Caddy 2.11), then, unless `checkToken` is false, the admin token (401).
 * `admin.origins` entries add to the allowed hosts and origins. Throws AdminError; returns the
 * CORS headers to send.
 */
export function checkAccess(policy: SecurityPolicy, req: AccessRequest, checkToken = true): Record<string, string> {
  const h = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const { origins, enforceOrigin } = policy.configured();
  const entries = origins.map(parseEntry);
  const cors: Record<string, string> = {};

  const hosts = policy.hosts();
  if (hosts) {
    const host = h('host') ?? '';
    if (!hosts.includes(host) && !entries.some((e) => e.host === host)) throw adminError('ADM_ERR_HOST_NOT_ALLOWED', `host not allowed: ${host}`);
  }

  const originHeader = h('origin');
  const referer = refererOrigin(h('referer'));
  const mode = h('sec-fetch-mode');
  // Without enforce_origin, a request naming no origin at all passes: browsers send Origin on
  // every cross-origin and every non-GET request, and Node's fetch sends Sec-Fetch-Mode alone.
  const named = originHeader !== undefined || referer !== undefined;
  if (enforceOrigin || named || mode !== undefined) {
    if (mode === 'no-cors') throw adminError('ADM_ERR_BAD_ORIGIN', 'requests in no-cors mode are not allowed');
    if (originHeader === 'null') throw adminError('ADM_ERR_BAD_ORIGIN', "client is not allowed to access from origin 'null'");
  }
  if (enforceOrigin || named) {
    const origin = originHeader ?? referer ?? '';
    const allowed = [...(hosts ?? []).map((x) => ({ scheme: '', host: x })), ...entries];
    if (!originAllowed(origin, allowed)) throw adminError('ADM_ERR_ORIGIN_NOT_ALLOWED', `client is not allowed to access from origin '${origin}'`);
    cors['Access-Control-Allow-Origin'] = origin;
    cors['Access-Control-Expose-Headers'] = CORS_EXPOSE;
    cors['Vary'] = 'Origin';
    if (req.method === 'OPTIONS') {
      cors['Access-Control-Allow-Methods'] = CORS_METHODS;
      cors['Access-Control-Allow-Headers'] = CORS_HEADERS;
      cors['Access-Control-Allow-Credentials'] = 'true';
    }
  }

  if (checkToken && policy.token !== undefined && !tokenMatches(policy.token, h('authorization'))) {
    throw adminError('ADM_ERR_UNAUTHORIZED', 'missing or invalid admin token (send Authorization: Bearer <token>)');
  }
  return cors;
}

/** checkAccess as a Fastify onRequest step: CORS headers set on success, challenge on 401. */
export function enforceSecurity(policy: SecurityPolicy, req: FastifyRequest, reply: FastifyReply): void {
  try {
    reply.headers(checkAccess(policy, req));
  } catch (e) {
    if ((e as { code?: string }).code === 'ADM_ERR_UNAUTHORIZED') reply.header('WWW-Authenticate', 'Bearer realm="switchyard-admin"');
    throw e;
  }
}

interface Entry {
  /** '' matches any scheme. */
  scheme: string;
  host: string;
}

/** An `admin.origins` entry: `host:port` or `scheme://host:port`. */
function parseEntry(s: string): Entry {
  if (!s.includes('://')) return { scheme: '', host: s };
  try {
    const u = new URL(s);
    return { scheme: u.protocol.slice(0, -1), host: u.host };
  } catch {
    return { scheme: '', host: s };
  }
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    const u = new URL(referer);
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

function originAllowed(origin: string, allowed: readonly Entry[]): boolean {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return false;
  }
  const scheme = u.protocol.slice(0, -1);
  return allowed.some((a) => a.host === u.host && (a.scheme === '' || a.scheme === scheme));
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time: both sides are hashed to equal-length digests before comparing. */
export function tokenMatches(token: string, authorization: string | undefined): boolean {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  const given = m ? m[1] : '';
  return timingSafeEqual(digest(given), digest(token)) && m !== null;
}
