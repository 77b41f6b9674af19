import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { eventually, freePort, proxyConfig, startSwitchyard, startUpstream, tempDir, type Running, type Upstream } from '../helpers/switchyard-all';

/** `switchyard proxy --config FILE` on a config written to a scratch directory. */
async function startProxy(doc: unknown, args: string[]): Promise<Running> {
  const file = path.join(tempDir('switchyard-proxy-'), 'config.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  return startSwitchyard(['proxy', '--config', file, ...args]);
}

/** GET on a fresh connection (so every request is a new accept somewhere). */
function get(url: string, agent: http.Agent | false = false): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Live (not zombie) children of `ppid`, from /proc. */
function children(ppid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && Number(parent) === ppid) out.push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/** True once `pid` is gone or a zombie: the kernel has closed all of its sockets. */
function dead(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

/** True when `pid` holds the socket listening on 127.0.0.1:`port` (it has bound its listener). */
function listening(pid: number, port: number): boolean {
  const hex = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const row = fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').map((l) => l.trim().split(/\s+/)).find((c) => c[1] === hex && c[3] === '0A');
  if (!row) return false;
  const inode = `socket:[${row[9]}]`;
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === inode;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

interface Sample { start: number; end: number; status: number; error?: string }

/** `n` loops of fresh-connection GETs, each recording when it started and ended. */
function clientLoop(url: string, n: number): { samples: Sample[]; stop(): Promise<void> } {
  const samples: Sample[] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      const start = performance.now();
      try {
        const r = await get(url);
        samples.push({ start, end: performance.now(), status: r.status });
      } catch (e) {
        samples.push({ start, end: performance.now(), status: 0, error: (e as Error).message });
      }
    }
  };
  const loops = Array.from({ length: n }, loop);
  return { samples, stop: async () => { running = false; await Promise.all(loops); } };
}

/** Refused outright (not accepted and left hanging). */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

const CONCURRENCY = 4;

describe('switchyard proxy --config with two workers', () => {
  let up: Upstream;
  let port: number;
  let sy: Running;

  before(async () => {
    up = await startUpstream();
    port = await freePort();
    sy = await startProxy(proxyConfig(port, [up.dial]), ['--workers', '2']);
    assert.equal(sy.pids.length, 2);
  });

  after(async () => {
    await sy?.stop();
    await up?.close();
  });

  test('a SIGKILLed worker is replaced within seconds; only requests in flight on it can fail; the replacement serves', async () => {
    const url = `http://127.0.0.1:${port}/`;
    const [a, b] = sy.pids as [number, number];
    assert.deepEqual(children(sy.proc.pid!).sort(), [a, b].sort(), 'the workers are the supervisor\'s children');
    const load = clientLoop(url, CONCURRENCY);
    await new Promise((r) => setTimeout(r, 300));

    // Kill the first original worker and wait for its replacement to be forked.
    const killA = performance.now();
    process.kill(a, 'SIGKILL');
    const deathA = (await eventually(() => dead(a) && performance.now(), 3000, `worker ${a} to die`)) as number;
    const replA = await eventually(() => children(sy.proc.pid!).find((p) => p !== a && p !== b), 3000, 'a replacement worker');
    const forkedA = performance.now();
    assert.ok(forkedA - deathA < 3000, 'replaced within 3 s');
    await eventually(() => sy.stderr().includes(`(pid ${a}) exited (SIGKILL)`), 2000, 'the supervisor logs the crash');
    // Had the second worker died before this one bound, no process would be accepting.
    await eventually(() => listening(replA, port), 15_000, 'the replacement to bind the listen socket');
    const boundA = performance.now();

    // Kill the other original: until its own replacement is forked, only `replA` can serve.
    const killB = performance.now();
    process.kill(b, 'SIGKILL');
    const deathB = (await eventually(() => dead(b) && performance.now(), 3000, `worker ${b} to die`)) as number;
    const replB = await eventually(() => children(sy.proc.pid!).find((p) => p !== replA), 3000, 'a second replacement');
    const forkedB = performance.now();
    await eventually(() => listening(replB, port), 15_000, 'the second replacement to bind');
    await new Promise((r) => setTimeout(r, 300));
    await load.stop();

    const s = load.samples;
    const failed = s.filter((x) => x.status !== 200);
    // A request can fail only if it was in flight while a worker died: started before we saw
    // it dead, ended after we sent the signal.
    const overlaps = (from: number, to: number) => (x: Sample) => x.start < to && x.end >= from;
    for (const f of failed) {
      assert.ok(overlaps(killA, deathA)(f) || overlaps(killB, deathB)(f), `a request that started on a new connection after the kill failed: ${JSON.stringify({ f, deathA, forkedA, deathB, forkedB, failed: failed.slice(0, 12) })}`);
    }
    assert.ok(failed.length <= 2 * CONCURRENCY, `at most one failure per connection per kill, saw ${failed.length}`);
    assert.ok(failed.every((f) => f.status === 0), `a dying worker cuts connections, it never answers an error status: ${JSON.stringify(failed)}`);
    const during = (from: number, to: number) => s.filter((x) => x.start > from && x.end < to && x.status === 200).length;
    assert.ok(during(deathA, boundA) > 0, 'service went on while the first one was down');
    assert.ok(during(deathB, forkedB) > 0, 'the replacement alone served while the second original was down');
    assert.ok(s.filter((x) => x.start > forkedB && x.status === 200).length > 20, 'service continues after both replacements');
    assert.deepEqual(children(sy.proc.pid!).sort(), [replA, replB].sort(), 'two workers again');
  });

  test('SIGTERM: new connections are refused at once, the in-flight request finishes with 200, idle keep-alive closes, exit 0 right after', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await get(`http://127.0.0.1:${port}/`, agent)).status, 200);
    const idle = Object.values(agent.freeSockets).flat()[0]!;
    const idleClosed = new Promise<number>((r) => idle.once('close', () => r(performance.now())));

    // On a keep-alive connection too: once answered, it must not hold the shutdown open.
    const busy = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const slow = get(`http://127.0.0.1:${port}/slow?ms=2500`, busy);
    await eventually(() => up.inFlight === 1, 3000, 'the slow request to reach the upstream');
    const sent = performance.now();
    sy.proc.kill('SIGTERM');
    await eventually(() => refused(port), 2000, 'new connections refused');
    assert.equal(up.inFlight, 1, 'refused while the slow request is still in flight');
    assert.ok((await idleClosed) - sent < 2000, 'the idle keep-alive connection was closed');

    const r = await slow;
    const answered = performance.now();
    assert.equal(r.status, 200);
    assert.equal(r.body, `slow from ${up.port}`);
    assert.equal(await sy.exited, 0);
    assert.ok(performance.now() - answered < 3000, `exited ${Math.round(performance.now() - answered)} ms after the last response, not at the end of the 30 s grace`);
    agent.destroy();
    busy.destroy();
  });
});

describe('switchyard proxy --grace bounds the shutdown', () => {
  test('a request longer than the grace period is cut when it ends, and the process still exits 0', async () => {
    const up = await startUpstream();
    const port = await freePort();
    const sy = await startProxy(proxyConfig(port, [up.dial]), ['--workers', '1', '--grace', '800']);
    try {
      const slow = get(`http://127.0.0.1:${port}/slow?ms=20000`).then((r) => `answered ${r.status}`, (e: Error) => e.message);
      await eventually(() => up.inFlight === 1, 3000, 'the slow request to reach the upstream');
      const t0 = performance.now();
      sy.proc.kill('SIGTERM');
      assert.match(await slow, /socket hang up|ECONNRESET/);
      const cut = performance.now() - t0;
      assert.ok(cut >= 700 && cut < 3000, `cut after the grace period (${Math.round(cut)} ms)`);
      assert.equal(await sy.exited, 0);
      assert.ok(performance.now() - t0 < 4000, 'exited soon after the grace period');
      await eventually(() => up.inFlight === 0, 2000, 'the upstream request to be cancelled');
    } finally {
      await sy.stop();
      await up.close();
    }
  });
});

describe('switchyard proxy whose supervisor is SIGKILLed', () => {
  test('the workers notice the lost IPC channel and exit: no orphan keeps the port', async () => {
    const up = await startUpstream();
    const port = await freePort();
    const sy = await startProxy(proxyConfig(port, [up.dial]), ['--workers', '2']);
    try {
      assert.equal((await get(`http://127.0.0.1:${port}/`)).status, 200);
      sy.proc.kill('SIGKILL');
      await eventually(() => sy.pids.every(dead), 10_000, 'both workers to exit');
      // Under load the kernel may take a moment to tear the last socket down after the exit.
      await eventually(() => refused(port), 5_000, 'the listen address to be released');
    } finally {
      await up.close();
    }
  });
});

describe('switchyard proxy --config that cannot start', () => {
  test('a busy listen address or an invalid document: exit 1 within seconds naming the cause, no restart loop', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as net.AddressInfo).port;
    const cases: Array<[unknown, RegExp]> = [
      [proxyConfig(port, ['127.0.0.1:9']), /PRX_ERR_LISTEN at \/apps\/http\/servers\/lb\/listen\/0: .*EADDRINUSE/],
      [{ apps: { http: { servers: { lb: { listen: ['127.0.0.1:0'], routes: [{ handle: [{ handler: 'nope' }] }] } } } } }, /CFG_ERR_UNKNOWN_HANDLER: \/apps\/http\/servers\/lb\/routes\/0\/handle\/0\/handler/],
    ];
    try {
      for (const [doc, cause] of cases) {
        const t0 = performance.now();
        const err = await startProxy(doc, ['--workers', '2']).then(
          async (sy) => {
            await sy.stop();
            return 'started';
          },
          (e: Error) => e.message,
        );
        assert.match(err, /exited with 1 before it was ready/);
        assert.match(err, cause);
        assert.match(err, /giving up/);
        assert.doesNotMatch(err, /restarting in/, 'no restart of a worker that never started');
        assert.ok(performance.now() - t0 < 15_000);
      }
    } finally {
      busy.close();
    }
  });
});
