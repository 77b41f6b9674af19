import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startLoad } from '../helpers/load';
import { freePort, ROOT, startSwitchyard, startUpstreams, type Running, type Upstream } from '../helpers/switchyard-all';
import { loadApplied } from './drain-support';

const SCRIPT = path.join(ROOT, 'examples', 'blue-green.sh');

interface ScriptRun {
  code: number | null;
  lines: string[];
  stderr: string;
}

/** Runs the script; `onLine` sees each stdout line as it is printed. */
function runScript(args: string[], onLine: (line: string) => void = () => undefined): Promise<ScriptRun> {
  const p = spawn('bash', [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  p.stderr.on('data', (d) => (stderr += d));
  createInterface({ input: p.stdout }).on('line', (l) => {
    lines.push(l);
    onLine(l);
  });
  return new Promise((resolve) => p.once('close', (code) => resolve({ code, lines, stderr })));
}

/** One pool `app`: weighted round robin over `dials`, active health checks every 200 ms. */
function config(port: number, dials: string[]) {
  return {
    apps: { http: { servers: { lb: {
      listen: [`127.0.0.1:${port}`],
      routes: [{ handle: [{
        '@id': 'app', handler: 'reverse_proxy', upstreams: dials.map((dial) => ({ dial })),
        load_balancing: { selection_policy: { policy: 'weighted_round_robin' } },
        // Two failed probes in a row flip a host: one probe slowed by a busy machine must not.
        health_checks: { active: { uri: '/health', interval: '200ms', timeout: '1s', fails: 2 } },
      }] }],
    } } } },
  };
}

const served = (u: Upstream) => u.hits.filter((p) => p === '/').length;

describe('examples/blue-green.sh against real processes under load', () => {
  let sy: Running;
  let ups: Upstream[] = [];
  before(async () => {
    sy = await startSwitchyard(['run', '--admin', '127.0.0.1:0', '--workers', '2']);
  });
  after(async () => {
    await sy?.stop();
    await Promise.all(ups.map((u) => u.close()));
  });

  async function setup() {
    const fleet = await startUpstreams(4);
    ups.push(...fleet);
    const [b1, b2, g1, g2] = fleet as [Upstream, Upstream, Upstream, Upstream];
    const port = await freePort();
    await loadApplied(sy.url, config(port, [b1.dial, b2.dial]));
    const args = ['--admin', sy.url, '--pool', 'app', '--blue', `${b1.dial} ${b2.dial}`, '--green', `${g1.dial} ${g2.dial}`, '--settle', '1', '--pause', '1', '--drain-wait', '20s'];
    return { b1, b2, g1, g2, port, args };
  }

  test('shifts all traffic to green with zero failed requests; blue gets nothing once its drain begins', async () => {
    const { b1, b2, g1, g2, port, args } = await setup();
    const client = startLoad(`http://127.0.0.1:${port}`, { connections: 8 });
    await new Promise((r) => setTimeout(r, 300));
    let blueAtDrain: number | undefined;
    const run = await runScript(args, (l) => {
      if (blueAtDrain === undefined && l.startsWith('draining blue')) blueAtDrain = served(b1) + served(b2);
    });
    await new Promise((r) => setTimeout(r, 300));
    const blueAtEnd = served(b1) + served(b2);
    const result = await client.stop();

    if (process.env.SWITCHYARD_TEST_VERBOSE) process.stderr.write(run.lines.join("\n") + "\n");
    assert.equal(run.code, 0, `script failed:\n${run.lines.join('\n')}\n${run.stderr}`);
    assert.equal(result.non200 + result.errors, 0, `failed requests: ${JSON.stringify(result)}`);
    assert.ok(result.requests > 500, `the client kept sending (${result.requests} requests)`);
    assert.ok(blueAtDrain !== undefined && blueAtDrain > 0, 'blue served before its drain');
    assert.equal(blueAtEnd, blueAtDrain, 'blue received nothing after its drain began');
    const greenAfter = served(g1) + served(g2);
    assert.ok(greenAfter > 0);

    // Every step says what it did and how long it took.
    for (const what of ['added green', 'green healthy', 'shifted 10%', 'shifted 50%', 'shifted 100%', 'drained', 'removed blue', 'green is live']) {
      assert.ok(run.lines.some((l) => l.includes(what) && /\(\d+ ms\)$/.test(l)), `a timed line for "${what}":\n${run.lines.join('\n')}`);
    }
    const pool = (await (await fetch(`${sy.url}/pools/app`)).json()) as { upstreams: Array<{ address: string; weight: number; state: string }> };
    assert.deepEqual(pool.upstreams.map((u: { address: string }) => u.address), [g1.dial, g2.dial]);
    assert.deepEqual(pool.upstreams.map((u: { weight: number }) => u.weight), [100, 100]);
  });

  test('rolls back when green turns unhealthy during the shift', async () => {
    const { b1, b2, g1, port, args } = await setup();
    const client = startLoad(`http://127.0.0.1:${port}`, { connections: 8 });
    const run = await runScript(args, (l) => {
      if (l.includes('shifted 10%')) g1.healthStatus = 500;
    });
    const blueBefore = served(b1) + served(b2);
    await new Promise((r) => setTimeout(r, 500));
    const result = await client.stop();

    assert.equal(run.code, 3, `expected the rollback exit code:\n${run.lines.join('\n')}\n${run.stderr}`);
    assert.match(run.stderr, new RegExp(`rolling back: green ${g1.dial.replace(/\./g, '\\.')} turned unhealthy at 10%`));
    assert.ok(!run.lines.some((l) => l.includes('shifted 50%')), 'the shift stopped');
    assert.ok(run.lines.some((l) => l.includes('rolled back')));
    assert.equal(result.non200 + result.errors, 0, `failed requests: ${JSON.stringify(result)}`);
    assert.ok(served(b1) + served(b2) > blueBefore, 'blue serves again after the rollback');
    const pool = (await (await fetch(`${sy.url}/pools/app`)).json()) as { upstreams: Array<{ address: string; weight: number; state: string }> };
    assert.deepEqual(pool.upstreams.map((u: { address: string }) => u.address), [b1.dial, b2.dial], 'green removed');
    assert.deepEqual(pool.upstreams.map((u: { weight: number; state: string }) => [u.weight, u.state]), [[1, 'active'], [1, 'active']], 'blue weights restored');
  });
});
