import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkIfMatch, encodeValue, etagFor } from './etag';
import { readAt, type Json } from './tree';
import { AdminError } from '../errors';

const C_JSON: Json = {
  admin: { listen: 'localhost:2019' },
  apps: {
    http: {
      servers: {
        lb: {
          listen: ['127.0.0.1:18080'],
          routes: [
            {
              handle: [
                {
                  '@id': 'lb_proxy',
                  handler: 'reverse_proxy',
                  upstreams: [{ dial: '127.0.0.1:19101' }, { dial: '127.0.0.1:19102' }, { dial: '127.0.0.1:19103', max_requests: 100 }],
                },
              ],
            },
          ],
        },
      },
    },
  },
};
const UPS = '/config/apps/http/servers/lb/routes/0/handle/0/upstreams';

function etagOf(doc: Json | null, path: string): string {
  return etagFor(path, encodeValue(readAt(doc, path)));
}

describe('ETag values reproduce Caddy 2.6.2 byte for byte (A.1, A.2, A.11)', () => {
  const vectors: Array<[string, string]> = [
    ['/config/apps/http/servers/lb/listen', '"/config/apps/http/servers/lb/listen 7907ccdd"'],
    ['/config/apps/http/servers/nope', '"/config/apps/http/servers/nope 0e7c22ea"'],
    ['/config/apps/http/servers/lb/listen/0', '"/config/apps/http/servers/lb/listen/0 fb2b2f2f"'],
    [UPS, `"${UPS} 69b779db"`],
    ['/config/admin', '"/config/admin 1ab76f0b"'],
  ];
  for (const [path, want] of vectors) test(path, () => assert.equal(etagOf(C_JSON, path), want));
  test('an empty config hashes as null', () => assert.equal(etagOf(null, '/config/'), '"/config/ 0e7c22ea"'));
  test('the body is Go-encoded: sorted keys, escaped <>&, trailing newline', () => {
    assert.equal(encodeValue({ b: '<&>', a: 1 }), '{"a":1,"b":"\\u003c\\u0026\\u003e"}\n');
    assert.equal(encodeValue(undefined), 'null\n');
  });
});

describe('If-Match (reference §5, A.7)', () => {
  function fails(header: string, status: number, code: string, message: string): void {
    assert.throws(() => checkIfMatch(C_JSON, header), (e: unknown) => {
      assert.ok(e instanceof AdminError);
      assert.deepEqual([e.status, e.code, e.message], [status, code, message]);
      return true;
    });
  }
  test('absent or empty header is no precondition', () => {
    checkIfMatch(C_JSON, undefined);
    checkIfMatch(C_JSON, '');
  });
  test('the current ETag of the target passes', () => checkIfMatch(C_JSON, etagOf(C_JSON, UPS)));
  test('a broader scope than the request path passes when current', () => checkIfMatch(C_JSON, etagOf(C_JSON, '/config/')));
  test('a stale hash is 412', () => fails(`"${UPS} 94737a21"`, 412, 'ADM_ERR_IF_MATCH_FAILED', 'If-Match header did not match current config hash'));
  test('a missing path hashes as null: a made-up hash is 412, null\'s hash passes', () => {
    fails('"/config/nope 00000000"', 412, 'ADM_ERR_IF_MATCH_FAILED', 'If-Match header did not match current config hash');
    checkIfMatch(C_JSON, '"/config/nope 0e7c22ea"');
  });
  test('an unquoted header is 400', () => fails('abc', 400, 'ADM_ERR_IF_MATCH_MALFORMED', 'malformed If-Match header; expect quoted string'));
  test('a lone quote is 400', () => fails('"', 400, 'ADM_ERR_IF_MATCH_MALFORMED', 'malformed If-Match header; expect quoted string'));
  test('one field is 400', () => fails('"abc"', 400, 'ADM_ERR_IF_MATCH_MALFORMED', 'malformed If-Match header; expect format "<path> <hash>"'));
  test('three fields is 400', () => fails('"a b c"', 400, 'ADM_ERR_IF_MATCH_MALFORMED', 'malformed If-Match header; expect format "<path> <hash>"'));
  test('a path that cannot be traversed is a 400 traversal error', () => fails('"/config/admin/listen/x 0e7c22ea"', 400, 'ADM_ERR_INVALID_PATH', 'invalid traversal path at: config/admin/listen/x'));
  test('extra whitespace between the fields is tolerated (strings.Fields)', () => checkIfMatch(C_JSON, `"  ${UPS}   69b779db "`));
});
