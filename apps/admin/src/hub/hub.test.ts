import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { applyPatch, configHash, encodeMessage, parseMessage, PROTOCOL_VERSION, type AdminMessage } from '@switchyard/shared';
import { startAdmin, type AdminHandle } from '../start';

/** A raw protocol peer: records every admin message, answers what the test tells it to. */
class FakeWorker {
  readonly ws: WebSocket;
  readonly inbox: AdminMessage[] = [];
  closeCode: number | undefined;
  private waiters: (() => void)[] = [];

  constructor(url: string) {
    this.ws = new WebSocket(url.replace('http', 'ws') + '/proxy/ws');
    this.ws.on('message', (d) => {
      this.inbox.push(parseMessage(d.toString(), 'admin') as AdminMessage);
      for (const w of this.waiters.splice(0)) w();
    });
    this.ws.on('close', (code) => {
      this.closeCode = code;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  hello(revision: number | null, hash: string | null, extra: Record<string, unknown> = {}): void {
    this.ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, node_id: 'test', host: 'h', pid: 1, worker_id: 1, revision, config_hash: hash, ...extra }));
  }

  send(msg: object): void {
    this.ws.send(encodeMessage(msg as never));
  }

  /** The next config message (snapshot or diff), skipping pings and stats requests. */
  async next(type?: string, ms = 3000): Promise<AdminMessage> {
    const end = Date.now() + ms;
    for (;;) {
      const i = this.inbox.findIndex((m) => (type ? m.type === type : m.type === 'snapshot' || m.type === 'diff' || m.type === 'error'));
      if (i >= 0) return this.inbox.splice(i, 1)[0]!;
      if (this.closeCode !== undefined || Date.now() > end) throw new Error(`no ${type ?? 'config'} message (closed: ${this.closeCode})`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }
}

const doc = (weight: number) => ({
  apps: { http: { servers: { s: { listen: ['127.0.0.1:1'], routes: [{ handle: [{ '@id': 'p', handler: 'reverse_proxy', upstreams: [{ dial: '127.0.0.1:2', weight }] }] }] } } } },
});

async function write(url: string, d: unknown, query = '?wait=false'): Promise<Response> {
  return fetch(`${url}/load${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(d) });
}

describe('config hub (admin end of the push protocol)', () => {
  let admin: AdminHandle;
  let dir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
    admin = await startAdmin({ listen: '127.0.0.1:0', dataDir: dir, proxyToken: 's3cret', onStop: () => undefined });
  });
  after(async () => {
    await admin.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a worker without the proxy token is refused with 4401', async () => {
    const w = new FakeWorker(admin.url);
    await w.open();
    w.hello(null, null, { token: 'wrong' });
    const m = await w.next('error');
    assert.equal((m as { code: string }).code, 'PROTO_ERR_UNAUTHORIZED');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(w.closeCode, 4401);
  });

  test('a new worker gets a snapshot; each new revision arrives as a small diff; the write waits for its ACK', async () => {
    assert.equal((await write(admin.url, doc(1))).status, 200);
    const w = new FakeWorker(admin.url);
    await w.open();
    w.hello(null, null, { token: 's3cret' });
    const snap = await w.next();
    assert.equal(snap.type, 'snapshot');
    const s = snap as { revision: number; config: object; hash: string };
    assert.equal(s.hash, configHash(s.config));
    w.send({ type: 'ack', revision: s.revision, hash: s.hash, applied_ms: 1 });

    const pending = write(admin.url, doc(2), '');
    const d = (await w.next()) as { type: string; from: number; to: number; patch: unknown[]; hash: string };
    assert.equal(d.type, 'diff');
    assert.equal(d.from, s.revision);
    assert.equal(d.to, s.revision + 1);
    assert.deepEqual(d.patch, [{ op: 'replace', path: '/apps/http/servers/s/routes/0/handle/0/upstreams/0/weight', value: 2 }]);
    const next = applyPatch(s.config, d.patch as never);
    assert.equal(configHash(next), d.hash);
    let answered = false;
    void pending.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(answered, false, 'the write is not answered before the ACK');
    w.send({ type: 'ack', revision: d.to, hash: d.hash, applied_ms: 1 });
    const res = await pending;
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers.get('switchyard-revision')), d.to);
    w.ws.close();
  });

  test('a NACK makes the write answer 202 naming the worker and the path; a gap is healed by resync', async () => {
    const w = new FakeWorker(admin.url);
    await w.open();
    w.hello(null, null, { token: 's3cret' });
    const snap = (await w.next()) as { revision: number; hash: string };
    w.send({ type: 'ack', revision: snap.revision, hash: snap.hash, applied_ms: 1 });
    const pending = write(admin.url, doc(7), '');
    const d = (await w.next()) as { to: number };
    w.send({ type: 'nack', revision: d.to, error: 'listen: in use', code: 'PRX_ERR_LISTEN', path: '/apps/http/servers/s/listen/0' });
    const res = await pending;
    assert.equal(res.status, 202);
    const body = (await res.json()) as { complete: boolean; failed: { node: string; code: string; path: string }[] };
    assert.equal(body.complete, false);
    assert.deepEqual(body.failed, [{ node: 'test/1', error: 'listen: in use', code: 'PRX_ERR_LISTEN', path: '/apps/http/servers/s/listen/0' }]);
    // The worker is still on the old revision: it asks for a snapshot and gets the latest.
    w.send({ type: 'resync', have: snap.revision, reason: 'gap' });
    const again = (await w.next()) as { type: string; revision: number };
    assert.equal(again.type, 'snapshot');
    assert.equal(again.revision, d.to);
    w.ws.close();
  });

  test('a reconnecting worker a few revisions behind gets one combined diff, not a chain', async () => {
    const w = new FakeWorker(admin.url);
    await w.open();
    w.hello(null, null, { token: 's3cret' });
    const snap = (await w.next()) as { revision: number; config: object; hash: string };
    w.ws.close();
    await write(admin.url, doc(11));
    await write(admin.url, doc(12));
    await write(admin.url, doc(13));
    const w2 = new FakeWorker(admin.url);
    await w2.open();
    w2.hello(snap.revision, snap.hash, { token: 's3cret' });
    const d = (await w2.next()) as { type: string; from: number; to: number; patch: unknown[]; hash: string };
    assert.equal(d.type, 'diff');
    assert.equal(d.from, snap.revision);
    assert.equal(d.to, snap.revision + 3);
    assert.equal(configHash(applyPatch(snap.config, d.patch as never)), d.hash);
    assert.equal(d.patch.length, 1);
    // and a worker that is current gets nothing at all
    const w3 = new FakeWorker(admin.url);
    await w3.open();
    w3.hello(d.to, d.hash, { token: 's3cret' });
    await assert.rejects(w3.next(undefined, 400));
    w2.ws.close();
    w3.ws.close();
  });
});
