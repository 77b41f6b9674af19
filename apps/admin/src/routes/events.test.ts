import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../app';
import { ConfigStore } from '../store';
import { sseFrame, typeFilter } from './events';

const A = '127.0.0.1:19101';
const DOC = { apps: { http: { servers: { lb: { listen: ['127.0.0.1:18080'], routes: [{ handle: [{ '@id': 'app', handler: 'reverse_proxy', upstreams: [{ dial: A }, { dial: '127.0.0.1:19102' }] }] }] } } } } };

/** Reads SSE frames from a live connection. */
function subscribe(url: string, headers: Record<string, string> = {}) {
  const frames: Array<{ id: number; type: string; data: any }> = [];
  let status = 0;
  let contentType = '';
  let ended = false;
  const req = http.get(url, { agent: false, headers }, (res) => {
    status = res.statusCode!;
    contentType = String(res.headers['content-type']);
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const f = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m = /^id: (\d+)\nevent: (.+)\ndata: (.+)$/.exec(f);
        if (m) frames.push({ id: Number(m[1]), type: m[2]!, data: JSON.parse(m[3]!) });
      }
    });
    res.on('end', () => (ended = true));
  });
  req.on('error', () => undefined);
  return { frames, get status() { return status; }, get contentType() { return contentType; }, get ended() { return ended; }, stop: () => req.destroy() };
}

async function until(fn: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GET /events', () => {
  test('streams drain events as Server-Sent Events, filtered by type, replayed after Last-Event-ID, and ends when the admin closes', async () => {
    const store = ConfigStore.open({ file: ':memory:' });
    const app = buildApp({ store });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DOC) });
      const all = subscribe(`${base}/events`);
      const none = subscribe(`${base}/events?types=health`);
      await until(() => all.status === 200 && none.status === 200);
      assert.match(all.contentType, /^text\/event-stream/);

      await fetch(`${base}/reverse_proxy/upstreams/${A}/drain`, { method: 'POST' });
      await until(() => all.frames.some((f) => f.type === 'drain.completed'));
      const types = all.frames.map((f) => f.type);
      assert.equal(types[0], 'drain.started');
      assert.ok(types.indexOf('drain.progress') > 0);
      const done = all.frames.find((f) => f.type === 'drain.completed')!;
      assert.deepEqual([done.data.address, done.data.state, done.data.final_revision], [A, 'drained', 3]);
      assert.ok(typeof done.data.at === 'string');
      assert.deepEqual(all.frames.map((f) => f.id), [...all.frames.map((f) => f.id)].sort((x, y) => x - y), 'ids increase');
      assert.equal(none.frames.length, 0, 'types=health filters drain events out');

      const replay = subscribe(`${base}/events?types=drain`, { 'last-event-id': String(all.frames[0]!.id) });
      await until(() => replay.frames.some((f) => f.type === 'drain.completed'));
      assert.deepEqual(replay.frames.map((f) => f.id), all.frames.slice(1).map((f) => f.id), 'everything after the given id, once');

      const t0 = Date.now();
      await app.close();
      assert.ok(Date.now() - t0 < 2000, 'closing does not wait for the open streams');
      await until(() => all.ended && replay.ended);
      none.stop();
    } finally {
      await app.close();
      store.close();
    }
  });

  test('frames and filters', () => {
    assert.equal(sseFrame({ id: 7, type: 'drain.progress', at: 'T', data: { a: 1 } }), 'id: 7\nevent: drain.progress\ndata: {"a":1,"at":"T"}\n\n');
    const f = typeFilter('drain, revision');
    assert.deepEqual(['drain.started', 'drainage', 'revision', 'health'].map(f), [true, false, true, false]);
    assert.equal(typeFilter(undefined)('anything'), true);
  });
});
