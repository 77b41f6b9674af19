import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import zlib from 'node:zlib';
import { SwitchyardError } from '@switchyard/shared';
import { request, serveRoutes, type Served } from '../../placeholders/harness';
import { createStaticResponse } from '../static-response';
import { createEncode, ZSTD_AVAILABLE } from './index';

let served: Served;
const enc = { handler: 'encode', encodings: { gzip: {} } };
const route = (host: string, handle: unknown[]) => ({ match: [{ host: [host] }], handle, terminal: true });
const body = (extra: Record<string, unknown> = {}) => ({ handler: 'body', size: 1000, ...extra });

before(async () => {
  served = await serveRoutes([
    route('plain.test', [enc, body()]),
    route('512.test', [enc, body({ size: 512 })]),
    route('513.test', [enc, body({ size: 513 })]),
    route('stream.test', [enc, body({ size: 200, length: false, chunks: 2 })]),
    route('big.test', [enc, body({ size: 4_000_000, chunks: 40 })]),
    route('binary.test', [enc, body({ type: 'application/octet-stream' })]),
    route('untyped.test', [enc, body({ type: null })]),
    route('encoded.test', [enc, body({ headers: { 'content-encoding': 'br' } })]),
    route('vary.test', [enc, body({ headers: { vary: 'Origin', etag: '"v1"', 'accept-ranges': 'bytes' } })]),
    route('notransform.test', [enc, body({ headers: { 'cache-control': 'public, no-transform' } })]),
    route('204.test', [enc, body({ status: 204, size: 0 })]),
    route('304.test', [enc, body({ status: 304, size: 0 })]),
    route('match.test', [{ ...enc, match: { status_code: [4] } }, body({ status: 404, type: 'image/png' })]),
    route('nomatch.test', [{ ...enc, match: { status_code: [4] } }, body()]),
    route('static.test', [{ ...enc, minimum_length: 10 }, { handler: 'static_response', body: 'hello {http.request.host} '.repeat(10) }]),
    route('level.test', [{ handler: 'encode', encodings: { gzip: { level: 9 } }, prefer: ['gzip'] }, body()]),
  ], { encode: createEncode, static_response: createStaticResponse });
});
after(() => served.close());

const get = (host: string, ae?: string, method = 'GET') =>
  request(served.port, '/', { method, headers: { host, ...(ae === undefined ? {} : { 'accept-encoding': ae }) } });
const original = (n: number) => 'switchyard '.repeat(Math.ceil(n / 11)).slice(0, n);

describe('encode: negotiation', () => {
  test('gzip is used when accepted, with Vary and without Content-Length', async () => {
    const r = await get('plain.test', 'gzip');
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers['vary'], 'Accept-Encoding');
    assert.equal(r.headers['content-length'], undefined);
    assert.equal(zlib.gunzipSync(r.body).toString(), original(1000));
  });
  test('q-values: a coding the client refuses, identity only, or no header leave the body alone', async () => {
    for (const ae of ['gzip;q=0', 'identity', '*', undefined]) {
      const r = await get('plain.test', ae);
      assert.equal(r.headers['content-encoding'], undefined, String(ae));
      assert.equal(r.headers['vary'], undefined, String(ae));
      assert.equal(r.headers['content-length'], '1000');
      assert.equal(r.body.toString(), original(1000));
    }
    const r = await get('plain.test', 'br;q=1, gzip;q=0.4');
    assert.equal(r.headers['content-encoding'], 'gzip');
  });
});

describe('encode: what gets encoded', () => {
  test('minimum_length: 512 bytes stay plain, 513 are encoded (Caddy encodes only above the minimum)', async () => {
    assert.equal((await get('512.test', 'gzip')).headers['content-encoding'], undefined);
    const r = await get('513.test', 'gzip');
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(zlib.gunzipSync(r.body).toString(), original(513));
  });
  test('a response of unknown length is encoded as it streams', async () => {
    const r = await get('stream.test', 'gzip');
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    assert.equal(zlib.gunzipSync(r.body).toString(), original(200));
  });
  test('types outside the default list, and untyped responses, are not encoded', async () => {
    assert.equal((await get('binary.test', 'gzip')).headers['content-encoding'], undefined);
    assert.equal((await get('untyped.test', 'gzip')).headers['content-encoding'], undefined);
  });
  test('never double-encodes', async () => {
    const r = await get('encoded.test', 'gzip');
    assert.equal(r.headers['content-encoding'], 'br');
    assert.equal(r.body.toString(), original(1000));
  });
  test('Vary is appended to an existing one; a strong ETag is weakened; Accept-Ranges dropped', async () => {
    const r = await get('vary.test', 'gzip');
    assert.equal(r.headers['vary'], 'Origin, Accept-Encoding');
    assert.equal(r.headers['etag'], 'W/"v1"');
    assert.equal(r.headers['accept-ranges'], undefined);
  });
  test('Cache-Control: no-transform on the response or the request is respected', async () => {
    assert.equal((await get('notransform.test', 'gzip')).headers['content-encoding'], undefined);
    const r = await request(served.port, '/', { headers: { host: 'plain.test', 'accept-encoding': 'gzip', 'cache-control': 'no-transform' } });
    assert.equal(r.headers['content-encoding'], undefined);
  });
  test('HEAD, 204 and 304 pass through; 304 carries Vary', async () => {
    const head = await get('plain.test', 'gzip', 'HEAD');
    assert.equal(head.headers['content-encoding'], undefined);
    assert.equal(head.headers['content-length'], '1000');
    assert.equal((await get('204.test', 'gzip')).headers['content-encoding'], undefined);
    const nm = await get('304.test', 'gzip');
    assert.equal(nm.status, 304);
    assert.equal(nm.headers['content-encoding'], undefined);
    assert.equal(nm.headers['vary'], 'Accept-Encoding');
  });
  test('a configured match replaces the default type list', async () => {
    assert.equal((await get('match.test', 'gzip')).headers['content-encoding'], 'gzip');
    assert.equal((await get('nomatch.test', 'gzip')).headers['content-encoding'], undefined);
  });
  test('static responses go through the encoder too', async () => {
    const r = await get('static.test', 'gzip');
    assert.equal(r.headers['content-encoding'], 'gzip');
    assert.equal(zlib.gunzipSync(r.body).toString(), 'hello static.test '.repeat(10));
  });
  test('gzip level is configurable', async () => {
    const r = await get('level.test', 'gzip');
    assert.equal(zlib.gunzipSync(r.body).toString(), original(1000));
  });
});

describe('encode: streaming', () => {
  test('a 4 MB body streams through gzip intact', async () => {
    const r = await get('big.test', 'gzip');
    const out = zlib.gunzipSync(r.body);
    assert.equal(out.length, 4_000_000);
    assert.equal(out.subarray(0, 22).toString(), 'switchyard switchyard ');
  });
  test('a client that goes away mid-stream does not disturb the server', async () => {
    await new Promise<void>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: served.port, path: '/', headers: { host: 'big.test', 'accept-encoding': 'gzip' }, agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    const r = await get('plain.test', 'gzip');
    assert.equal(r.status, 200);
  });
});

describe('encode: build-time checks', () => {
  test(`zstd alone is ${ZSTD_AVAILABLE ? 'accepted (node:zlib has it)' : 'rejected with its path (node:zlib lacks it)'}`, () => {
    const build = () => createEncode({ handler: 'encode', encodings: { zstd: {} } } as never, {} as never, '/routes/0/handle/0');
    if (ZSTD_AVAILABLE) assert.doesNotThrow(build);
    else assert.throws(build, (e: unknown) => e instanceof SwitchyardError && e.path === '/routes/0/handle/0/encodings/zstd' && /zstd/.test(e.message));
  });
  test('zstd next to gzip builds (zstd offered only where available); prefer must name enabled codings once', () => {
    assert.doesNotThrow(() => createEncode({ handler: 'encode', encodings: { gzip: {}, zstd: {} }, prefer: ['zstd', 'gzip'] } as never, {} as never, '/p'));
    assert.throws(() => createEncode({ handler: 'encode', encodings: { gzip: {} }, prefer: ['zstd'] } as never, {} as never, '/p'), (e: unknown) => (e as SwitchyardError).path === '/p/prefer/0');
    assert.throws(() => createEncode({ handler: 'encode', encodings: { gzip: {} }, prefer: ['gzip', 'gzip'] } as never, {} as never, '/p'), (e: unknown) => (e as SwitchyardError).path === '/p/prefer/1');
  });
});
