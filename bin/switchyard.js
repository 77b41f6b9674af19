#!/usr/bin/env node
'use strict';
// The `switchyard` command. The TypeScript sources are compiled by `npm run build`
// (npm start and npm test run it first).
let cli;
try {
  cli = require('../apps/cli/dist/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND') {
    process.stderr.write('switchyard is not built yet: run `npm run build` first\n');
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2)).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
