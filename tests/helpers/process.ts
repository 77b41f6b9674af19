import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The workspace root (tests/dist/helpers/ -> ../../..). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** One JSON line a Switchyard process printed on stdout (`{"event": ...}`). */
export type EventLine = { event: string; [k: string]: unknown };

export interface NodeProcess {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** Every JSON event line seen on stdout so far. */
  readonly events: EventLine[];
  /** Everything written on stderr so far. */
  stderr(): string;
  /** Resolves with the first event named `name` (already seen or still to come). */
  waitFor(name: string, timeoutMs?: number): Promise<EventLine>;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

/**
 * Spawns `node <script> ...args` from the workspace root and collects its JSON event lines, for
 * any Switchyard entry point (admin, proxy, CLI, a test upstream) that follows the
 * `{"event":"listening","url":...}` stdout contract. Processes left running at exit are killed.
 */
export function spawnNode(script: string, args: string[], env: NodeJS.ProcessEnv = {}): NodeProcess {
  const proc = spawn(process.execPath, [path.resolve(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  const events: EventLine[] = [];
  const waiters: Array<{ name: string; resolve: (e: EventLine) => void }> = [];
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    let ev: EventLine;
    try {
      ev = JSON.parse(line) as EventLine;
    } catch {
      return;
    }
    if (typeof ev?.event !== 'string') return;
    events.push(ev);
    for (const w of waiters.filter((w) => w.name === ev.event)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(ev);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => {
      live.delete(proc);
      resolve({ code, signal });
    });
  });
  return {
    proc,
    pid: proc.pid!,
    events,
    stderr: () => err,
    exited,
    waitFor(name, timeoutMs = 10_000) {
      const seen = events.find((e) => e.event === name);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${name}" event from ${script} within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
        const done = (e: EventLine) => {
          clearTimeout(timer);
          resolve(e);
        };
        waiters.push({ name, resolve: done });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`${script} exited (${code ?? signal}) before "${name}"; stderr: ${err}`));
        });
      });
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}
