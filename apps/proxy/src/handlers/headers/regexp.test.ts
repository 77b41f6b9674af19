import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { goRegExp, goReplaceAll, groupCount, parseGoTemplate } from './regexp';

function replace(value: string, re: string, tpl: string): string {
  const r = goRegExp(re);
  return goReplaceAll(value, r, parseGoTemplate(tpl), groupCount(r));
}

describe('Go regexp replacement semantics (as caddy 2.6.2 produced them)', () => {
  test('numbered groups, braces, and Go\'s longest-name rule', () => {
    assert.equal(replace('a b&c', '(a) (b)', '$2-$1'), 'b-a&c');
    assert.equal(replace('a b&c', '(a)', '${1}x'), 'ax b&c');
    assert.equal(replace('a b&c', '(a)', '$1x'), ' b&c');
  });
  test('named groups with (?P<name>), $$ and a malformed $', () => {
    assert.equal(replace('a b&c', '(?P<first>a)', '[${first}]$$'), '[a]$ b&c');
    assert.equal(replace('abc', 'b', '$-'), 'a$-c');
  });
  test('leading (?i) becomes a flag; every match is replaced', () => {
    assert.equal(replace('A b a', '(?i)A', 'k'), 'k b k');
  });
  test('invalid patterns throw', () => {
    assert.throws(() => goRegExp('(unclosed'));
  });
});
