import { opt, UsageError, type Args } from './args';
import { adminBase, call as rawCall, describeError, type AdminResponse } from './http';

/**
 * Runtime control of upstreams through the admin API: `upstreams`, `pools`, `drain`,
 * `undrain`, `weight`, `add`, `remove`. Human output by default, the admin's JSON with
 * `--json`. Exit codes: 0 done; 1 the admin refused, a worker did not apply the change, or a
 * drain did not complete within `--wait`; 2 bad usage.
 */

type Json = Record<string, any>;

const enc = encodeURIComponent;

/** An admin call whose network failure says which admin could not be reached. */
async function call(args: Args, method: string, path: string, body?: string): Promise<AdminResponse> {
  try {
    return await rawCall(args, method, path, body);
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach the admin at ${adminBase(args)}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
  }
}

function query(params: Record<string, string | undefined>): string {
  const q = Object.entries(params).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}=${enc(v!)}`);
  return q.length ? `?${q.join('&')}` : '';
}

function positional(args: Args, n: number, usage: string): string[] {
  const p = args.positional.slice(1);
  if (p.length !== n) throw new UsageError(`usage: switchyard ${usage}`);
  return p;
}

/** Prints the failure (or the JSON) and gives the exit code of an admin answer. */
function outcome(args: Args, r: AdminResponse, human: (j: Json) => string): number {
  const j = (r.json ?? {}) as Json;
  if (r.status >= 400) {
    if (args.flags.get('json')) process.stdout.write(r.text.endsWith('\n') ? r.text : r.text + '\n');
    process.stderr.write(`${describeError(r)}\n`);
    return 1;
  }
  process.stdout.write(args.flags.get('json') ? `${JSON.stringify(j)}\n` : human(j));
  const p = j['publish'] as Json | undefined;
  if (p && p['complete'] === false) {
    const lag = [...(p['lagging'] ?? []), ...(p['failed'] ?? []).map((f: Json) => `${f.node} (${f.error})`)];
    process.stderr.write(`revision ${p['revision']} is stored but not applied by: ${lag.join(', ') || 'some workers'}\n`);
    return 1;
  }
  return 0;
}

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** One line about a drain job. */
export function describeJob(j: Json): string {
  const open = `${plural(j.in_flight ?? 0, 'request')} and ${plural(j.upgraded ?? 0, 'WebSocket')} open`;
  const took = j.finished ? ` in ${((Date.parse(j.finished) - Date.parse(j.started)) / 1000).toFixed(1)}s` : '';
  const closed = j.closed ? `; timeout cut ${plural(j.closed.requests, 'request')} and ${plural(j.closed.upgraded, 'WebSocket')}` : '';
  const pools = `pool${j.pools?.length === 1 ? '' : 's'} ${(j.pools ?? []).join(', ')}`;
  if (j.state === 'drained') return `${j.address} drained${took} (job ${j.id}, ${pools}${j.remove ? ', removed' : ''}${closed})\n`;
  if (j.state === 'cancelled') return `${j.address}: drain ${j.id} was cancelled (back in service)\n`;
  const workers = (j.workers ?? []).filter((w: Json) => !w.done).map((w: Json) => w.node);
  return `${j.address} draining (job ${j.id}, revision ${j.revision}, ${pools}): ${open}${j.timed_out ? ', timed out' : ''}${workers.length ? `; waiting for ${workers.join(', ')}` : ''}${closed}\n`;
}

async function cmdUpstreams(args: Args): Promise<number> {
  const r = await call(args, 'GET', '/reverse_proxy/upstreams');
  return outcome(args, r, () => {
    const rows = (r.json as Json[]).map((u) => [u.address, u.state ?? 'active', String(u.weight ?? 1), u.healthy === false ? 'no' : 'yes', String(u.num_requests), String(u.upgraded ?? 0), String(u.fails), (u.pools ?? []).join(',')]);
    return table(['ADDRESS', 'STATE', 'WEIGHT', 'HEALTHY', 'IN-FLIGHT', 'WEBSOCKETS', 'FAILS', 'POOLS'], rows);
  });
}

async function cmdPools(args: Args): Promise<number> {
  const r = await call(args, 'GET', '/pools');
  return outcome(args, r, () =>
    (r.json as Json[]).map((p) => `pool ${p.id} (${p.policy}, server ${p.server})\n` + table(['  ADDRESS', 'STATE', 'WEIGHT', 'BACKUP', 'HEALTHY', 'IN-FLIGHT'], p.upstreams.map((u: Json) => [`  ${u.address}`, u.state, String(u.weight), u.backup ? 'yes' : 'no', u.healthy ? 'yes' : 'no', String(u.in_flight)]))).join(''),
  );
}

async function cmdDrain(args: Args): Promise<number> {
  const [address] = positional(args, 1, 'drain ADDRESS [--pool ID] [--wait 60s] [--timeout 5m] [--on-timeout close|keep] [--keep-sticky] [--force] [--json]');
  const q = query({
    pool: opt(args, 'pool', undefined), wait: opt(args, 'wait', undefined), timeout: opt(args, 'timeout', undefined),
    on_timeout: opt(args, 'on-timeout', undefined), keep_sticky: args.flags.get('keep-sticky') ? 'true' : undefined, force: args.flags.get('force') ? 'true' : undefined,
  });
  const r = await call(args, 'POST', `/reverse_proxy/upstreams/${enc(address!)}/drain${q}`);
  const code = outcome(args, r, describeJob);
  if (code !== 0) return code;
  return opt(args, 'wait', undefined) !== undefined && (r.json as Json)['complete'] !== true ? notDrained(args) : 0;
}

function notDrained(args: Args): number {
  process.stderr.write(`not drained within --wait ${opt(args, 'wait', undefined)}\n`);
  return 1;
}

async function cmdUndrain(args: Args): Promise<number> {
  const [address] = positional(args, 1, 'undrain ADDRESS [--pool ID] [--json]');
  const r = await call(args, 'DELETE', `/reverse_proxy/upstreams/${enc(address!)}/drain${query({ pool: opt(args, 'pool', undefined) })}`);
  return outcome(args, r, (j) => `${address} is back in service in ${(j.pools ?? []).join(', ')} (revision ${j.revision})\n`);
}

async function cmdWeight(args: Args): Promise<number> {
  const [pool, address, n] = positional(args, 3, 'weight POOL ADDRESS N [--force] [--json]');
  if (!/^\d+$/.test(n!)) throw new UsageError(`weight must be a non-negative integer, got ${JSON.stringify(n)}`);
  const r = await call(args, 'PATCH', `/pools/${enc(pool!)}/upstreams/${enc(address!)}${query({ force: args.flags.get('force') ? 'true' : undefined })}`, JSON.stringify({ weight: Number(n) }));
  return outcome(args, r, (j) => `${address} in pool ${pool}: weight ${n} (revision ${j.revision})\n`);
}

async function cmdAdd(args: Args): Promise<number> {
  const [pool, address] = positional(args, 2, 'add POOL ADDRESS [--weight N] [--backup] [--json]');
  const body: Json = {};
  const w = opt(args, 'weight', undefined);
  if (w !== undefined) {
    if (!/^\d+$/.test(w)) throw new UsageError(`--weight must be a non-negative integer, got ${JSON.stringify(w)}`);
    body.weight = Number(w);
  }
  if (args.flags.get('backup')) body.backup = true;
  const r = await call(args, 'PUT', `/pools/${enc(pool!)}/upstreams/${enc(address!)}`, JSON.stringify(body));
  return outcome(args, r, (j) => `${address} added to pool ${pool}${w !== undefined ? ` with weight ${w}` : ''} (revision ${j.revision})\n`);
}

async function cmdRemove(args: Args): Promise<number> {
  const [pool, address] = positional(args, 2, 'remove POOL ADDRESS [--drain [--wait 60s] [--timeout 5m] [--on-timeout close|keep]] [--force] [--json]');
  const drain = args.flags.get('drain') === true;
  const q = query({
    drain: drain ? 'true' : undefined, wait: drain ? opt(args, 'wait', undefined) : undefined, timeout: opt(args, 'timeout', undefined),
    on_timeout: opt(args, 'on-timeout', undefined), force: args.flags.get('force') ? 'true' : undefined,
  });
  const r = await call(args, 'DELETE', `/pools/${enc(pool!)}/upstreams/${enc(address!)}${q}`);
  const code = outcome(args, r, (j) => (j.job ? (j.removed ? `${address} drained and removed from pool ${pool}\n` : describeJob(j.job)) : `${address} removed from pool ${pool} (revision ${j.revision})\n`));
  if (code !== 0) return code;
  return drain && opt(args, 'wait', undefined) !== undefined && (r.json as Json)['removed'] !== true ? notDrained(args) : 0;
}

/** Left-aligned columns, two spaces apart. */
export function table(head: string[], rows: string[][]): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : (c ?? '').padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}

/** The commands this module adds to `switchyard`. */
export const UPSTREAM_COMMANDS: Record<string, (args: Args) => Promise<number>> = {
  upstreams: cmdUpstreams,
  pools: cmdPools,
  drain: cmdDrain,
  undrain: cmdUndrain,
  weight: cmdWeight,
  add: cmdAdd,
  remove: cmdRemove,
};

export const UPSTREAM_USAGE = `
Upstreams (through the admin API; --admin URL, --json for scripts):
  switchyard upstreams                                      status of every upstream
  switchyard pools                                          pools and their upstreams
  switchyard drain ADDRESS [--wait 60s] [--timeout 5m] [--on-timeout close|keep] [--pool ID] [--keep-sticky] [--force]
  switchyard undrain ADDRESS [--pool ID]                    back in service
  switchyard weight POOL ADDRESS N                          set a weight (0 = no new traffic)
  switchyard add POOL ADDRESS [--weight N] [--backup]       add (or replace) an upstream
  switchyard remove POOL ADDRESS [--drain [--wait 60s]]     remove, draining it first with --drain
`;
