import { parsePointer } from '@switchyard/shared';
import type { Json } from '../config/tree';
import { project } from '../store';

type Obj = { [key: string]: Json };

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** One upstream of a pool, with the extension fields resolved to what the proxy will do. */
export interface PoolUpstream {
  readonly address: string;
  /** Position in the pool's `upstreams` array (informative: the API never addresses by it). */
  readonly index: number;
  readonly weight: number;
  readonly backup: boolean;
  readonly state: string;
  readonly keep_sticky: boolean;
  readonly max_requests: number | null;
}

/** A pool: one `reverse_proxy` handler, named like the store's `pools` table. */
export interface PoolView {
  /** The handler's `@id`, else its JSON pointer. */
  readonly id: string;
  /** JSON pointer of the handler in the document. */
  readonly path: string;
  readonly server: string;
  readonly policy: string;
  readonly upstreams: readonly PoolUpstream[];
}

/** The object at a JSON pointer of `doc`, or undefined. */
function objectAt(doc: Json | null, pointer: string): Obj | undefined {
  let cur: Json | null | undefined = doc;
  for (const t of parsePointer(pointer) ?? []) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else return undefined;
  }
  return isObj(cur) ? cur : undefined;
}

/** Caddy's `weighted_round_robin.weights` of a handler, when it has them. */
function wrrWeights(handler: Obj): Json[] | undefined {
  const lb = handler['load_balancing'];
  const sp = isObj(lb) ? lb['selection_policy'] : undefined;
  return isObj(sp) && sp['policy'] === 'weighted_round_robin' && Array.isArray(sp['weights']) ? sp['weights'] : undefined;
}

function upstreamView(u: Obj, index: number, weights: Json[] | undefined): PoolUpstream {
  const w = typeof u['weight'] === 'number' ? u['weight'] : typeof weights?.[index] === 'number' ? (weights[index] as number) : 1;
  return {
    address: String(u['dial']),
    index,
    weight: w,
    backup: u['backup'] === true,
    state: typeof u['state'] === 'string' ? u['state'] : 'active',
    keep_sticky: u['keep_sticky'] === true,
    max_requests: typeof u['max_requests'] === 'number' ? u['max_requests'] : null,
  };
}

/** Every pool of the document in the store's order (ids as in the `pools` table). Pure. */
export function listPools(doc: Json | null): PoolView[] {
  const p = project(doc);
  return p.pools.map((row) => {
    const h = objectAt(doc, row.path) ?? {};
    const weights = wrrWeights(h);
    const ups = Array.isArray(h['upstreams']) ? h['upstreams'] : [];
    const policy = p.policies.find((x) => x.pool_id === row.id)?.policy ?? 'random';
    return { id: row.id, path: row.path, server: row.server, policy, upstreams: ups.filter(isObj).map((u, i) => upstreamView(u, i, weights)) };
  });
}

/** The pools an operation on `address` applies to: the one named `poolId`, else every pool holding it. */
export function poolsOf(pools: readonly PoolView[], address: string, poolId?: string): PoolView[] {
  const holding = pools.filter((p) => (poolId === undefined || p.id === poolId) && p.upstreams.some((u) => u.address === address));
  return holding;
}

/** Copies the containers on `tokens` and replaces the value there with `fn(old)`. */
function updateAt(node: Json, tokens: readonly string[], fn: (v: Json) => Json): Json {
  if (tokens.length === 0) return fn(node);
  const [head, ...rest] = tokens as [string, ...string[]];
  if (Array.isArray(node)) {
    const copy = node.slice();
    copy[Number(head)] = updateAt(node[Number(head)] as Json, rest, fn);
    return copy;
  }
  if (isObj(node)) return { ...node, [head]: updateAt(node[head] as Json, rest, fn) };
  throw new Error(`no container at ${head}`);
}

/**
 * What to do with one upstream object: return the replacement, or null to remove it.
 * Receives a plain (unfrozen) copy.
 */
export type UpstreamEdit = (upstream: Obj) => Obj | null;

/**
 * The document with `edit` applied to every upstream of pool `pool` dialing `address`.
 * Removing one also removes its `weighted_round_robin.weights` entry so the config stays
 * valid. Copies only the containers on the way (the input may be deep-frozen). Pure.
 */
export function editUpstream(doc: Json, pool: PoolView, address: string, edit: UpstreamEdit): Json {
  return updateAt(doc, parsePointer(pool.path) ?? [], (h) => {
    const handler = { ...(h as Obj) };
    const ups = Array.isArray(handler['upstreams']) ? handler['upstreams'] : [];
    const weights = wrrWeights(handler);
    const keptUps: Json[] = [];
    const keptWeights: Json[] = [];
    ups.forEach((u, i) => {
      const next = isObj(u) && u['dial'] === address ? edit({ ...u }) : u;
      if (next === null) return;
      keptUps.push(next);
      if (weights && i < weights.length) keptWeights.push(weights[i]!);
    });
    handler['upstreams'] = keptUps;
    if (weights && keptWeights.length !== weights.length) setWeights(handler, keptWeights);
    return handler;
  });
}

/**
 * The document with `upstream` appended to pool `pool`; a `weighted_round_robin.weights`
 * array gets the new upstream's weight (default 1) so its length still matches. Pure.
 */
export function appendUpstream(doc: Json, pool: PoolView, upstream: Obj): Json {
  return updateAt(doc, parsePointer(pool.path) ?? [], (h) => {
    const handler = { ...(h as Obj) };
    const ups = Array.isArray(handler['upstreams']) ? handler['upstreams'] : [];
    handler['upstreams'] = [...ups, upstream];
    const weights = wrrWeights(handler);
    if (weights) setWeights(handler, [...weights, typeof upstream['weight'] === 'number' ? upstream['weight'] : 1]);
    return handler;
  });
}

function setWeights(handler: Obj, weights: Json[]): void {
  const lb = handler['load_balancing'] as Obj;
  handler['load_balancing'] = { ...lb, selection_policy: { ...(lb['selection_policy'] as Obj), weights } };
}

/**
 * An upstream can take new traffic as far as the admin can tell: state active, weight above
 * 0 and not reported unhealthy by any proxy worker. Mirrors the proxy's own availability test
 * minus what only a worker knows (in-flight caps, passive failures).
 */
export function isAvailable(u: PoolUpstream, unhealthy: ReadonlySet<string>): boolean {
  return u.state === 'active' && u.weight > 0 && !unhealthy.has(u.address);
}

/**
 * The pool ids that had an available upstream in `before` and have none in `after` (a pool
 * that disappeared entirely is not stranded: nothing routes to it any more). Pure.
 */
export function strandedPools(before: readonly PoolView[], after: readonly PoolView[], unhealthy: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const b of before) {
    const a = after.find((p) => p.id === b.id);
    if (!a) continue;
    if (b.upstreams.some((u) => isAvailable(u, unhealthy)) && !a.upstreams.some((u) => isAvailable(u, unhealthy))) out.push(b.id);
  }
  return out;
}
