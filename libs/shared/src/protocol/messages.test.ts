import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { configHash } from '../canonical';
import { CloseCode, ProtocolError, closeCodeFor, type ProtocolErrorCode } from './codes';
import { diff } from './diff';
import { LATENCY_BUCKET_BOUNDS_MS, PROTOCOL_VERSION, encodeMessage, parseMessage, type Message } from './messages';

function rejects(raw: string, code: ProtocolErrorCode, path?: string, from?: 'worker' | 'admin'): void {
  assert.throws(
    () => parseMessage(raw, from),
    (err: unknown) => {
      assert.ok(err instanceof ProtocolError, String(err));
      assert.equal(err.code, code, err.message);
      if (path !== undefined) assert.equal(err.path, path, err.message);
      return true;
    },
  );
}

const BUCKETS = new Array<number>(LATENCY_BUCKET_BOUNDS_MS.length + 1).fill(0);
const prevConfig = { apps: { http: { servers: { lb: { listen: [':8080'] } } } } };
const nextConfig = { apps: { http: { servers: { lb: { listen: [':8080', ':8081'] } } } } };

// One valid example of every message type: the wire contract in miniature.
const VALID: Message[] = [
  { type: 'hello', v: PROTOCOL_VERSION, node_id: 'n1', host: 'box', pid: 4242, worker_id: 1, revision: null, config_hash: null },
  { type: 'hello', v: PROTOCOL_VERSION, node_id: 'n1', host: 'box', pid: 4242, worker_id: 2, revision: 7, config_hash: 'abc', token: 's3cret' },
  { type: 'snapshot', revision: 7, config: prevConfig, hash: configHash(prevConfig) },
  { type: 'diff', from: 7, to: 8, patch: diff(prevConfig, nextConfig), hash: configHash(nextConfig) },
  { type: 'diff', from: 7, to: 9, patch: [{ op: 'replace', path: '/x', value: null }, { op: 'remove', path: '/y' }], hash: 'h' },
  { type: 'ack', revision: 8, hash: configHash(nextConfig), applied_ms: 1.25 },
  { type: 'nack', revision: 9, error: 'unknown handler', code: 'CFG_ERR_UNKNOWN_HANDLER', path: '/apps/http/servers/lb/routes/0/handle/0' },
  { type: 'nack', revision: 9, error: 'boom', code: 'PRX_ERR_INTERNAL', path: null },
  { type: 'resync', have: 8, reason: 'hash_mismatch' },
  { type: 'resync', have: null, reason: 'gap' },
  {
    type: 'stats',
    revision: 8,
    at: 1_700_000_000_000,
    upstreams: [
      { address: '127.0.0.1:9001', in_flight: 2, upgraded: 1, requests: 100, fails: 0, fails_total: 3, healthy: true, latency_buckets: [0, 10, 80, 10, 0, 0, 0, 0, 0, 0, 0, 0], latency_sum_ms: 512.5 },
    ],
    drains: [{ address: '127.0.0.1:9000', in_flight: 1 }],
  },
  { type: 'ping', t: 123.5 },
  { type: 'pong', t: 123.5 },
  { type: 'error', code: 'PROTO_ERR_UNAUTHORIZED', message: 'bad token' },
];

describe('parseMessage', () => {
  test('accepts one valid example of every message type and returns it unchanged', () => {
    for (const msg of VALID) assert.deepEqual(parseMessage(encodeMessage(msg)), msg);
    const types = new Set(VALID.map((m) => m.type));
    assert.equal(types.size, 10);
  });

  test('keeps unknown extra fields, so stats can grow without a version bump', () => {
    const raw = JSON.stringify({
      type: 'stats',
      revision: null,
      at: 1,
      upstreams: [{ address: 'a:1', in_flight: 0, upgraded: 0, requests: 0, fails: 0, fails_total: 0, healthy: false, latency_buckets: BUCKETS, latency_sum_ms: 0, ewma_ms: 3 }],
      health: { checks: 4 },
    });
    const msg = parseMessage(raw) as Record<string, unknown> & { upstreams: Array<Record<string, unknown>> };
    assert.deepEqual(msg.health, { checks: 4 });
    assert.equal(msg.upstreams[0].ewma_ms, 3);
  });

  test('rejects garbage frames', () => {
    rejects('', 'PROTO_ERR_BAD_JSON');
    rejects('{"type":', 'PROTO_ERR_BAD_JSON');
    rejects('[]', 'PROTO_ERR_BAD_MESSAGE');
    rejects('null', 'PROTO_ERR_BAD_MESSAGE');
    rejects('"hello"', 'PROTO_ERR_BAD_MESSAGE');
    rejects('{}', 'PROTO_ERR_UNKNOWN_TYPE', '/type');
    rejects('{"type":"toString"}', 'PROTO_ERR_UNKNOWN_TYPE', '/type');
    rejects('{"type":"subscribe"}', 'PROTO_ERR_UNKNOWN_TYPE', '/type');
  });

  test('names the offending field with a JSON pointer', () => {
    rejects('{"type":"ping"}', 'PROTO_ERR_BAD_MESSAGE', '/t');
    rejects('{"type":"ping","t":"now"}', 'PROTO_ERR_BAD_MESSAGE', '/t');
    rejects('{"type":"ack","revision":-1,"hash":"h","applied_ms":1}', 'PROTO_ERR_BAD_MESSAGE', '/revision');
    rejects('{"type":"ack","revision":1.5,"hash":"h","applied_ms":1}', 'PROTO_ERR_BAD_MESSAGE', '/revision');
    rejects('{"type":"snapshot","revision":1,"config":[],"hash":"h"}', 'PROTO_ERR_BAD_MESSAGE', '/config');
    rejects('{"type":"nack","revision":1,"error":"e","code":"c"}', 'PROTO_ERR_BAD_MESSAGE', '/path');
    rejects('{"type":"resync","reason":"gap"}', 'PROTO_ERR_BAD_MESSAGE', '/have');
    rejects('{"type":"diff","from":1,"to":2,"patch":[{"op":"move","path":"/a"}],"hash":"h"}', 'PROTO_ERR_BAD_MESSAGE', '/patch/0/op');
    rejects('{"type":"diff","from":1,"to":2,"patch":[{"op":"add","path":"a","value":1}],"hash":"h"}', 'PROTO_ERR_BAD_MESSAGE', '/patch/0/path');
    rejects('{"type":"diff","from":1,"to":2,"patch":[{"op":"add","path":"/a"}],"hash":"h"}', 'PROTO_ERR_BAD_MESSAGE', '/patch/0/value');
    rejects('{"type":"diff","from":1,"to":2,"patch":{},"hash":"h"}', 'PROTO_ERR_BAD_MESSAGE', '/patch');
    rejects('{"type":"diff","from":2,"to":2,"patch":[],"hash":"h"}', 'PROTO_ERR_BAD_MESSAGE', '/to');
    const upstream = { address: 'a:1', in_flight: 0, upgraded: 0, requests: 0, fails: 0, fails_total: 0, healthy: 'yes', latency_buckets: BUCKETS, latency_sum_ms: 0 };
    rejects(JSON.stringify({ type: 'stats', revision: 1, at: 1, upstreams: [upstream] }), 'PROTO_ERR_BAD_MESSAGE', '/upstreams/0/healthy');
    const short = { ...upstream, healthy: true, latency_buckets: [1, 2, 3] };
    rejects(JSON.stringify({ type: 'stats', revision: 1, at: 1, upstreams: [short] }), 'PROTO_ERR_BAD_MESSAGE', '/upstreams/0/latency_buckets');
    const negative = { ...upstream, healthy: true, latency_buckets: BUCKETS.map((x, i) => (i === 3 ? -1 : x)) };
    rejects(JSON.stringify({ type: 'stats', revision: 1, at: 1, upstreams: [negative] }), 'PROTO_ERR_BAD_MESSAGE', '/upstreams/0/latency_buckets/3');
    rejects(JSON.stringify({ type: 'hello', v: 1, node_id: 'n', host: 'h', pid: 1, worker_id: 1, revision: null, config_hash: null, token: 5 }), 'PROTO_ERR_BAD_MESSAGE', '/token');
  });

  test('a hello of another protocol version fails with a version error before any shape check', () => {
    rejects('{"type":"hello","v":2}', 'PROTO_ERR_VERSION', '/v');
    rejects('{"type":"hello"}', 'PROTO_ERR_VERSION', '/v');
  });

  test('with a direction, rejects types that side never sends', () => {
    rejects(encodeMessage(VALID[2]), 'PROTO_ERR_WRONG_DIRECTION', '/type', 'worker');
    rejects(encodeMessage(VALID[0]), 'PROTO_ERR_WRONG_DIRECTION', '/type', 'admin');
    assert.equal(parseMessage('{"type":"ping","t":1}', 'worker').type, 'ping');
    assert.equal(parseMessage('{"type":"ping","t":1}', 'admin').type, 'ping');
  });
});

describe('close codes', () => {
  test('each error code maps to its close code; unknown codes close as protocol errors', () => {
    assert.equal(closeCodeFor('PROTO_ERR_VERSION'), CloseCode.VERSION_MISMATCH);
    assert.equal(closeCodeFor('PROTO_ERR_UNAUTHORIZED'), CloseCode.UNAUTHORIZED);
    assert.equal(closeCodeFor('PROTO_ERR_BAD_JSON'), CloseCode.PROTOCOL_ERROR);
    assert.equal(closeCodeFor('PROTO_ERR_SUPERSEDED'), CloseCode.SUPERSEDED);
    assert.equal(closeCodeFor('PROTO_ERR_HEARTBEAT_TIMEOUT'), CloseCode.HEARTBEAT_TIMEOUT);
    assert.equal(closeCodeFor('SOMETHING_ELSE'), CloseCode.PROTOCOL_ERROR);
    for (const code of Object.values(CloseCode)) assert.ok(code === 1000 || code === 1001 || (code >= 4000 && code <= 4999));
  });
});
