import { adminError } from '../errors';
import type { Json } from '../config/tree';
import type { ChangeRequest, ChangeResult, ConfigService } from '../service';
import { appendUpstream, editUpstream, listPools, poolsOf, strandedPools, type PoolView, type UpstreamEdit } from './pools';

type Obj = { [key: string]: Json };

/** The request fields every change carries (see http/reply.ts changeHeaders). */
export type ChangeMeta = Pick<ChangeRequest, 'method' | 'path' | 'note' | 'source' | 'ifMatch' | 'force' | 'wait'>;

/** A change of pools and the pool ids it touched. */
export interface PoolChange {
  readonly result: ChangeResult;
  readonly pools: string[];
}

/** Edits the current document; returns the new one and the pool ids touched. May throw AdminErrors. */
export type PoolEdit = (doc: Json, pools: readonly PoolView[]) => { doc: Json; pools: string[] };

/**
 * Runs a pool edit through the admin's one write path (validated, stored as a revision,
 * pushed to workers), refusing with 409 ADM_ERR_LAST_UPSTREAM a result that leaves some pool
 * that had an available upstream without any, unless `force`. The guard runs inside the
 * serialised change, so two concurrent drains cannot both pass it.
 */
export function changePools(service: ConfigService, meta: ChangeMeta, force: boolean, unhealthy: () => ReadonlySet<string>, edit: PoolEdit): PoolChange {
  let touched: string[] = [];
  const result = service.change({
    ...meta,
    errorPrefix: 'loading new config: ',
    apply: (state) => {
      if (state.doc === null) throw adminError('ADM_ERR_POOL_NOT_FOUND', 'no config is loaded: there are no pools');
      const before = listPools(state.doc);
      const out = edit(state.doc, before);
      touched = out.pools;
      if (!force) {
        const stranded = strandedPools(before, listPools(out.doc), unhealthy());
        if (stranded.length > 0) {
          throw adminError('ADM_ERR_LAST_UPSTREAM', `pool ${JSON.stringify(stranded[0])} would be left without an available upstream; add force=true to do it anyway`, undefined, { pools: stranded });
        }
      }
      return out.doc;
    },
  });
  return { result, pools: touched };
}

/** The pools holding `address` (narrowed to `pool`); 404 when there is none. */
export function targetPools(pools: readonly PoolView[], address: string, pool: string | undefined): PoolView[] {
  if (pool !== undefined && !pools.some((p) => p.id === pool)) throw adminError('ADM_ERR_POOL_NOT_FOUND', `unknown pool '${pool}'`);
  const hit = poolsOf(pools, address, pool);
  if (hit.length === 0) {
    throw adminError('ADM_ERR_UPSTREAM_NOT_FOUND', pool === undefined ? `no pool has upstream ${address}` : `pool '${pool}' has no upstream ${address}`);
  }
  return hit;
}

/** A PoolEdit applying `edit` to `address` in every target pool. */
export function editIn(address: string, pool: string | undefined, edit: UpstreamEdit): PoolEdit {
  return (doc, pools) => {
    const hit = targetPools(pools, address, pool);
    for (const p of hit) doc = editUpstream(doc, p, address, edit);
    return { doc, pools: hit.map((p) => p.id) };
  };
}

/** Sets `state` (absent = active, the default) and optionally `keep_sticky` on one upstream object. */
export function withState(state: string, keepSticky?: boolean): UpstreamEdit {
  return (u) => {
    const { state: _old, ...rest } = u;
    const out: Obj = state === 'active' ? rest : { ...rest, state };
    if (keepSticky === true) out['keep_sticky'] = true;
    if (keepSticky === false) delete out['keep_sticky'];
    return out;
  };
}

/** The upstream fields a client may send for PUT/PATCH (the schema checks their values). */
function upstreamBody(address: string, body: unknown): Obj {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw adminError('ADM_ERR_BAD_REQUEST', 'the body must be a JSON object of upstream fields (weight, backup, state, max_requests, keep_sticky)');
  const o = body as Obj;
  if (o['dial'] !== undefined && o['dial'] !== address) throw adminError('ADM_ERR_BAD_REQUEST', `the body's dial ${JSON.stringify(o['dial'])} differs from the address in the path (${address})`);
  const { dial: _d, ...rest } = o;
  return rest;
}

/**
 * PUT: the upstream becomes exactly `{dial: address, ...body}`, replacing the one already in
 * the pool at its position, or appended to the pool.
 */
export function putEdit(poolId: string, address: string, body: unknown): PoolEdit {
  const fields = upstreamBody(address, body);
  return (doc, pools) => {
    const pool = pools.find((p) => p.id === poolId);
    if (!pool) throw adminError('ADM_ERR_POOL_NOT_FOUND', `unknown pool '${poolId}'`);
    const next: Obj = { dial: address, ...fields };
    const exists = pool.upstreams.some((u) => u.address === address);
    return { doc: exists ? editUpstream(doc, pool, address, () => ({ ...next })) : appendUpstream(doc, pool, next), pools: [poolId] };
  };
}

/** PATCH: merges `body` into the existing upstream (RFC 7396: a null member removes the field). */
export function patchEdit(poolId: string, address: string, body: unknown): PoolEdit {
  const fields = upstreamBody(address, body);
  return editIn(address, poolId, (u) => {
    const out: Obj = { ...u };
    for (const [k, v] of Object.entries(fields)) {
      if (v === null) delete out[k];
      else out[k] = v;
    }
    return out;
  });
}

/** DELETE: removes the upstream from the pool (in-flight requests on it finish in the workers). */
export function removeEdit(poolId: string, address: string): PoolEdit {
  return editIn(address, poolId, () => null);
}
