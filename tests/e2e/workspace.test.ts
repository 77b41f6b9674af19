import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/** Every TypeScript source file under `dir` (tests included). */
function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** The @switchyard/* packages a package's sources import. */
function internalImports(pkgDir: string): Set<string> {
  const found = new Set<string>();
  for (const f of sources(path.join(ROOT, pkgDir, 'src'))) {
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/from '(@switchyard\/[a-z]+)'|import\('(@switchyard\/[a-z]+)'\)/g)) found.add(m[1] ?? m[2]!);
  }
  return found;
}

test('dependencies point one way: libs/shared depends on nothing internal, libs never on apps, apps only on what they declare', () => {
  const allowed: Record<string, string[]> = {
    'libs/shared': [],
    'libs/adapt': [],
    'apps/proxy': ['@switchyard/shared'],
    'apps/admin': ['@switchyard/shared', '@switchyard/adapt'],
    'apps/cli': ['@switchyard/shared', '@switchyard/adapt', '@switchyard/admin', '@switchyard/proxy'],
  };
  for (const [dir, ok] of Object.entries(allowed)) {
    const used = [...internalImports(dir)];
    for (const u of used) assert.ok(ok.includes(u), `${dir} imports ${u}, which it may not`);
    const declared = Object.keys((JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});
    for (const u of used) assert.ok(declared.includes(u), `${dir} imports ${u} without declaring it`);
  }
  // No relative import reaches into another package's folder.
  for (const dir of Object.keys(allowed)) {
    for (const f of sources(path.join(ROOT, dir, 'src'))) {
      const text = fs.readFileSync(f, 'utf8');
      for (const m of text.matchAll(/from '(\.\.\/[^']+)'/g)) {
        const target = path.resolve(path.dirname(f), m[1]!);
        assert.ok(target.startsWith(path.join(ROOT, dir, 'src')), `${path.relative(ROOT, f)} reaches outside its package: ${m[1]}`);
      }
    }
  }
});

test('the README opens with the two set-up commands and .ci/run runs the README test command', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!.trim().split('\n');
  assert.deepEqual(firstBlock, ['npm install && npm start', 'npm test']);
  const ci = fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
  assert.match(ci, /^npm ci\b/m);
  assert.match(ci, /^npm test$/m);
});
