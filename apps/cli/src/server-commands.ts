import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAdmin } from '@switchyard/admin';
import { startSupervisor, type Supervisor } from '@switchyard/proxy';
import { opt, UsageError, type Args } from './args';

const DEFAULT_ADMIN = '127.0.0.1:2019';

function common(args: Args) {
  const admin = opt(args, 'admin', 'SWITCHYARD_ADMIN', DEFAULT_ADMIN);
  const dataDir = path.resolve(opt(args, 'data', 'SWITCHYARD_DATA', './data'));
  const token = opt(args, 'admin-token', 'SWITCHYARD_ADMIN_TOKEN');
  return { admin: admin.replace(/^https?:\/\//, ''), dataDir, token };
}

function workersOf(args: Args): number | undefined {
  const w = opt(args, 'workers', 'SWITCHYARD_WORKERS');
  if (w === undefined) return undefined;
  if (!/^\d+$/.test(w) || Number(w) < 1) throw new UsageError(`--workers must be a positive integer, got ${JSON.stringify(w)}`);
  return Number(w);
}

function graceOf(args: Args): number {
  const g = opt(args, 'grace', 'SWITCHYARD_GRACE', '30000');
  if (!/^\d+$/.test(g)) throw new UsageError('--grace takes milliseconds');
  return Number(g);
}

function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

function announce(event: string, fields: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
}

/** `switchyard admin`: the control plane alone. */
export async function cmdAdmin(args: Args): Promise<void> {
  const c = common(args);
  fs.mkdirSync(c.dataDir, { recursive: true });
  let admin: Awaited<ReturnType<typeof startAdmin>> | undefined;
  const stop = async () => {
    await admin?.close();
  };
  admin = await startAdmin({ listen: c.admin, dataDir: c.dataDir, token: c.token, proxyToken: opt(args, 'proxy-token', 'SWITCHYARD_PROXY_TOKEN'), onStop: () => stop().then(() => process.exit(0)) });
  announce('listening', { url: admin.url, data: c.dataDir });
  onSignals(stop);
}

/** `switchyard run`: admin + proxy workers in one process tree (the embedded default). */
export async function cmdRun(args: Args): Promise<void> {
  const c = common(args);
  fs.mkdirSync(c.dataDir, { recursive: true });
  let sup: Supervisor | undefined;
  let admin: Awaited<ReturnType<typeof startAdmin>> | undefined;
  const stop = async () => {
    await sup?.stop();
    await admin?.close();
  };
  const proxyToken = opt(args, 'proxy-token', 'SWITCHYARD_PROXY_TOKEN');
  admin = await startAdmin({ listen: c.admin, dataDir: c.dataDir, token: c.token, proxyToken, onStop: () => stop().then(() => process.exit(0)) });
  announce('listening', { url: admin.url, data: c.dataDir });
  sup = startSupervisor({
    workers: workersOf(args), adminUrl: admin.url, token: proxyToken ?? c.token, nodeId: opt(args, 'node-id', 'SWITCHYARD_NODE_ID', os.hostname()),
    cacheFile: path.join(c.dataDir, 'proxy-cache.json'), graceMs: graceOf(args), log: (m) => process.stderr.write(m + '\n'),
  });
  onSignals(stop);
  await sup.ready;
  announce('workers', { pids: sup.pids() });
}

/** `switchyard proxy`: workers fed by a config file or a (possibly remote) admin. */
export async function cmdProxy(args: Args): Promise<void> {
  const configFile = opt(args, 'config', undefined);
  const adminUrl = opt(args, 'admin', 'SWITCHYARD_ADMIN');
  if (!configFile && !adminUrl) throw new UsageError('switchyard proxy needs --config FILE or --admin URL');
  if (configFile && !fs.existsSync(configFile)) throw new UsageError(`config file ${configFile} does not exist`);
  const dataDir = path.resolve(opt(args, 'data', 'SWITCHYARD_DATA', './data'));
  const sup = startSupervisor({
    workers: workersOf(args), configFile: configFile ? path.resolve(configFile) : undefined, adminUrl: configFile ? undefined : adminUrl,
    token: opt(args, 'token', 'SWITCHYARD_PROXY_TOKEN'), nodeId: opt(args, 'node-id', 'SWITCHYARD_NODE_ID', os.hostname()),
    cacheFile: opt(args, 'cache', 'SWITCHYARD_PROXY_CACHE', path.join(dataDir, 'proxy-cache.json')), graceMs: graceOf(args),
    log: (m) => process.stderr.write(m + '\n'),
  });
  onSignals(() => sup.stop());
  await sup.ready;
  announce('workers', { pids: sup.pids() });
}
