import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connectionNamed, headerValue, hopByHop, lowerEquals, requestHeaders, responseHeaders, type RequestHeadFacts } from './hop';

const facts = (): RequestHeadFacts => ({ host: '', hasBody: false, xff: undefined, xfp: undefined, xfh: undefined, upgrade: '' });

describe('hop-by-hop headers (RFC 9110 §7.6.1)', () => {
  test('the fixed set is recognised in any case, nothing else is', () => {
    for (const n of ['Connection', 'KEEP-ALIVE', 'proxy-connection', 'TE', 'Trailer', 'Transfer-Encoding', 'upgrade']) assert.ok(hopByHop(n), n);
    for (const n of ['Content-Length', 'Host', 'Trailers', 'X-Upgrade', 'Cookie', 'Te-X']) assert.equal(hopByHop(n), undefined, n);
  });

  test('case-insensitive comparison folds ASCII letters only', () => {
    assert.ok(lowerEquals('Content-Length', 'content-length'));
    assert.ok(!lowerEquals('Content-Lengt', 'content-length'));
    assert.ok(!lowerEquals('Content_Length', 'content-length'));
    assert.ok(!lowerEquals('\u212aeep-alive', 'keep-alive'), 'the Kelvin sign is not a K');
  });

  test('Connection options name extra fields; keep-alive/close/upgrade name nothing', () => {
    assert.equal(connectionNamed('keep-alive'), undefined);
    assert.equal(connectionNamed('Close'), undefined);
    assert.deepEqual([...connectionNamed('X-A, keep-alive ,x-b')!], ['x-a', 'x-b']);
  });

  test('request: hop-by-hop, named fields, Expect and X-Forwarded-* are dropped; order and spelling kept', () => {
    const f = facts();
    const out = requestHeaders(
      ['Host', 'a.test', 'Connection', 'X-Secret, keep-alive', 'X-Secret', '1', 'Accept', '*/*', 'Expect', '100-continue', 'Content-Length', '5', 'X-Forwarded-For', '1.1.1.1', 'x-forwarded-for', '2.2.2.2', 'X-Forwarded-Proto', 'https', 'TE', 'trailers', 'Keep-Alive', 'timeout=1', 'X-Custom', 'v'],
      f,
    );
    assert.deepEqual(out, ['Host', 'a.test', 'Accept', '*/*', 'Content-Length', '5', 'X-Custom', 'v']);
    assert.equal(f.host, 'a.test');
    assert.equal(f.hasBody, true);
    assert.equal(f.xff, '1.1.1.1, 2.2.2.2');
    assert.equal(f.xfp, 'https');
    assert.equal(f.xfh, undefined);
  });

  test('request: a second Host or Content-Length is dropped; chunked bodies are bodies; zero length is not', () => {
    let f = facts();
    assert.deepEqual(requestHeaders(['Host', 'a', 'host', 'b', 'Content-Length', '0', 'content-length', '0'], f), ['Host', 'a', 'Content-Length', '0']);
    assert.equal(f.hasBody, false);
    f = facts();
    assert.deepEqual(requestHeaders(['Transfer-Encoding', 'chunked'], f), []);
    assert.equal(f.hasBody, true);
  });

  test('request: an upgrade is noticed only with Connection: upgrade', () => {
    let f = facts();
    requestHeaders(['Connection', 'Upgrade', 'Upgrade', 'websocket'], f);
    assert.equal(f.upgrade, 'websocket');
    f = facts();
    requestHeaders(['Upgrade', 'websocket'], f);
    assert.equal(f.upgrade, '');
  });

  test('response: Buffers become latin1 strings; hop-by-hop and Connection-named fields are dropped', () => {
    const raw = ['Content-Type', 'text/plain', 'Connection', 'X-Hop', 'X-Hop', 'y', 'Transfer-Encoding', 'chunked', 'X-Bytes', 'caf\xe9', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2'].map((s) => Buffer.from(s, 'latin1'));
    const out = responseHeaders(raw);
    assert.deepEqual(out, ['Content-Type', 'text/plain', 'X-Bytes', 'caf\xe9', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
    assert.equal(headerValue(out, 'set-cookie'), 'a=1');
    assert.equal(headerValue(out, 'x-missing'), undefined);
  });
});
