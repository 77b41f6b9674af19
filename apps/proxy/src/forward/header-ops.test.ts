import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../handlers/types';
import { compileHeaderOps, statusMatches } from './header-ops';
import { compileTemplate, cookieValue, expand, type PlaceholderScope } from './placeholders';

function scope(over: Partial<PlaceholderScope> = {}): PlaceholderScope {
  const ctx = {
    req: { headers: { host: 'shop.test:8080', 'x-id': '42', cookie: 'a=1; sess="xyz"' }, httpVersion: '1.1', url: '/orig?x=1' },
    scheme: 'http', remoteIp: '10.0.0.7', remotePort: 5555, clientIp: '203.0.113.1', method: 'GET', host: 'shop.test', path: '/p', query: 'k=v&k=w',
  } as unknown as RequestContext;
  return { ctx, upstreamAddress: '127.0.0.1:9001', upstreamRequests: 3, upstreamFails: 0, responseStatus: 0, responseHeaderList: undefined, ...over };
}

describe('placeholders', () => {
  test('request and upstream placeholders expand; unknown ones stay literal', () => {
    const t = compileTemplate('{http.request.remote.host}|{http.request.host}|{http.request.hostport}|{http.request.uri}|{http.request.header.X-Id}|{http.request.uri.query.k}|{http.request.cookie.sess}|{http.reverse_proxy.upstream.hostport}|{http.reverse_proxy.upstream.port}|{nope}|\\{lit\\}');
    assert.equal(expand(t, scope()), '10.0.0.7|shop.test|shop.test:8080|/p?k=v&k=w|42|v|xyz|127.0.0.1:9001|9001|{nope}|{lit}');
    assert.equal(t.perUpstream, true);
    const c = compileTemplate('plain {not a placeholder}');
    assert.equal(c.constant, 'plain {not a placeholder}');
    assert.equal(c.perUpstream, false);
  });

  test('cookie values are found by exact name', () => {
    assert.equal(cookieValue('lb=abc; lbx=no', 'lb'), 'abc');
    assert.equal(cookieValue('xlb=abc', 'lb'), undefined);
  });
});

describe('header operations', () => {
  test('add, set (joined with ","), delete with wildcards, then replace', () => {
    const rules = compileHeaderOps({
      add: { 'X-List': ['a'] },
      set: { 'X-One': ['1', '{http.request.method}'] },
      delete: ['x-gone', 'X-Pre-*', '*-suf'],
      replace: { 'X-List': [{ search: 'a', replace: 'A' }], '*': [{ search_regexp: 'secret(\\d)', replace: 'redacted${1}' }] },
    })!;
    const h = ['X-List', 'zero', 'X-One', 'old', 'X-Gone', '1', 'X-Pre-Thing', '1', 'Thing-Suf', '1', 'X-Keep', 'secret7'];
    rules.apply(h, scope());
    assert.deepEqual(h, ['X-List', 'zero', 'X-Keep', 'redacted7', 'X-List', 'A', 'X-One', '1,GET']);
  });

  test('delete "*" clears everything before later ops apply', () => {
    const rules = compileHeaderOps({ delete: ['*'], set: { 'X-After': ['1'] } })!;
    const h = ['A', '1', 'B', '2'];
    rules.apply(h, scope());
    assert.deepEqual(h, []);
  });

  test('response require: status codes (with classes) and header presence/values', () => {
    const rules = compileHeaderOps({ set: { X: ['1'] }, require: { status_code: [2, 404], headers: { 'Content-Type': ['text/*'] } } })!;
    assert.equal(rules.applies(200, ['Content-Type', 'text/html']), true);
    assert.equal(rules.applies(404, ['content-type', 'text/plain']), true);
    assert.equal(rules.applies(500, ['Content-Type', 'text/html']), false);
    assert.equal(rules.applies(200, ['Content-Type', 'application/json']), false);
    assert.equal(rules.applies(200, []), false);
    assert.ok(statusMatches(503, 5) && !statusMatches(503, 4) && statusMatches(418, 418));
  });

  test('a bad regexp is reported with its path; empty ops compile to nothing', () => {
    assert.throws(() => compileHeaderOps({ replace: { 'X-A': [{ search_regexp: '(' }] } }), (e: Error & { path?: string }) => e.path === '/replace/X-A/0/search_regexp');
    assert.equal(compileHeaderOps({}), undefined);
  });
});
