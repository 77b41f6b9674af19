/**
 * Caddy as a test oracle: start the installed `caddy` (2.6.2 from Debian) with a JSON config
 * on a free 127.0.0.1 port, so a test can send the same requests to Caddy and to Switchyard
 * and compare. Tests skip when caddy is not installed. Test-only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The installed caddy's version line, or undefined when there is none. */
export function caddyVersion(): string | undefined {
  const r = spawnSync('caddy', ['version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export interface RunningCaddy {
  readonly port: number;
  stop(): Promise<void>;
}

/** Run caddy serving `routes` on one HTTP server (admin off, no automatic HTTPS). */
export async function startCaddy(routes: readonly unknown[]): Promise<RunningCaddy> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sy-caddy-'));
  const file = path.join(dir, 'caddy.json');
  const config = {
    admin: { disabled: true },
    apps: { http: { servers: { oracle: { listen: [`127.0.0.1:${port}`], routes, automatic_https: { disable: true } } } } },
  };
  fs.writeFileSync(file, JSON.stringify(config));
  const child: ChildProcess = spawn('caddy', ['run', '--config', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`caddy did not start: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}
