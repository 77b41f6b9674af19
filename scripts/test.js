#!/usr/bin/env node
// Runs every compiled test file (`*.test.js` under each package's dist/ and tests/dist/) with
// node's built-in runner. Node 20's `--test` takes no globs, so the file list is made here.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const roots = ['libs', 'apps'].flatMap((d) =>
  fs.readdirSync(path.join(root, d)).map((p) => path.join(root, d, p, 'dist')));
roots.push(path.join(root, 'tests', 'dist'));

const filter = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.js') && (filter.length === 0 || filter.some((f) => p.includes(f)))) files.push(p);
  }
};
roots.forEach(walk);
files.sort();
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY || '2';
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
