import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJSON, fnv1a32hex, configHash } from './canonical';

describe('canonicalJSON', () => {
  test('sorts object keys at every depth and drops whitespace', () => {
    const doc = { b: [{ z: 1, a: { y: true, x: null } }], a: 'x' };
    assert.equal(canonicalJSON(doc), '{"a":"x","b":[{"a":{"x":null,"y":true},"z":1}]}');
  });

  test('is independent of key insertion order', () => {
    assert.equal(canonicalJSON({ a: 1, b: { c: 2, d: 3 } }), canonicalJSON({ b: { d: 3, c: 2 }, a: 1 }));
  });

  test('escapes <, >, & and U+2028/U+2029 like Go', () => {
    assert.equal(canonicalJSON('<a href="x">&</a>'), '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"');
    assert.equal(canonicalJSON('a\u2028b\u2029c'), '"a\\u2028b\\u2029c"');
    assert.equal(canonicalJSON({ '<k>': 1 }), '{"\\u003ck\\u003e":1}');
  });

  test('writes \\b and \\f as Go 1.19 does, without touching an escaped backslash before b', () => {
    assert.equal(canonicalJSON('\b\f\n\t'), '"\\u0008\\u000c\\n\\t"');
    assert.equal(canonicalJSON('\\b\b'), '"\\\\b\\u0008"');
    assert.equal(canonicalJSON('\u0001'), '"\\u0001"');
  });

  test('renders numbers as JSON.stringify does and drops undefined members', () => {
    assert.equal(canonicalJSON([1, 1.5, -0, 1e21, 1e-7]), '[1,1.5,0,1e+21,1e-7]');
    assert.equal(canonicalJSON({ a: undefined, b: 1, c: () => 1 }), '{"b":1}');
    assert.equal(canonicalJSON([undefined, NaN, Infinity]), '[null,null,null]');
    assert.equal(canonicalJSON(undefined), 'null');
  });

  test('honours toJSON and rejects cycles', () => {
    assert.equal(canonicalJSON({ d: new Date(0) }), '{"d":"1970-01-01T00:00:00.000Z"}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJSON(cyclic), TypeError);
    const shared = { x: 1 };
    assert.equal(canonicalJSON([shared, shared]), '[{"x":1},{"x":1}]');
  });

  test('agrees with JSON.stringify on ASCII-only, sorted input', () => {
    const doc = { a: [1, 'two', { b: false, c: null }], d: { e: 'f"g\\h' } };
    assert.equal(canonicalJSON(doc), JSON.stringify(doc));
  });
});

describe('fnv1a32hex', () => {
  // Vectors observed on Caddy 2.6.2: the ETag hash of a GET body (with its trailing newline).
  const caddyVectors: Array<[unknown, string]> = [
    [['127.0.0.1:18080'], '7907ccdd'],
    [null, '0e7c22ea'],
    ['127.0.0.1:18080', 'fb2b2f2f'],
    [[{ dial: '127.0.0.1:19101' }, { dial: '127.0.0.1:19102' }, { dial: '127.0.0.1:19103', max_requests: 100 }], '69b779db'],
    [[{ dial: '127.0.0.1:19101' }, { max_requests: 100, dial: '127.0.0.1:19103' }], '94737a21'],
  ];
  for (const [value, hash] of caddyVectors) {
    test(`canonical ${JSON.stringify(value)} + newline hashes to Caddy's ${hash}`, () => {
      assert.equal(fnv1a32hex(canonicalJSON(value) + '\n'), hash);
    });
  }

  test('pads to 8 digits and uses the standard offset basis', () => {
    assert.equal(fnv1a32hex(''), '811c9dc5');
    assert.equal(fnv1a32hex('a'), 'e40c292c');
    assert.match(fnv1a32hex('null\n'), /^0[0-9a-f]{7}$/);
  });

  test('hashes the UTF-8 bytes of non-ASCII text', () => {
    const reference = (s: string): string => {
      let h = 0x811c9dc5;
      for (const b of Buffer.from(s, 'utf8')) h = Math.imul(h ^ b, 0x01000193);
      return (h >>> 0).toString(16).padStart(8, '0');
    };
    for (const s of ['é', '€uro', '𝄞 clef', 'mixed ü 日本 🚀', '\ud800 lone', 'x\udc00']) {
      assert.equal(fnv1a32hex(s), reference(s), s);
    }
  });
});

describe('configHash', () => {
  test('is 16 hex digits, stable across key order, sensitive to any change', () => {
    const h = configHash({ a: 1, b: [1, 2] });
    assert.match(h, /^[0-9a-f]{16}$/);
    assert.equal(configHash({ b: [1, 2], a: 1 }), h);
    assert.notEqual(configHash({ a: 1, b: [2, 1] }), h);
    assert.notEqual(configHash({ a: '1', b: [1, 2] }), h);
  });
});
