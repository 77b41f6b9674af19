import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../handlers/types';
import { compileMatch, hostMatcher, pathMatcher } from './match';
import { hostOnly } from './context';

function ctx(over: Partial<RequestContext> & { headers?: Record<string, string> } = {}): RequestContext {
  return {
    host: 'example.com', path: '/', query: '', method: 'GET', remoteIp: '127.0.0.1', clientIp: '127.0.0.1',
    req: { headers: over.headers ?? {} }, ...over,
  } as unknown as RequestContext;
}

describe('route matching (Caddy semantics)', () => {
  test('path: exact, prefix, suffix, contains, middle glob; case-insensitive', () => {
    const m = (pats: string[], path: string) => pathMatcher(pats)(ctx({ path }));
    assert.equal(m(['/exact'], '/exact'), true);
    assert.equal(m(['/exact'], '/exact/'), false);
    assert.equal(m(['/api/*'], '/api/users'), true);
    assert.equal(m(['/api/*'], '/api/'), true);
    assert.equal(m(['/api/*'], '/api'), false);
    assert.equal(m(['*.css'], '/a/b.css'), true);
    assert.equal(m(['*.css'], '/a/b.js'), false);
    assert.equal(m(['*admin*'], '/x/admin/y'), true);
    assert.equal(m(['/a/*/c'], '/a/b/c'), true);
    assert.equal(m(['/API/*'], '/api/x'), true);
    assert.equal(m(['*'], '/anything'), true);
  });

  test('host: exact case-insensitive and one-label wildcards', () => {
    const m = (pats: string[], host: string) => hostMatcher(pats)(ctx({ host }));
    assert.equal(m(['Example.com'], 'example.com'), true);
    assert.equal(m(['*.example.com'], 'a.example.com'), true);
    assert.equal(m(['*.example.com'], 'a.b.example.com'), false);
    assert.equal(m(['*.example.com'], 'example.com'), false);
  });

  test('sets: AND inside a set, OR across sets; no matchers match everything', () => {
    const m = compileMatch([{ host: ['a.com'], path: ['/x/*'] }, { method: ['POST'] }])!;
    assert.equal(m(ctx({ host: 'a.com', path: '/x/1' })), true);
    assert.equal(m(ctx({ host: 'a.com', path: '/y' })), false);
    assert.equal(m(ctx({ host: 'b.com', path: '/y', method: 'POST' })), true);
    assert.equal(compileMatch(undefined), undefined);
    assert.equal(compileMatch([]), undefined);
  });

  test('header, query and remote_ip matchers', () => {
    const h = compileMatch([{ header: { 'X-Env': ['prod*'] } }])!;
    assert.equal(h(ctx({ headers: { 'x-env': 'production' } })), true);
    assert.equal(h(ctx({ headers: { 'x-env': 'dev' } })), false);
    assert.equal(h(ctx()), false);
    const q = compileMatch([{ query: { v: ['2'] } }])!;
    assert.equal(q(ctx({ query: 'a=1&v=2' })), true);
    assert.equal(q(ctx({ query: 'v=3' })), false);
    const ip = compileMatch([{ remote_ip: { ranges: ['10.0.0.0/8', '::1'] } }])!;
    assert.equal(ip(ctx({ remoteIp: '10.1.2.3' })), true);
    assert.equal(ip(ctx({ remoteIp: '::ffff:10.1.2.3' })), true);
    assert.equal(ip(ctx({ remoteIp: '::1' })), true);
    assert.equal(ip(ctx({ remoteIp: '127.0.0.1' })), false);
  });

  test('host header normalisation', () => {
    assert.equal(hostOnly('Example.COM:8080'), 'example.com');
    assert.equal(hostOnly('[::1]:80'), '::1');
    assert.equal(hostOnly(undefined), '');
  });
});
