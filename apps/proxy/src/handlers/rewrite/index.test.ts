import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { json, request, serveRoutes, type Served } from '../../placeholders/harness';
import { createRewrite, replaceN } from './index';
import { REWRITE_CASES } from './cases';

let served: Served;

before(async () => {
  const routes = REWRITE_CASES.map((c, i) => ({
    match: [{ host: [`c${i}.test`] }],
    handle: [{ handler: 'rewrite', ...c.rw }, { handler: 'echo' }],
    terminal: true,
  }));
  served = await serveRoutes(routes, { rewrite: createRewrite });
});
after(() => served.close());

describe('rewrite: what the next handler sees', () => {
  REWRITE_CASES.forEach((c, i) => {
    test(`${JSON.stringify(c.rw)} on ${c.from} -> ${c.method ?? 'GET'} ${c.want}${c.caddy ? '' : ` (deviation: ${c.why})`}`, async () => {
      const r = await request(served.port, c.from, { headers: { host: `c${i}.test`, 'x-thing': 'a b&c', ...c.headers } });
      assert.equal(r.status, 200);
      const seen = json<{ method: string; path: string; query: string }>(r);
      assert.equal(seen.query ? `${seen.path}?${seen.query}` : seen.path, c.want);
      assert.equal(seen.method, c.method ?? 'GET');
    });
  });
});

describe('replaceN is Go\'s strings.Replace', () => {
  test('limits replacements left to right', () => {
    assert.equal(replaceN('aaaa', 'a', 'b', 2), 'bbaa');
    assert.equal(replaceN('aaaa', 'aa', 'b', Infinity), 'bb');
    assert.equal(replaceN('abc', 'x', 'y', 1), 'abc');
  });
});
