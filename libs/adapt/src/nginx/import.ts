import { AdaptError, type AdaptResult, type AdaptWarning } from '../errors';
import { parseNginx, type Directive } from './parse';
import { IdAllocator, mapServer, type ServerBlock } from './server';
import { mapUpstream, type Pool } from './upstream';

type Obj = Record<string, unknown>;

/**
 * Imports an nginx configuration as a Switchyard config document (Caddy's JSON shape plus
 * the upstream fields `weight`, `backup` and `state`). Invariant: every directive that is not
 * carried over yields a warning with its file and line; `include` is never followed.
 * Server blocks with the same listen addresses share one server (`srvN`, in order of
 * appearance); the default server of a group answers without a host matcher, last.
 */
export function importNginx(text: string, filename = 'nginx.conf'): AdaptResult {
  const warnings: AdaptWarning[] = [];
  const warn = (line: number, message: string): void => {
    warnings.push({ file: filename, line, message });
  };
  const top = parseNginx(text, filename);
  const httpChildren: Directive[] = [];
  for (const d of top) {
    if (d.name === 'http' && d.block !== undefined) httpChildren.push(...d.block);
    else if ((d.name === 'upstream' || d.name === 'server') && d.block !== undefined) httpChildren.push(d);
    else if (d.name === 'include') warn(d.line, `include ${d.args.join(' ')} not followed: import the included file separately`);
    else warn(d.line, `directive "${d.name}" not carried over`);
  }

  const pools = new Map<string, Pool>();
  const serverDirs: Directive[] = [];
  for (const d of httpChildren) {
    if (d.name === 'upstream' && d.block !== undefined) {
      const pool = mapUpstream(d, filename, warn);
      if (pools.has(pool.name)) throw new AdaptError(filename, d.line, `duplicate upstream "${pool.name}"`);
      pools.set(pool.name, pool);
    } else if (d.name === 'server' && d.block !== undefined) {
      serverDirs.push(d);
    } else if (d.name === 'include') {
      warn(d.line, `include ${d.args.join(' ')} not followed: import the included file separately`);
    } else {
      warn(d.line, `directive "${d.name}" not carried over`);
    }
  }
  const ids = new IdAllocator();
  const blocks = serverDirs.map((d) => mapServer(d, pools, ids, filename, warn));
  const used = new Set<string>();
  for (const b of blocks) for (const r of b.routes) for (const h of (r.handle as Obj[]) ?? []) if (typeof h['@id'] === 'string') used.add(h['@id']);
  for (const p of pools.values()) {
    if (![...used].some((id) => id === p.name)) warn(p.line, `upstream ${p.name} is not used by any proxy_pass; not carried over`);
  }

  const servers: Record<string, Obj> = {};
  groupByListen(blocks, filename).forEach((group, i) => {
    servers[`srv${i}`] = { listen: group.listen, routes: groupRoutes(group.blocks, warn), automatic_https: { disable: true } };
  });
  const result: Obj = Object.keys(servers).length > 0 ? { apps: { http: { servers } } } : {};
  warnings.sort((a, b) => a.line - b.line); // stable: same-line warnings keep their order
  return { result, warnings };
}

interface Group {
  listen: string[];
  blocks: ServerBlock[];
}

function groupByListen(blocks: ServerBlock[], file: string): Group[] {
  const groups: Group[] = [];
  const owner = new Map<string, Group>();
  for (const b of blocks) {
    const listen = [...new Set(b.listen)].sort();
    const key = listen.join(' ');
    let g = groups.find((x) => x.listen.join(' ') === key);
    if (g === undefined) {
      for (const a of listen) {
        if (owner.has(a)) {
          throw new AdaptError(file, b.line, `listen ${a} is shared with a server block that listens on other addresses too; give both the same listen set`);
        }
      }
      g = { listen, blocks: [] };
      groups.push(g);
      for (const a of listen) owner.set(a, g);
    }
    g.blocks.push(b);
  }
  return groups;
}

/**
 * Routes of server blocks sharing listeners: named blocks first, each behind its host
 * matcher; the default block (`default_server`, else the first) last and without one, so it
 * also answers unknown hosts as in nginx.
 */
function groupRoutes(blocks: ServerBlock[], warn: (line: number, msg: string) => void): Obj[] {
  const def = blocks.find((b) => b.isDefault) ?? blocks[0];
  const routes: Obj[] = [];
  for (const b of blocks) {
    if (b === def) continue;
    if (b.names.length === 0) {
      warn(b.line, 'server block without server_name is not the default server of its listen addresses: nginx never selects it; not carried over');
      continue;
    }
    routes.push({ match: [{ host: b.names }], handle: [{ handler: 'subroute', routes: b.routes }], terminal: true });
  }
  routes.push(...def.routes);
  return routes;
}
