import { escapePointer, parseDuration } from '@switchyard/shared';
import type { Json } from '../config/tree';

/** Rows of the projection tables for one config document (see migrations/0001_init.sql). */
export interface Projection {
  servers: Array<{ name: string; listen: string }>;
  routes: Array<{ path: string; server: string; parent: string | null; position: number; match: string | null; handlers: string; terminal: number }>;
  pools: Array<{ id: string; path: string; server: string; route: string }>;
  policies: Array<{ pool_id: string; policy: string; options: string; retries: number; try_duration_ms: number; try_interval_ms: number }>;
  upstreams: Array<{ pool_id: string; position: number; address: string; weight: number; backup: number; state: string; max_requests: number | null }>;
}

type Obj = Record<string, Json>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): Json[] => (Array.isArray(v) ? v : []);

/**
 * Flattens a validated document into the current-state tables: servers, every route (nested
 * subroutes included), one pool per `reverse_proxy` handler (id = its `@id`, else its JSON
 * pointer) with its policy and its upstreams. Pure; values the schema defaults are filled in
 * (policy random, weight 1, state active) so the rows say what the proxy will do.
 */
export function project(doc: Json | null): Projection {
  const out: Projection = { servers: [], routes: [], pools: [], policies: [], upstreams: [] };
  const servers = isObj(doc) && isObj(doc.apps) && isObj(doc.apps.http) && isObj(doc.apps.http.servers) ? doc.apps.http.servers : {};
  const poolIds = new Set<string>();
  for (const [name, srv] of Object.entries(servers)) {
    if (!isObj(srv)) continue;
    const base = `/apps/http/servers/${escapePointer(name)}`;
    out.servers.push({ name, listen: JSON.stringify(arr(srv.listen)) });
    walkRoutes(srv.routes, `${base}/routes`, name, null, out, poolIds);
    if (isObj(srv.errors)) walkRoutes(srv.errors.routes, `${base}/errors/routes`, name, null, out, poolIds);
  }
  return out;
}

function walkRoutes(routes: Json | undefined, at: string, server: string, parent: string | null, out: Projection, poolIds: Set<string>): void {
  arr(routes).forEach((route, position) => {
    if (!isObj(route)) return;
    const path = `${at}/${position}`;
    const handle = arr(route.handle).filter(isObj);
    out.routes.push({
      path,
      server,
      parent,
      position,
      match: route.match === undefined ? null : JSON.stringify(route.match),
      handlers: JSON.stringify(handle.map((h) => h.handler)),
      terminal: route.terminal === true ? 1 : 0,
    });
    handle.forEach((h, hi) => {
      const hPath = `${path}/handle/${hi}`;
      if (h.handler === 'reverse_proxy') addPool(h, hPath, server, path, out, poolIds);
      if (h.handler === 'subroute') {
        walkRoutes(h.routes, `${hPath}/routes`, server, path, out, poolIds);
        if (isObj(h.errors)) walkRoutes(h.errors.routes, `${hPath}/errors/routes`, server, path, out, poolIds);
      }
    });
  });
}

function addPool(h: Obj, path: string, server: string, route: string, out: Projection, poolIds: Set<string>): void {
  const given = typeof h['@id'] === 'string' || typeof h['@id'] === 'number' ? String(h['@id']) : undefined;
  // An @id that happens to equal another pool's pointer must not break the primary key.
  const id = given !== undefined && !poolIds.has(given) ? given : path;
  poolIds.add(id);
  out.pools.push({ id, path, server, route });

  const lb = isObj(h.load_balancing) ? h.load_balancing : {};
  const sp = isObj(lb.selection_policy) ? lb.selection_policy : {};
  const { policy = 'random', ...options } = sp;
  const tryDuration = ms(lb.try_duration);
  out.policies.push({
    pool_id: id,
    policy: String(policy),
    options: JSON.stringify(options),
    retries: typeof lb.retries === 'number' ? lb.retries : 0,
    try_duration_ms: tryDuration,
    // Caddy: try_interval defaults to 250ms whenever try_duration is set.
    try_interval_ms: lb.try_interval !== undefined ? ms(lb.try_interval) : tryDuration > 0 ? 250 : 0,
  });

  const weights = policy === 'weighted_round_robin' ? arr(sp.weights) : [];
  arr(h.upstreams).forEach((u, position) => {
    if (!isObj(u)) return;
    const w = typeof u.weight === 'number' ? u.weight : typeof weights[position] === 'number' ? (weights[position] as number) : 1;
    out.upstreams.push({
      pool_id: id,
      position,
      address: String(u.dial),
      weight: w,
      backup: u.backup === true ? 1 : 0,
      state: typeof u.state === 'string' ? u.state : 'active',
      max_requests: typeof u.max_requests === 'number' && u.max_requests > 0 ? u.max_requests : null,
    });
  });
}

function ms(v: Json | undefined): number {
  return typeof v === 'string' || typeof v === 'number' ? parseDuration(v) : 0;
}
