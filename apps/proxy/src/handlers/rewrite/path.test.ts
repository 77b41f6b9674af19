import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanPath, escapePathValue, normalizePath, normalizeQuery, queryEscape, trimPathPrefix, trimPathSuffix } from './path';

describe('cleanPath (Go path.Clean keeping a trailing slash)', () => {
  const cases: [string, boolean, string][] = [
    ['/', true, '/'],
    ['/a//b/', true, '/a/b/'],
    ['/a//b/', false, '/a//b/'],
    ['/a/./b/../c', true, '/a/c'],
    ['/../x', true, '/x'],
    ['/a//../b', false, '/a/b'],
    ['/a/..', true, '/'],
  ];
  for (const [p, merge, want] of cases) test(`${p} merge=${merge}`, () => assert.equal(cleanPath(p, merge), want));
});

describe('trimPathPrefix / trimPathSuffix compare decoded and case-insensitively', () => {
  test('prefix', () => {
    assert.equal(trimPathPrefix('/API/x', '/api'), '/x');
    assert.equal(trimPathPrefix('/a%20b/c', '/a b'), '/c');
    assert.equal(trimPathPrefix('/a%20b/c', '/a%20b'), '/c');
    assert.equal(trimPathPrefix('/a b/c', '/a%20b'), '/a b/c');
    assert.equal(trimPathPrefix('/ap', '/api'), '/ap');
    assert.equal(trimPathPrefix('/%C3%A9/x', '/é'), '/x');
  });
  test('suffix', () => {
    assert.equal(trimPathSuffix('/a/b.HTML', '.html'), '/a/b');
    assert.equal(trimPathSuffix('/a/b%2Ehtml', '.html'), '/a/b');
    assert.equal(trimPathSuffix('/a/b.htm', '.html'), '/a/b.htm');
  });
});

describe('escaping', () => {
  test('normalizePath keeps valid escapes and encodes what may not stand in a path', () => {
    assert.equal(normalizePath('/a b/%41/%zz/é?#'), '/a%20b/%41/%25zz/%C3%A9%3F%23');
    assert.equal(normalizePath('/ok/-._~!$&\'()*+,;=:@'), '/ok/-._~!$&\'()*+,;=:@');
  });
  test('normalizeQuery allows ? and /', () => assert.equal(normalizeQuery('a=/x?y z'), 'a=/x?y%20z'));
  test('escapePathValue treats % as data', () => assert.equal(escapePathValue('50%/a?b'), '50%25/a%3Fb'));
  test('queryEscape is Go url.QueryEscape', () => assert.equal(queryEscape("a b&c=d/é!'"), 'a+b%26c%3Dd%2F%C3%A9%21%27'));
});
