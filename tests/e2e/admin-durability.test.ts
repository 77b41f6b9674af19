import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJSON } from '@switchyard/shared';
import { caddyReverseProxy, request, startAdminProcess, scratchDir, type HttpResponse } from '../helpers';

const JSON_CT = { 'content-type': 'application/json' };

describe('durability of the admin store', () => {
  test('kill -9 during a burst of concurrent writes loses no change that was answered 200', async () => {
    const data = scratchDir();
    const admin = await startAdminProcess({ dataDir: data.dir });
    try {
      assert.equal((await request(admin.url + '/load', { method: 'POST', headers: JSON_CT, body: JSON.stringify(caddyReverseProxy()) })).status, 200);

      // 300 writes, each adding a distinct upstream; kill -9 once 60 of them have been answered.
      const N = 300;
      const answered: Array<{ port: number; revision: number }> = [];
      let settled = 0;
      let resolveKill!: () => void;
      const killNow = new Promise<void>((r) => (resolveKill = r));
      const writes = Array.from({ length: N }, (_, i) => {
        const port = 20000 + i;
        return request(admin.url + '/id/lb_proxy/upstreams', { method: 'POST', headers: JSON_CT, body: JSON.stringify({ dial: `127.0.0.1:${port}` }) })
          .then((r: HttpResponse) => {
            if (r.status === 200) answered.push({ port, revision: Number(r.headers['switchyard-revision']) });
            return r.status;
          })
          .catch(() => 'reset')
          .finally(() => {
            if (++settled === 60) resolveKill();
          });
      });
      await killNow;
      const exit = await admin.kill('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL');
      const outcomes = await Promise.all(writes);
      assert.ok(answered.length >= 60, `at least 60 writes were answered 200 before the kill (got ${answered.length})`);
      assert.ok(outcomes.includes('reset'), 'some writes were cut off by the kill');

      const again = await startAdminProcess({ dataDir: data.dir });
      try {
        const lastAnswered = Math.max(...answered.map((a) => a.revision));
        assert.ok(Number(again.process.events[0].revision) >= lastAnswered, 'the restarted admin starts at or after the last answered revision');
        const dials = new Set((await request(again.url + '/id/lb_proxy/upstreams')).json<Array<{ dial: string }>>().map((u) => u.dial));
        for (const a of answered) assert.ok(dials.has(`127.0.0.1:${a.port}`), `answered write for port ${a.port} (revision ${a.revision}) survived`);
        const current = (await request(again.url + '/revisions?limit=1')).json().current as number;
        assert.equal(current, again.process.events[0].revision);
        assert.equal(dials.size, 3 + (current - 1), 'every stored revision added exactly one upstream: no partial change');
        for (const a of answered.slice(0, 5)) {
          const rev = (await request(`${again.url}/revisions/${a.revision}`)).json();
          assert.deepEqual(rev.patch, [{ op: 'add', path: `/apps/http/servers/lb/routes/0/handle/0/upstreams/${a.revision + 1}`, value: { dial: `127.0.0.1:${a.port}` } }]);
        }
      } finally {
        await again.cleanup();
      }
    } finally {
      await admin.cleanup();
      data.remove();
    }
  });

  test('a restart serves the same document, ETag and history; a rollback survives it too', async () => {
    const data = scratchDir();
    try {
      const a = await startAdminProcess({ dataDir: data.dir });
      const first = caddyReverseProxy();
      await request(a.url + '/load', { method: 'POST', headers: { ...JSON_CT, 'switchyard-note': 'initial' }, body: JSON.stringify(first) });
      await request(a.url + '/id/lb_proxy/load_balancing/selection_policy', { method: 'PATCH', headers: JSON_CT, body: '{"policy":"least_conn"}' });
      await request(a.url + '/id/lb_proxy/upstreams/0', { method: 'DELETE' });
      const rb = await request(a.url + '/revisions/1/rollback', { method: 'POST', headers: { 'switchyard-note': 'back to initial' } });
      assert.equal(rb.status, 200);
      assert.equal(rb.headers['switchyard-revision'], '4');
      const before = await request(a.url + '/config/');
      assert.equal(before.body, canonicalJSON((await request(a.url + '/revisions/1')).json().config) + '\n');
      assert.deepEqual(before.json(), first, 'rollback restored revision 1');
      const history = (await request(a.url + '/revisions')).body;
      await a.kill('SIGTERM');
      assert.equal((await a.process.exited).code, 0, 'SIGTERM is a graceful exit');

      const b = await startAdminProcess({ dataDir: data.dir });
      try {
        assert.equal(b.process.events[0].revision, 4);
        const after = await request(b.url + '/config/');
        assert.equal(after.body, before.body);
        assert.equal(after.headers.etag, before.headers.etag);
        assert.equal((await request(b.url + '/revisions')).body, history);
        const rev4 = (await request(b.url + '/revisions/4')).json();
        assert.deepEqual([rev4.source, rev4.note, rev4.path], ['rollback:1', 'back to initial', '/revisions/1/rollback']);
        const diff = (await request(b.url + '/revisions/4/diff?from=1')).json();
        assert.deepEqual(diff.patch, [], 'revision 4 equals revision 1');
        assert.equal((await request(b.url + '/id/lb_proxy/upstreams')).json().length, 3, 'the @id index is rebuilt on start');
      } finally {
        await b.cleanup();
      }
    } finally {
      data.remove();
    }
  });
});
