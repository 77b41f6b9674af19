import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { diff } from './diff';
import { applyPatch } from './patch';

// Compiled to libs/shared/dist/protocol/, so two levels up is the package root.
const DIR = path.join(__dirname, '../../testdata/diff');
// UPDATE_GOLDEN=1 rewrites NAME.patch.json from the current diff; review the git diff after.
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const read = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));

const names = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.prev.json'))
  .map((f) => f.slice(0, -'.prev.json'.length))
  .sort();

describe('diff golden files (testdata/diff/NAME.{prev,next,patch}.json)', () => {
  test('the golden set is present', () => {
    assert.ok(names.length >= 8, `found ${names.length} cases in ${DIR}`);
  });

  for (const name of names) {
    test(name, () => {
      const prev = read(`${name}.prev.json`);
      const next = read(`${name}.next.json`);
      const patch = diff(prev, next);
      const patchFile = path.join(DIR, `${name}.patch.json`);
      if (UPDATE) fs.writeFileSync(patchFile, JSON.stringify(patch, null, 2) + '\n');
      const golden = read(`${name}.patch.json`);
      assert.deepEqual(patch, golden, 'diff(prev, next) equals the golden patch');
      assert.deepEqual(applyPatch(prev, golden as typeof patch), next, 'the golden patch turns prev into next');
    });
  }
});
