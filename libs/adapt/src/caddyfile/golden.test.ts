import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adaptCaddyfile } from './adapt';

const DIR = join(__dirname, '..', '..', 'testdata', 'caddyfile');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.Caddyfile')).sort();
// NAME.v27.Caddyfile: syntax Caddy 2.6.2 rejects; the golden holds the documented >= 2.7 shape
const isV27 = (f: string): boolean => f.endsWith('.v27.Caddyfile');

/**
 * Caddy 2.6.2 builds `skip_hosts` from a Go map, so its order varies from run to run;
 * compare it as a set.
 */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = k === 'skip_hosts' && Array.isArray(x) ? [...x].sort() : normalize(x);
  return out;
}

function golden(name: string): { result: unknown; warnings: unknown } {
  const base = name.slice(0, -'.Caddyfile'.length);
  const wpath = join(DIR, `${base}.warnings.json`);
  return {
    result: JSON.parse(readFileSync(join(DIR, `${base}.json`), 'utf8')),
    warnings: existsSync(wpath) ? JSON.parse(readFileSync(wpath, 'utf8')) : [],
  };
}

describe('adaptCaddyfile matches the committed caddy adapt output', () => {
  assert.ok(FILES.length >= 15, 'testdata present');
  for (const name of FILES) {
    test(name, () => {
      const got = adaptCaddyfile(readFileSync(join(DIR, name), 'utf8'), name, { env: {} });
      const want = golden(name);
      assert.deepEqual(normalize(got.result), normalize(want.result));
      assert.deepEqual(got.warnings, want.warnings);
    });
  }
});

const hasCaddy = spawnSync('caddy', ['version'], { encoding: 'utf8' }).status === 0;

describe('adaptCaddyfile matches a live caddy adapt (when caddy is installed)', () => {
  for (const name of FILES) {
    test(name, (t) => {
      if (!hasCaddy) {
        t.skip('caddy not on PATH');
        return;
      }
      const run = spawnSync('caddy', ['adapt', '--config', name, '--adapter', 'caddyfile'], {
        cwd: DIR, env: { PATH: process.env.PATH ?? '', HOME: '/tmp' }, encoding: 'utf8',
      });
      if (isV27(name)) {
        // the deliberate deviation: these policies are not registered in 2.6.2
        assert.notEqual(run.status, 0);
        assert.match(run.stderr, /module not registered: http\.reverse_proxy\.selection_policies\./);
        return;
      }
      assert.equal(run.status, 0, run.stderr);
      const got = adaptCaddyfile(readFileSync(join(DIR, name), 'utf8'), name, { env: {} });
      assert.deepEqual(normalize(got.result), normalize(JSON.parse(run.stdout)));
      const liveWarnings = run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((o) => o.logger === 'caddyfile' && 'file' in o && 'line' in o)
        .map((o) => ({ file: o.file, line: o.line, message: o.msg }));
      assert.deepEqual(got.warnings, liveWarnings);
    });
  }
});
