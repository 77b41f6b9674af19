import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { validateConfig } from '@switchyard/shared';

const ROOT = path.resolve(__dirname, '../../..');
const CADDY = path.join(ROOT, 'libs/adapt/testdata/caddyfile');
const NGINX = path.join(ROOT, 'libs/adapt/testdata/nginx');

/**
 * Caddy features the adapter can express but Switchyard does not implement: the load is refused
 * with the path of the first such field (never silently ignored).
 */
const REFUSED: Record<string, { path: string; code: string }> = {
  'lb_policies.json': { path: '/apps/http/servers/srv0/routes/13/handle/0/transport/tls', code: 'CFG_ERR_UNKNOWN_FIELD' },
  'logs.json': { path: '/logging/logs/log0/writer/roll_gzip', code: 'CFG_ERR_UNKNOWN_FIELD' },
  'reverse_proxy_all.json': { path: '/apps/http/servers/srv0/routes/0/handle/0/transport/dial_fallback_delay', code: 'CFG_ERR_UNKNOWN_FIELD' },
};

test('every Caddyfile the adapter handles yields a config Switchyard loads, or a refusal naming the unsupported field', () => {
  const files = fs.readdirSync(CADDY).filter((f) => f.endsWith('.json') && !f.endsWith('.warnings.json'));
  assert.ok(files.length >= 10);
  for (const f of files) {
    const r = validateConfig(JSON.parse(fs.readFileSync(path.join(CADDY, f), 'utf8')));
    const refused = REFUSED[f];
    if (refused) {
      assert.equal(r.ok, false, `${f} should be refused`);
      if (!r.ok) assert.deepEqual({ path: r.issues[0]!.path, code: r.issues[0]!.code }, refused, f);
    } else {
      assert.ok(r.ok, `${f}: ${JSON.stringify(!r.ok && r.issues)}`);
    }
  }
});

test('the nginx imports of the seeds load', () => {
  const files = fs.readdirSync(NGINX).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const doc = JSON.parse(fs.readFileSync(path.join(NGINX, f), 'utf8')) as { result?: unknown };
    const r = validateConfig(doc.result ?? doc);
    assert.ok(r.ok, `${f}: ${JSON.stringify(!r.ok && r.issues)}`);
  }
});
