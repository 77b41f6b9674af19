import type { FastifyInstance, FastifyRequest } from 'fastify';
import { adminError, goJSON } from '../errors';
import { changeHeaders } from '../http/reply';
import type { Json } from '../config/tree';
import type { DrainManager } from '../drain/manager';
import { changePools, patchEdit, putEdit, removeEdit } from '../drain/edits';
import { listPools, type PoolUpstream, type PoolView } from '../drain/pools';
import { boolParam, drainParams, objectBody } from '../drain/params';
import { DS } from '../drain/schemas';
import { sendJob } from './drains';

type Q = Record<string, string | undefined>;
type Params = { id: string; address?: string };

/** A pool with each upstream's live state (health, in-flight, upgraded, workers reporting, running drain). */
function poolJson(p: PoolView, drains: DrainManager): Record<string, unknown> {
  const live = drains.live.byAddress();
  return { id: p.id, path: p.path, server: p.server, policy: p.policy, upstreams: p.upstreams.map((u) => upstreamJson(u, live.get(u.address), drains)) };
}

function upstreamJson(u: PoolUpstream, live: { healthy: boolean; in_flight: number; upgraded: number; workers: number } | undefined, drains: DrainManager): Record<string, unknown> {
  const job = drains.activeFor(u.address);
  return {
    address: u.address,
    weight: u.weight,
    backup: u.backup,
    state: u.state,
    keep_sticky: u.keep_sticky,
    max_requests: u.max_requests,
    healthy: live?.healthy ?? true,
    in_flight: live?.in_flight ?? 0,
    upgraded: live?.upgraded ?? 0,
    workers: live?.workers ?? 0,
    drain: job ? { id: job.rec.id, state: job.rec.state } : null,
  };
}

function findPool(doc: Json | null, id: string): PoolView {
  const pool = listPools(doc).find((p) => p.id === id);
  if (!pool) throw adminError('ADM_ERR_POOL_NOT_FOUND', `unknown pool '${id}'`);
  return pool;
}

function findUpstream(pool: PoolView, address: string): PoolUpstream {
  const u = pool.upstreams.find((x) => x.address === address);
  if (!u) throw adminError('ADM_ERR_UPSTREAM_NOT_FOUND', `pool '${pool.id}' has no upstream ${address}`);
  return u;
}

const json = (body: unknown) => goJSON(body) + '\n';

/**
 * Pools by name and upstreams by address, never by array index: `GET /pools`,
 * `GET /pools/{id}`, and `GET/PUT/PATCH/DELETE /pools/{id}/upstreams/{address}`. Every change
 * is one revision through the admin's write path (200 once the workers applied it, 202
 * otherwise) and refuses to leave a pool without an available upstream unless `force=true`.
 * `DELETE ...?drain=true` drains first and removes the upstream when the drain completes.
 */
export function poolRoutes(app: FastifyInstance, drains: DrainManager): void {
  const service = app.configService;
  const tags = ['pools'];
  const unhealthy = () => drains.live.unhealthy();
  const one = (req: FastifyRequest) => {
    const { id, address } = req.params as Params;
    return { id, address: address ?? '', force: boolParam((req.query as Q)['force'], 'force') ?? false };
  };
  const upstreamNow = (id: string, address: string) => {
    const u = findPool(service.current().doc, id).upstreams.find((x) => x.address === address);
    return u ? upstreamJson(u, drains.live.byAddress().get(address), drains) : null;
  };

  app.route({
    method: 'GET', url: '/pools', schema: { ...DS.poolList, tags },
    handler: async (_req, reply) => reply.code(200).type('application/json').send(json(listPools(service.current().doc).map((p) => poolJson(p, drains)))),
  });
  app.route({
    method: 'GET', url: '/pools/:id', schema: { ...DS.poolGet, tags },
    handler: async (req, reply) => reply.code(200).type('application/json').send(json(poolJson(findPool(service.current().doc, one(req).id), drains))),
  });
  app.route({
    method: 'GET', url: '/pools/:id/upstreams/:address', schema: { ...DS.upstreamGet, tags },
    handler: async (req, reply) => {
      const { id, address } = one(req);
      const u = findUpstream(findPool(service.current().doc, id), address);
      return reply.code(200).type('application/json').send(json(upstreamJson(u, drains.live.byAddress().get(address), drains)));
    },
  });
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method, url: '/pools/:id/upstreams/:address', schema: { ...(method === 'PUT' ? DS.upstreamPut : DS.upstreamPatch), tags },
      handler: async (req, reply) => {
        const { id, address, force } = one(req);
        const body = objectBody(req.body);
        const edit = method === 'PUT' ? putEdit(id, address, body) : patchEdit(id, address, body);
        const change = changePools(service, changeHeaders(req), force, unhealthy, edit);
        return sendJob(reply, 200, change.result, { pool: id, upstream: upstreamNow(id, address), revision: change.result.revision });
      },
    });
  }
  app.route({
    method: 'DELETE', url: '/pools/:id/upstreams/:address', schema: { ...DS.upstreamDelete, tags },
    handler: async (req, reply) => {
      const { id, address, force } = one(req);
      const q = req.query as Q;
      if (boolParam(q['drain'], 'drain')) {
        const p = drainParams({ ...q, pool: id }, {});
        findUpstream(findPool(service.current().doc, id), address);
        const { job, change } = drains.drain({ address, pool: id, timeoutMs: p.timeoutMs, onTimeout: p.onTimeout, keepSticky: p.keepSticky, force, remove: true, meta: changeHeaders(req) });
        await change.result.outcome;
        const final = p.waitMs > 0 ? await drains.wait(job.address, id, p.waitMs) : drains.get(job.address, id);
        if (final.complete) reply.header('Switchyard-Revision', String(final.final_revision ?? change.result.revision));
        return reply.code(final.complete ? 200 : 202).type('application/json').send(json({ pool: id, address, removed: final.complete, job: final }));
      }
      const change = changePools(service, changeHeaders(req), force, unhealthy, removeEdit(id, address));
      return sendJob(reply, 200, change.result, { pool: id, address, removed: true, revision: change.result.revision });
    },
  });
}
