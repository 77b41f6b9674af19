import fs from 'node:fs';
import { configHash, SwitchyardError } from '@switchyard/shared';
import { ProxyWorker } from './runtime/worker';
import { AdminClient } from './config/client';
import type { WorkerOptions } from './supervisor';

/**
 * Entry point of one proxy worker process (forked by the supervisor). It serves a config file
 * or follows an admin, and on 'shutdown' (IPC) or SIGTERM stops accepting, finishes in-flight
 * requests within the grace period and exits 0.
 */
async function main(): Promise<void> {
  const opts = JSON.parse(process.env['SWITCHYARD_WORKER'] ?? '{}') as WorkerOptions;
  const workerId = Number(process.env['SWITCHYARD_WORKER_ID'] ?? '1');
  const worker = new ProxyWorker();
  const log = (m: string) => process.stderr.write(`[worker ${workerId} pid ${process.pid}] ${m}\n`);
  let client: AdminClient | undefined;

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    client?.stop();
    await worker.stop(opts.graceMs);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'shutdown') void shutdown();
  });
  process.on('disconnect', () => void shutdown());

  if (opts.configFile) {
    const doc = JSON.parse(fs.readFileSync(opts.configFile, 'utf8')) as unknown;
    await worker.apply(doc, null, configHash(doc));
  } else if (opts.adminUrl) {
    client = new AdminClient({
      url: wsUrl(opts.adminUrl), token: opts.token, nodeId: opts.nodeId, workerId,
      cacheFile: opts.cacheFile, worker, log,
    });
    await client.start();
  }
  process.send?.({ type: 'ready', pid: process.pid });
}

/** http://host:port -> ws://host:port/proxy/ws (a ws:// URL is used as given). */
export function wsUrl(admin: string): string {
  if (admin.startsWith('ws://') || admin.startsWith('wss://')) return admin;
  const u = new URL(admin.includes('://') ? admin : `http://${admin}`);
  return `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}/proxy/ws`;
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`worker failed to start: ${startError(e)}\n`);
    process.exit(1);
  });
}

/** A refused config (bad document, busy address) is the user's to fix: code, pointer, message; no stack of ours. */
function startError(e: unknown): string {
  if (e instanceof SwitchyardError) return `${e.code}${e.path && !e.message.startsWith(e.path) ? ` at ${e.path}` : ''}: ${e.message}`;
  if (e instanceof SyntaxError) return `the config file is not JSON: ${e.message}`;
  return (e as Error)?.stack ?? String(e);
}
