import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { ADMIN_ERRORS, ERROR_CATALOGUE } from '@switchyard/shared';
import { ERRORS_DOC, renderCatalogue, spliceGenerated } from './errors-doc';

test('docs/errors.md lists every catalogue code with its status and meaning', () => {
  let doc = readFileSync(ERRORS_DOC, 'utf8');
  const want = spliceGenerated(doc, renderCatalogue(ERROR_CATALOGUE));
  if (process.env.UPDATE_ERRORS_DOC === '1' && want !== doc) writeFileSync(ERRORS_DOC, (doc = want));
  for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
    assert.ok(doc.includes(`| \`${code}\` | ${spec.status} |`), `docs/errors.md has no row for ${code} (status ${spec.status}): run the admin tests with UPDATE_ERRORS_DOC=1`);
  }
  assert.ok(doc === want, 'docs/errors.md is out of date with the catalogue: run the admin tests with UPDATE_ERRORS_DOC=1');
});

test('every admin code has a status in the 4xx/5xx range or is the 202 publish report', () => {
  for (const [code, spec] of Object.entries(ADMIN_ERRORS)) {
    assert.ok(spec.status === 202 || (spec.status >= 400 && spec.status < 600), code);
    assert.match(code, /^ADM_ERR_[A-Z_]+$/);
  }
});
