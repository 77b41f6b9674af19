import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canonicalJSON, diff } from '@switchyard/shared';
import { adminError } from '../errors';
import type { Json } from '../config/tree';
import { changeHeaders, sendChange } from '../http/reply';
import type { ConfigService } from '../service';
import type { ConfigStore, Revision, RevisionMeta } from '../store';
import { S } from './schemas';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 1000;

/**
 * Switchyard's history extension: `GET /revisions` (newest first, paged with `limit` and the
 * `before` cursor), `GET /revisions/{n}`, `GET /revisions/{n}/diff` (from n-1, or `?from=m`) and
 * `POST /revisions/{n}/rollback`, which stores a new revision whose document equals n's.
 */
export function revisionRoutes(app: FastifyInstance, service: ConfigService, store: ConfigStore): void {
  const tags = ['revisions'];
  app.route({ method: 'GET', url: '/revisions', schema: { ...S.revisionList, tags }, handler: (req, reply) => list(service, store, req, reply) });
  app.route({ method: 'GET', url: '/revisions/:n', schema: { ...S.revisionGet, tags }, handler: (req, reply) => json(reply, revisionJson(mustGet(store, param(req)))) });
  app.route({ method: 'GET', url: '/revisions/:n/diff', schema: { ...S.revisionDiff, tags }, handler: (req, reply) => diffOf(store, req, reply) });
  app.route({ method: 'POST', url: '/revisions/:n/rollback', schema: { ...S.rollback, tags }, handler: (req, reply) => rollback(service, store, req, reply) });
}

function json(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.code(200).type('application/json').send(canonicalJSON(body) + '\n');
}

function metaJson(m: RevisionMeta): Record<string, unknown> {
  return { revision: m.n, created_at: m.createdAt, method: m.method, path: m.path, note: m.note, source: m.source, hash: m.hash };
}

function revisionJson(r: Revision): Record<string, unknown> {
  return { ...metaJson(r), config: r.config, patch: r.patch };
}

/** A positive revision number from a path or query value; 400 otherwise. */
function positiveInt(v: unknown, what: string, min = 1): number {
  const s = String(v ?? '');
  if (!/^\d{1,15}$/.test(s) || Number(s) < min) throw adminError('ADM_ERR_BAD_REQUEST', `${what} must be an integer >= ${min}, got ${JSON.stringify(s)}`);
  return Number(s);
}

function param(req: FastifyRequest): number {
  return positiveInt((req.params as { n?: string }).n, 'revision number');
}

function mustGet(store: ConfigStore, n: number): Revision {
  const r = store.get(n);
  if (!r) throw adminError('ADM_ERR_REVISION_NOT_FOUND', `revision ${n} not found`);
  return r;
}

function list(service: ConfigService, store: ConfigStore, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const q = req.query as { limit?: string; before?: string };
  const limit = q.limit === undefined ? DEFAULT_PAGE : Math.min(positiveInt(q.limit, 'limit'), MAX_PAGE);
  const before = q.before === undefined ? undefined : positiveInt(q.before, 'before');
  const page = store.list(limit, before);
  const last = page[page.length - 1];
  // Another page exists exactly when the oldest listed revision is not revision 1.
  const next = page.length === limit && last && last.n > 1 ? last.n : null;
  return json(reply, { current: service.current().revision, revisions: page.map(metaJson), next });
}

function diffOf(store: ConfigStore, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const to = mustGet(store, param(req));
  const q = req.query as { from?: string };
  const from = q.from === undefined ? to.n - 1 : positiveInt(q.from, 'from', 0);
  const prev: Json | null = from === 0 ? null : mustGet(store, from).config;
  const patch = q.from === undefined ? to.patch : diff(prev, to.config);
  return json(reply, { from, to: to.n, patch });
}

async function rollback(service: ConfigService, store: ConfigStore, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const target = mustGet(store, param(req));
  const headers = changeHeaders(req);
  const result = service.change({
    ...headers,
    source: headers.source ?? `rollback:${target.n}`,
    errorPrefix: `rolling back to revision ${target.n}: loading new config: `,
    apply: () => target.config,
  });
  return sendChange(reply, result);
}
