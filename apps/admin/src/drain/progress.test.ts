import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { UpstreamStats } from '@switchyard/shared';
import { judgeDrain, type GoneWorker, type WorkerSample } from './progress';

const A = '127.0.0.1:9001';

function stats(address: string, in_flight: number, upgraded = 0): UpstreamStats {
  return { address, in_flight, upgraded, requests: 0, fails: 0, fails_total: 0, healthy: true, latency_buckets: [], latency_sum_ms: 0 };
}

function judge(connected: string[], samples: Record<string, WorkerSample>, gone: Record<string, GoneWorker> = {}, now = 1000) {
  return judgeDrain({ address: A, revision: 5, connected, samples: new Map(Object.entries(samples)), gone: new Map(Object.entries(gone)), now });
}

describe('when is a drain complete', () => {
  test('every connected worker serves the drain revision (or later) and reports zero requests and zero upgraded', () => {
    const p = judge(['w1', 'w2'], { w1: { revision: 5, upstreams: [stats(A, 0)] }, w2: { revision: 6, upstreams: [stats(A, 0, 0)] } });
    assert.equal(p.complete, true);
    assert.deepEqual(p.workers.map((w) => w.done), [true, true]);
  });

  test('an idle report sent before the worker applied the drain revision is not believed', () => {
    const p = judge(['w1'], { w1: { revision: 4, upstreams: [stats(A, 0)] } });
    assert.equal(p.complete, false);
    assert.equal(p.workers[0]!.done, false);
  });

  test('a worker without stats yet is waited for; one whose stats lack the address is idle there', () => {
    assert.equal(judge(['w1'], {}).complete, false);
    assert.equal(judge(['w1'], { w1: { revision: 5, upstreams: [stats('other:1', 3)] } }).complete, true);
  });

  test('in-flight requests and upgraded connections are summed over workers', () => {
    const p = judge(['w1', 'w2'], { w1: { revision: 5, upstreams: [stats(A, 2, 1)] }, w2: { revision: 5, upstreams: [stats(A, 3, 0)] } });
    assert.deepEqual([p.complete, p.in_flight, p.upgraded], [false, 5, 1]);
    assert.deepEqual(p.workers.map((w) => [w.node, w.in_flight, w.upgraded]), [['w1', 2, 1], ['w2', 3, 0]]);
  });

  test('a disconnected worker with requests open is waited for until its grace ends, then forgotten', () => {
    const samples = { w1: { revision: 5, upstreams: [stats(A, 0)] }, w2: { revision: 5, upstreams: [stats(A, 1)] } };
    const waiting = judge(['w1'], samples, { w2: { waitUntil: 2000 } }, 1500);
    assert.equal(waiting.complete, false);
    assert.equal(waiting.in_flight, 1);
    assert.equal(waiting.workers.find((w) => w.node === 'w2')!.connected, false);
    const over = judge(['w1'], samples, { w2: { waitUntil: 2000 } }, 2500);
    assert.equal(over.complete, true);
    assert.deepEqual(over.workers.map((w) => w.node), ['w1']);
  });

  test('a disconnected worker whose last stats were idle is not waited for; after an admin restart (no stats) it is', () => {
    assert.equal(judge([], { w2: { revision: 5, upstreams: [] } }, { w2: { waitUntil: 9999 } }).complete, true);
    assert.equal(judge([], {}, { w2: { waitUntil: 9999 } }).complete, false);
  });

  test('with no workers at all there is nothing to wait for', () => {
    const p = judge([], {});
    assert.deepEqual([p.complete, p.in_flight, p.workers.length], [true, 0, 0]);
  });
});
