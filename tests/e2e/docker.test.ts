import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { parse } from 'yaml';
import { BIN, ROOT, eventually, startSwitchyard, tempDir, type Running } from '../helpers/switchyard';
import { freePort } from '../helpers/upstreams';

// There is no Docker engine here, so this checks what can be checked without one: compose.yaml
// is valid YAML with the services the demo needs, every build context and Dockerfile exists,
// the Dockerfile has the promised shape, every command names a real CLI command and flags, and
// the containers' commands run locally as compose would run them (admin + proxy + backends +
// the config loader), serving traffic through the proxy to the three demo backends.
//
// compose.yaml is parsed with the `yaml` package (a full YAML 1.2 parser, installed through
// @fastify/swagger); when a docker compose CLI is present it also runs `compose config`.

const DOCKER = path.join(ROOT, 'docker');
const TOKEN = 'compose-test-token-0123456789';

interface Service {
  build?: { context: string; dockerfile: string };
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const composeText = fs.readFileSync(path.join(DOCKER, 'compose.yaml'), 'utf8');
const compose = parse(composeText, { uniqueKeys: true, prettyErrors: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
const services = Object.entries(compose.services);
const dockerfile = fs.readFileSync(path.join(DOCKER, 'Dockerfile'), 'utf8');

/** Services running the image's entrypoint (switchyard) vs. a replaced one (demo backends). */
const cliServices = services.filter(([, s]) => !s.entrypoint);
const backends = services.filter(([, s]) => s.entrypoint?.includes('docker/demo-backend.js'));
const byCommand = (cmd: string) => cliServices.filter(([, s]) => s.command?.[0] === cmd);

/** The compose environment with ${SWITCHYARD_TOKEN...} interpolated to the test token. */
function envOf(s: Service): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.environment ?? {})) out[k] = String(v).replace(/\$\{SWITCHYARD_TOKEN[^}]*\}/g, TOKEN);
  return out;
}

function composeCli(): string[] | undefined {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  return undefined;
}

describe('docker/compose.yaml', () => {
  test('runs an admin, two proxy nodes fed by it and three demo backends', () => {
    assert.equal(byCommand('admin').length, 1);
    const proxies = byCommand('proxy');
    assert.equal(proxies.length, 2);
    for (const [, p] of proxies) {
      const i = p.command!.indexOf('--admin');
      assert.ok(i > 0, 'proxy nodes are fed by the admin');
      assert.equal(p.command![i + 1], `http://${byCommand('admin')[0]![0]}:2019`);
      assert.equal(p.depends_on?.[byCommand('admin')[0]![0]]?.condition, 'service_healthy');
    }
    assert.equal(backends.length, 3);
    const dials = JSON.stringify(JSON.parse(fs.readFileSync(path.join(DOCKER, 'demo-config.json'), 'utf8')));
    for (const [name] of backends) assert.ok(dials.includes(`"${name}:9000"`), `demo config proxies to ${name}`);
  });

  test('the admin on a non-loopback address gets a token, and the proxies present the same one', () => {
    const [, admin] = byCommand('admin')[0]!;
    assert.match(admin.command!.join(' '), /--admin 0\.0\.0\.0:2019/);
    assert.match(admin.environment!['SWITCHYARD_ADMIN_TOKEN']!, /^\$\{SWITCHYARD_TOKEN:\?/, 'required, no default token');
    for (const [, p] of byCommand('proxy')) assert.equal(p.environment!['SWITCHYARD_PROXY_TOKEN'], admin.environment!['SWITCHYARD_ADMIN_TOKEN']);
    assert.ok(admin.ports!.every((p) => p.startsWith('127.0.0.1:')), 'admin port published on loopback only');
  });

  test('every service builds from an existing context and Dockerfile', () => {
    for (const [name, s] of services) {
      assert.ok(s.build, `${name} has a build section`);
      const context = path.resolve(DOCKER, s.build.context);
      assert.ok(fs.statSync(context).isDirectory(), `${name}: context ${context}`);
      assert.ok(fs.existsSync(path.join(context, 'package-lock.json')), `${name}: context is the workspace root`);
      assert.ok(fs.statSync(path.resolve(context, s.build.dockerfile)).isFile(), `${name}: ${s.build.dockerfile}`);
    }
  });

  test('validates with the docker compose CLI when one is installed', { skip: composeCli() === undefined && 'no docker compose CLI here' }, () => {
    const cli = composeCli()!;
    const file = path.join(DOCKER, 'compose.yaml');
    const env = { ...process.env, SWITCHYARD_TOKEN: TOKEN };
    execFileSync(cli[0]!, [...cli.slice(1), '-f', file, 'config', '-q'], { env, stdio: 'pipe' });
    const { SWITCHYARD_TOKEN: _omit, ...noToken } = env;
    const r = spawnSync(cli[0]!, [...cli.slice(1), '-f', file, 'config', '-q'], { env: noToken, encoding: 'utf8' });
    assert.notEqual(r.status, 0, 'refuses to run without SWITCHYARD_TOKEN');
    assert.match(r.stderr, /SWITCHYARD_TOKEN/);
  });
});

describe('docker/Dockerfile', () => {
  const stages = dockerfile.split('\n').filter((l) => /^FROM\s/i.test(l));

  test('is multi-stage and runs as a non-root user on node:20-slim', () => {
    assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
    assert.match(stages.at(-1)!, /^FROM node:20-slim\s*$/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const user = [...runtime.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    assert.ok(user && user !== 'root' && user !== '0', `USER ${user}`);
    assert.match(runtime, /^ENTRYPOINT \["node", "bin\/switchyard\.js"\]$/m);
    assert.match(runtime, /^CMD \["run"\]$/m);
    assert.doesNotMatch(runtime, /npm (ci|install)(?! --omit=dev)/, 'no dev dependencies in the runtime stage');
  });

  test('builds, then keeps production dependencies only', () => {
    assert.match(dockerfile, /npm ci\b/);
    assert.match(dockerfile, /npm run build\b/);
    assert.match(dockerfile, /npm (prune|ci) --omit=dev\b/);
  });

  test('copies only paths that exist in the repository or are built', () => {
    const built = new Set(['node_modules']);
    const ignore = fs.readFileSync(path.join(DOCKER, 'Dockerfile.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const m of dockerfile.matchAll(/^COPY --from=\S+ (.+) \S+$/gm)) {
      for (const src of m[1]!.split(/\s+/)) {
        const rel = src.replace(/^\/src\//, '');
        if (built.has(rel)) continue;
        assert.ok(fs.existsSync(path.join(ROOT, rel)), `COPY source ${rel} exists`);
        const top = rel.split('/')[0]!;
        assert.ok(!ignore.some((p) => p.replace(/^\//, '') === top || p === rel), `${rel} is not excluded from the build context`);
      }
    }
    assert.ok(fs.existsSync(path.join(ROOT, 'bin', 'switchyard.js')));
  });
});

describe('the containers\' commands, run locally', () => {
  const usage = execFileSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });

  test('every command is a switchyard command and every flag belongs to it', () => {
    const envLine = usage.split('\n').find((l) => l.startsWith('Environment:')) ?? '';
    for (const [name, s] of cliServices) {
      const [cmd, ...rest] = s.command!;
      const lines = usage.split('\n').filter((l) => new RegExp(`^\\s+switchyard ${cmd}\\s`).test(l));
      assert.ok(lines.length > 0, `${name}: "switchyard ${cmd}" is a command`);
      for (const flag of rest.filter((a) => a.startsWith('--'))) assert.ok(lines.some((l) => l.includes(`${flag} `) || l.includes(`${flag}]`)), `${name}: ${cmd} takes ${flag}`);
      for (const k of Object.keys(s.environment ?? {})) assert.ok(envLine.includes(k), `${name}: ${k} is read by switchyard`);
      assert.equal(spawnSync(process.execPath, [BIN, cmd!, '--help']).status, 0);
    }
    for (const [name, s] of backends) assert.ok(fs.existsSync(path.join(ROOT, s.entrypoint![1]!)), `${name}: ${s.entrypoint![1]}`);
  });

  const running: Running[] = [];
  const children: import('node:child_process').ChildProcess[] = [];
  const backendPorts = new Map<string, number>();
  let admin: Running;
  let dataDir: string;

  /** A compose command with the container-only values swapped for local ones. */
  function localize(cmd: readonly string[]): string[] {
    return cmd.map((a) => (a === '0.0.0.0:2019' ? '127.0.0.1:0' : a === '/data' ? dataDir : a.startsWith('http://admin:') ? admin.url : a));
  }

  before(async () => {
    dataDir = tempDir('switchyard-compose-');
    for (const [name, s] of backends) {
      const child = spawn(s.entrypoint![0] === 'node' ? process.execPath : s.entrypoint![0]!, s.entrypoint!.slice(1), {
        cwd: ROOT, env: { ...process.env, ...envOf(s), PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      const line = await new Promise<string>((resolve) => readline.createInterface({ input: child.stdout! }).once('line', resolve));
      const ev = JSON.parse(line) as { backend: string; port: number };
      assert.equal(ev.backend, name);
      backendPorts.set(name, ev.port);
    }
    const [, a] = byCommand('admin')[0]!;
    admin = await startSwitchyard(localize(a.command!), { env: envOf(a), dataDir, waitWorkers: false });
    running.push(admin);
  });

  after(async () => {
    await Promise.all(running.map((r) => r.stop()));
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('the admin serves with the token and refuses without it; its healthcheck passes', async () => {
    assert.equal((await get(`${admin.url}/config/`)).status, 200);
    assert.equal((await request(`${admin.url}/config/`, 'GET', undefined, false)).status, 401);
    const [, a] = byCommand('admin')[0]!;
    const check = a.healthcheck!.test;
    assert.equal(check[0], 'CMD');
    const port = new URL(admin.url).port;
    const script = check.slice(1).map((x) => x.replace('port: 2019', `port: ${port}`));
    assert.notDeepEqual(script, check.slice(1), 'the healthcheck targets port 2019');
    assert.equal(spawnSync(process.execPath, script.slice(1), { env: { ...process.env, ...envOf(a) } }).status, 0, 'healthy with the token');
    assert.notEqual(spawnSync(process.execPath, script.slice(1), { env: { ...process.env, SWITCHYARD_ADMIN_TOKEN: 'wrong' } }).status, 0);
  });

  test('the admin command refuses a non-loopback address without a token', () => {
    const [, a] = byCommand('admin')[0]!;
    const cmd = a.command!.map((x) => (x === '0.0.0.0:2019' ? '0.0.0.0:0' : x === '/data' ? dataDir : x));
    const env = { ...process.env };
    delete env['SWITCHYARD_ADMIN_TOKEN'];
    const r = spawnSync(process.execPath, [BIN, ...cmd], { env, encoding: 'utf8', timeout: 20_000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /token/i);
  });

  // The compose file's one-shot `config` service: `switchyard reload` against the admin (the CLI
  // names the admin as its Origin, as Caddy's does).
  test('the config service loads docker/demo-config.json into the admin', async () => {
    const [, c] = byCommand('reload')[0]!;
    const r = spawnSync(process.execPath, [BIN, ...localize(c.command!)], { cwd: ROOT, env: { ...process.env, ...envOf(c) }, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse((await get(`${admin.url}/config/`)).body) as { apps: { http: { servers: Record<string, unknown> } } };
    assert.ok(doc.apps.http.servers['lb']);
  });

  test('a proxy node started as compose starts it serves the demo config across the three backends', async () => {
    // Both proxy nodes run the same command; on one host they would bind the same port, so one runs here.
    const [, p] = byCommand('proxy')[0]!;
    const proxy = await startSwitchyard(localize(p.command!), { env: { ...envOf(p), SWITCHYARD_DATA: dataDir } });
    running.push(proxy);
    const port = await freePort();
    const demo = fs.readFileSync(path.join(DOCKER, 'demo-config.json'), 'utf8')
      .replace(/"(backend\d):9000"/g, (_, name: string) => `"127.0.0.1:${backendPorts.get(name)}"`)
      .replace('":8080"', `"127.0.0.1:${port}"`);
    const loaded = await post(`${admin.url}/load`, demo);
    assert.equal(loaded.status, 200, loaded.body);
    const seen = await eventually(async () => {
      const names: string[] = [];
      for (let i = 0; i < 6; i++) names.push((JSON.parse((await get(`http://127.0.0.1:${port}/hello`)).body) as { backend: string }).backend);
      return names;
    }, 15_000, 'the proxy to serve the demo config');
    assert.deepEqual([...new Set(seen)].sort(), backends.map(([n]) => n).sort(), `round robin reaches every backend: ${seen.join(',')}`);
  });
});

/** node:http (not fetch: fetch adds Sec-Fetch-Mode, which the admin treats as a browser). */
function post(url: string, body: string): Promise<{ status: number; body: string }> {
  return request(url, 'POST', body);
}

function get(url: string): Promise<{ status: number; body: string }> {
  return request(url, 'GET');
}

function request(url: string, method: string, body?: string, auth = true): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (auth) headers['authorization'] = `Bearer ${TOKEN}`;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}
