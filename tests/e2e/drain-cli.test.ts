import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { BIN, load, proxyConfig, startSwitchyard, type Running } from '../helpers/switchyard-all';

const A = '127.0.0.1:19301';
const B = '127.0.0.1:19302';
const C = '127.0.0.1:19303';

/** Runs `switchyard ...args` against the admin; resolves with exit code and output. */
function cli(admin: string, ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const p = spawn(process.execPath, [BIN, ...args, '--admin', admin], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => p.once('close', (code) => resolve({ code, out, err })));
}

describe('switchyard upstreams | pools | drain | undrain | weight | add | remove', () => {
  let admin: Running;
  before(async () => {
    admin = await startSwitchyard(['admin', '--admin', '127.0.0.1:0']);
    const r = await load(admin.url, proxyConfig(18099, [A, B]));
    assert.equal(r.status, 200, r.body);
  });
  after(async () => {
    await admin?.stop();
  });

  test('human output by default, the JSON with --json, exit 0 when done', async () => {
    const add = await cli(admin.url, 'add', 'pool', C, '--weight', '0');
    assert.equal(add.code, 0, add.err);
    assert.match(add.out, new RegExp(`^${C} added to pool pool with weight 0 \\(revision \\d+\\)\n$`));
    const weight = await cli(admin.url, 'weight', 'pool', C, '5', '--json');
    assert.equal(weight.code, 0, weight.err);
    assert.equal(JSON.parse(weight.out).upstream.weight, 5);

    const list = await cli(admin.url, 'upstreams');
    assert.equal(list.code, 0);
    assert.match(list.out, /^ADDRESS\s+STATE\s+WEIGHT\s+HEALTHY\s+IN-FLIGHT\s+WEBSOCKETS\s+FAILS\s+POOLS\n/);
    assert.match(list.out, new RegExp(`${C.replace(/\./g, '\\.')}\\s+active\\s+5\\s+yes\\s+0\\s+0\\s+0\\s+pool`));
    const pools = await cli(admin.url, 'pools', '--json');
    assert.deepEqual(JSON.parse(pools.out)[0].upstreams.map((u: { address: string }) => u.address), [A, B, C]);

    const drain = await cli(admin.url, 'drain', A, '--wait', '5s');
    assert.equal(drain.code, 0, drain.err);
    assert.match(drain.out, new RegExp(`^${A.replace(/\./g, '\\.')} drained in \\d+\\.\\ds \\(job \\d+, pool pool\\)\n$`));
    const undrain = await cli(admin.url, 'undrain', A);
    assert.equal(undrain.code, 0, undrain.err);
    assert.match(undrain.out, /is back in service in pool/);

    const remove = await cli(admin.url, 'remove', 'pool', C, '--drain', '--wait', '5s', '--json');
    assert.equal(remove.code, 0, remove.err);
    const body = JSON.parse(remove.out);
    assert.deepEqual([body.removed, body.job.state], [true, 'drained']);
    const cfg = await (await fetch(`${admin.url}/id/pool/upstreams`)).json();
    assert.deepEqual(cfg, [{ dial: A }, { dial: B }]);
  });

  test('non-zero exit codes: 1 when the admin refuses, 2 for bad usage', async () => {
    const unknown = await cli(admin.url, 'weight', 'nope', A, '3');
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /HTTP 404: unknown pool 'nope' \(ADM_ERR_POOL_NOT_FOUND\)/);
    await cli(admin.url, 'drain', A, '--wait', '5s');
    const last = await cli(admin.url, 'drain', B);
    assert.equal(last.code, 1);
    assert.match(last.err, /ADM_ERR_LAST_UPSTREAM/);
    const usage = await cli(admin.url, 'weight', 'pool', A);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /usage: switchyard weight POOL ADDRESS N/);
    assert.equal((await cli(admin.url, 'weight', 'pool', A, 'heavy')).code, 2);
    assert.equal((await cli(admin.url, 'undrain', A)).code, 0);
  });
});
