#!/usr/bin/env node
// Regenerates caddyfile/NAME.json (and NAME.warnings.json) from the real `caddy adapt`
// (Caddy 2.6.2: `apt-get install caddy`). Files named NAME.v27.Caddyfile are skipped: 2.6.2
// rejects them and their goldens are written by hand. Runs with an empty environment so
// `{$VAR:default}` placeholders take their defaults, as the tests do.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const dir = path.join(__dirname, 'caddyfile');
for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.Caddyfile') && !f.endsWith('.v27.Caddyfile'))) {
  const base = name.slice(0, -'.Caddyfile'.length);
  const run = spawnSync('caddy', ['adapt', '--config', name, '--adapter', 'caddyfile', '--pretty'], {
    cwd: dir, env: { PATH: process.env.PATH, HOME: '/tmp' }, encoding: 'utf8',
  });
  const { stdout, stderr } = run;
  if (run.status !== 0) {
    console.error(`${name}: caddy adapt failed: ${String(stderr).trim()}`);
    process.exitCode = 1;
    continue;
  }
  fs.writeFileSync(path.join(dir, `${base}.json`), JSON.stringify(JSON.parse(stdout), null, 2) + '\n');
  const warnings = adapterWarnings(stderr);
  const wpath = path.join(dir, `${base}.warnings.json`);
  if (warnings.length > 0) fs.writeFileSync(wpath, JSON.stringify(warnings, null, 2) + '\n');
  else if (fs.existsSync(wpath)) fs.unlinkSync(wpath);
  console.log(`${name}: ok${warnings.length ? ` (${warnings.length} warning)` : ''}`);
}

// Adapter warnings are the "caddyfile" log lines that carry file and line fields.
function adapterWarnings(stderr) {
  return stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
    .filter((o) => o.logger === 'caddyfile' && 'file' in o && 'line' in o)
    .map((o) => ({ file: o.file, line: o.line, message: o.msg }));
}
