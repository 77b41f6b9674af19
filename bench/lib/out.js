'use strict';
/**
 * Where a scenario leaves its figures: printed for humans, and, when BENCH_OUT names a
 * directory (run.sh sets it), also written as BENCH_OUT/<name>.json for report.js.
 */
const fs = require('node:fs');
const path = require('node:path');

function record(name, data) {
  const dir = process.env.BENCH_OUT;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(data, null, 2) + '\n');
}

/** Parse `--name value` / `--flag` arguments into an object; numbers stay strings. */
function args(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const key = a.slice(2);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out[key] = true;
    else {
      out[key] = next;
      i++;
    }
  }
  return out;
}

/** A number argument with a default. */
function num(a, key, dflt) {
  return a[key] === undefined ? dflt : Number(a[key]);
}

module.exports = { record, args, num };
