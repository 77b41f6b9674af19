import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, startSwitchyard, tempDir, type Running } from '../helpers/switchyard';

function cli(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let admin: Running | undefined;
after(async () => {
  await admin?.stop();
});

test('switchyard reload posts a file to /load; unchanged is a no-op unless --force; bad input exits 1 naming the path', async () => {
  admin = await startSwitchyard(['admin', '--admin', '127.0.0.1:0']);
  const dir = tempDir();
  const file = path.join(dir, 'c.json');
  fs.writeFileSync(file, JSON.stringify({ apps: { http: { servers: { lb: { listen: ['127.0.0.1:1'], routes: [{ handle: [{ handler: 'static_response', body: 'hi' }] }] } } } } }));
  const env = { SWITCHYARD_ADMIN: admin.url };
  let r = cli(['reload', '--config', file], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /revision 1/);
  r = cli(['reload', '--config', file], env);
  assert.equal(r.status, 0, r.stderr);
  const revs = (await (await fetch(`${admin.url}/revisions`)).json()) as { current: number };
  assert.equal(revs.current, 1, 'an unchanged config makes no revision');
  r = cli(['reload', '--config', file, '--force'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /revision 2/);

  fs.writeFileSync(file, JSON.stringify({ apps: { http: { servers: { lb: { listen: ['127.0.0.1:1'], bogus: true } } } } }));
  r = cli(['reload', '--config', file], env);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /\/apps\/http\/servers\/lb\/bogus/);
  assert.match(r.stderr, /CFG_ERR_UNKNOWN_FIELD/);
});

test('switchyard adapt prints the JSON of a Caddyfile; import nginx prints a config with a warning per dropped directive', () => {
  const caddyfile = path.join(ROOT, 'libs/adapt/testdata/caddyfile/seed000_round_robin.Caddyfile');
  let r = cli(['adapt', '--config', caddyfile]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), JSON.parse(fs.readFileSync(caddyfile.replace(/\.Caddyfile$/, '.json'), 'utf8')));

  const conf = path.join(tempDir(), 'nginx.conf');
  fs.writeFileSync(conf, 'http {\n  upstream app { least_conn; server 127.0.0.1:9001 weight=2; server 127.0.0.1:9002 backup; }\n  server { listen 127.0.0.1:8080; gzip on; location / { proxy_pass http://app; } }\n}\n');
  r = cli(['import', 'nginx', conf]);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as any;
  const handler = JSON.stringify(doc);
  assert.match(handler, /"policy":"least_conn"/);
  assert.match(handler, /"backup":true/);
  assert.match(r.stderr, /gzip/);

  r = cli(['nonsense']);
  assert.equal(r.status, 2);
});
