import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminError, adminError, errorBody, goJSON } from '../errors';
import type { ChangeRequest, ChangeResult } from '../service';

/** Maps anything thrown while handling a request to an AdminError (Fastify's own errors included). */
export function toAdminError(err: unknown): AdminError {
  if (err instanceof AdminError) return err;
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return adminError('ADM_ERR_BODY_TOO_LARGE', 'request body too large');
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return adminError('ADM_ERR_BAD_REQUEST', e.message ?? 'bad request');
  return adminError('ADM_ERR_INTERNAL', `internal error: ${e?.message ?? String(err)}`);
}

/** Writes an error as Caddy does: JSON `{"error":...}` (plus our code and path) and a newline. */
export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const e = toAdminError(err);
  return reply.code(e.status).type('application/json').send(errorBody(e));
}

/** The request path as received, without the query string (still percent-encoded). */
export function rawPath(req: FastifyRequest): string {
  const q = req.url.indexOf('?');
  return q < 0 ? req.url : req.url.slice(0, q);
}

/** The percent-decoded request path, as Go's r.URL.Path; 400 when an escape is malformed. */
export function decodedPath(req: FastifyRequest): string {
  const raw = rawPath(req);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw adminError('ADM_ERR_BAD_REQUEST', `invalid URL escape in path ${JSON.stringify(raw)}`);
  }
}

/**
 * The change fields every mutating request carries in headers and query: `Switchyard-Note`,
 * `Switchyard-Source`, `If-Match`, `Cache-Control: must-revalidate` (exact and case-sensitive,
 * as Caddy) and `?wait=false`.
 */
export function changeHeaders(req: FastifyRequest): Pick<ChangeRequest, 'note' | 'source' | 'ifMatch' | 'force' | 'wait' | 'path' | 'method'> {
  const h = req.headers;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const query = req.query as Record<string, string | undefined>;
  return {
    method: req.method,
    path: rawPath(req),
    note: one(h['switchyard-note']) ?? null,
    source: one(h['switchyard-source']) ?? null,
    ifMatch: one(h['if-match']),
    force: h['cache-control'] === 'must-revalidate',
    wait: query?.wait !== 'false',
  };
}

/**
 * Answers an accepted change once its publication settled: 200 with an empty body (or
 * `okBody`) when every node applied it, else 202 with the outcome. Both carry
 * `Switchyard-Revision`.
 */
export async function sendChange(reply: FastifyReply, result: ChangeResult, okBody?: string, extra?: Record<string, unknown>): Promise<FastifyReply> {
  const outcome = await result.outcome;
  reply.header('Switchyard-Revision', String(result.revision));
  if (outcome.complete) {
    if (okBody === undefined) return reply.code(200).send();
    return reply.code(200).type('application/json').send(okBody);
  }
  const body = { revision: outcome.revision, complete: false, acked: outcome.acked, lagging: outcome.lagging, failed: outcome.failed, ...extra };
  return reply.code(202).type('application/json').send(goJSON(body) + '\n');
}
