import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const ROOT = path.resolve(__dirname, '../../..');
export const BIN = path.join(ROOT, 'bin', 'switchyard.js');

/** A running `switchyard` process tree started by a test. */
export interface Running {
  readonly proc: ChildProcess;
  /** Admin base URL (http://127.0.0.1:PORT), when the command runs one. */
  readonly url: string;
  readonly dataDir: string;
  /** Worker pids once they reported ready. */
  readonly pids: number[];
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves when the process exits. */
  exited: Promise<number | null>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export function tempDir(prefix = 'switchyard-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Start `switchyard <args>` and wait for its JSON announcements on stdout: `listening` (admin
 * URL) and, for run/proxy, `workers` (all workers ready).
 */
export async function startSwitchyard(args: string[], opts: { waitWorkers?: boolean; env?: Record<string, string>; dataDir?: string } = {}): Promise<Running> {
  const dataDir = opts.dataDir ?? tempDir();
  const full = args.includes('--data') ? args : [...args, '--data', dataDir];
  const proc = spawn(process.execPath, [BIN, ...full], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let err = '';
  proc.stderr!.on('data', (d) => {
    err += d;
    if (process.env['SWITCHYARD_TEST_VERBOSE']) process.stderr.write(d);
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const rl = readline.createInterface({ input: proc.stdout! });
  let url = '';
  const pids: number[] = [];
  const wantWorkers = opts.waitWorkers ?? (full[0] === 'run' || full[0] === 'proxy');
  const wantAdmin = full[0] === 'run' || full[0] === 'admin';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`switchyard ${full.join(' ')} did not start in time; stderr:\n${err}`)), 30_000);
    const check = () => {
      if ((!wantAdmin || url) && (!wantWorkers || pids.length)) {
        clearTimeout(timer);
        resolve();
      }
    };
    rl.on('line', (line) => {
      try {
        const ev = JSON.parse(line) as { event?: string; url?: string; pids?: number[] };
        if (ev.event === 'listening' && ev.url) url = ev.url;
        if (ev.event === 'workers' && ev.pids) pids.push(...ev.pids);
        check();
      } catch {
        /* not an announcement */
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard exited with ${code} before it was ready; stderr:\n${err}`));
    });
  });
  return {
    proc, url, dataDir, pids, exited,
    stderr: () => err,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      const t = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

/** POST a config document to the admin's /load; returns status, headers and body. */
export async function load(url: string, doc: unknown, query = ''): Promise<{ status: number; body: string; revision: string | null }> {
  const res = await fetch(`${url}/load${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(doc) });
  return { status: res.status, body: await res.text(), revision: res.headers.get('switchyard-revision') };
}

/** A minimal one-server config: listen on `port`, one reverse_proxy to `dials`. */
export function proxyConfig(port: number, dials: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apps: { http: { servers: { lb: {
      listen: [`127.0.0.1:${port}`],
      routes: [{ handle: [{ '@id': 'pool', handler: 'reverse_proxy', upstreams: dials.map((dial) => ({ dial })), ...extra }] }],
    } } } },
  };
}

/** Poll `fn` until it returns a truthy value or `ms` pass. */
export async function eventually<T>(fn: () => Promise<T> | T, ms = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
