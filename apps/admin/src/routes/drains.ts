import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { goJSON } from '../errors';
import { changeHeaders } from '../http/reply';
import type { PublishOutcome } from '../hub/types';
import type { DrainManager } from '../drain/manager';
import { drainParams, objectBody, waitParam } from '../drain/params';
import type { ChangeResult } from '../service';
import { DS } from '../drain/schemas';

type Q = Record<string, string | undefined>;

const address = (req: FastifyRequest): string => (req.params as { address: string }).address;

/** JSON body plus the publication fields of a 202 (the revision is stored, some worker has not applied it). */
function publication(o: PublishOutcome): Record<string, unknown> {
  return o.complete ? {} : { publish: { revision: o.revision, complete: false, acked: o.acked, lagging: o.lagging, failed: o.failed } };
}

/** Sends `body` with the revision header of `result` once its publication settled. */
export async function sendJob(reply: FastifyReply, status: number, result: ChangeResult | null, body: Record<string, unknown>): Promise<FastifyReply> {
  let extra: Record<string, unknown> = {};
  if (result) {
    const o = await result.outcome;
    reply.header('Switchyard-Revision', String(result.revision));
    extra = publication(o);
    if (!o.complete) status = 202;
  }
  return reply.code(status).type('application/json').send(goJSON({ ...body, ...extra }) + '\n');
}

/**
 * Switchyard's drain extension under Caddy's `/reverse_proxy/upstreams`:
 * `POST .../{address}/drain` sets the upstream draining (one revision, answered once the
 * workers applied it) and answers 202 with the job; `GET` shows the job and long-polls with
 * `?wait=60s`; `DELETE` puts the upstream back in service. `?pool=` narrows to one pool.
 */
export function drainRoutes(app: FastifyInstance, drains: DrainManager): void {
  const tags = ['drains'];
  app.route({
    method: 'POST',
    url: '/reverse_proxy/upstreams/:address/drain',
    schema: { ...DS.drainPost, tags },
    handler: async (req, reply) => {
      const p = drainParams(req.query as Q, objectBody(req.body));
      const { job, change } = drains.drain({ address: address(req), pool: p.pool, timeoutMs: p.timeoutMs, onTimeout: p.onTimeout, keepSticky: p.keepSticky, force: p.force, remove: false, meta: changeHeaders(req) });
      await change.result.outcome;
      const final = p.waitMs > 0 ? await drains.wait(job.address, p.pool, p.waitMs) : drains.get(job.address, p.pool);
      return sendJob(reply, p.waitMs > 0 && final.complete ? 200 : 202, change.result, final);
    },
  });
  app.route({
    method: 'GET',
    url: '/reverse_proxy/upstreams/:address/drain',
    schema: { ...DS.drainGet, tags },
    handler: async (req, reply) => {
      const q = req.query as Q;
      const pool = q['pool'] || undefined;
      const job = await drains.wait(address(req), pool, waitParam(q['wait']));
      return sendJob(reply, 200, null, job);
    },
  });
  app.route({
    method: 'DELETE',
    url: '/reverse_proxy/upstreams/:address/drain',
    schema: { ...DS.drainDelete, tags },
    handler: async (req, reply) => {
      const pool = (req.query as Q)['pool'] || undefined;
      const { change, job } = drains.undrain(address(req), pool, changeHeaders(req));
      return sendJob(reply, 200, change.result, { address: address(req), pools: change.pools, state: 'active', revision: change.result.revision, job });
    },
  });
}
