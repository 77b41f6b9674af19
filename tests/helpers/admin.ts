import { spawnNode, type NodeProcess } from './process';
import { scratchDir } from './tmp';

export const ADMIN_ENTRY = 'apps/admin/dist/main.js';

export interface AdminProcess {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** `127.0.0.1:41234`: the Host header the admin accepts. */
  readonly host: string;
  readonly dataDir: string;
  readonly process: NodeProcess;
  /** kill -9 (default) or another signal; resolves on exit. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process if still running and removes a data directory this helper created. */
  cleanup(): Promise<void>;
}

export interface AdminProcessOptions {
  /** Reuse a data directory (e.g. to restart after a kill); default: a new temp dir, removed by cleanup(). */
  dataDir?: string;
  /** Default 127.0.0.1:0 (an ephemeral port). */
  listen?: string;
  token?: string;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts the real admin process (`node apps/admin/dist/main.js --listen ... --data ...`) and
 * resolves once it printed `{"event":"listening","url":...}`.
 */
export async function startAdminProcess(opts: AdminProcessOptions = {}): Promise<AdminProcess> {
  const tmp = opts.dataDir ? undefined : scratchDir('switchyard-admin-');
  const dataDir = opts.dataDir ?? tmp!.dir;
  const args = ['--listen', opts.listen ?? '127.0.0.1:0', '--data', dataDir, ...(opts.token ? ['--admin-token', opts.token] : []), ...(opts.extraArgs ?? [])];
  const proc = spawnNode(ADMIN_ENTRY, args, opts.env);
  let url: string;
  try {
    url = String((await proc.waitFor('listening')).url);
  } catch (e) {
    await proc.kill();
    tmp?.remove();
    throw e;
  }
  return {
    url,
    host: new URL(url).host,
    dataDir,
    process: proc,
    kill: (signal) => proc.kill(signal),
    async cleanup() {
      await proc.kill();
      tmp?.remove();
    },
  };
}
