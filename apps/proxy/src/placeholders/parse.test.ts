import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTemplate } from './parse';

const known = (n: string) => n === 'x' || n === 'http.request.host';

describe('parseTemplate follows Caddy\'s replacer scan', () => {
  const cases: [string, boolean, unknown[]][] = [
    ['plain', false, ['plain']],
    ['', false, []],
    ['a{x}b', false, ['a', { name: 'x' }, 'b']],
    ['{x}{x}', false, [{ name: 'x' }, { name: 'x' }]],
    ['a{u}b', false, ['a{u}b']],
    ['a{u}b', true, ['ab']],
    ['\\{x\\}', false, ['{x}']],
    ['a\\}b', false, ['a\\}b']],
    ['{a{x}}', false, ['{a', { name: 'x' }, '}']],
    ['{x', false, ['{x']],
    // unknown placeholder kept; the escaped brace inside it still loses its backslash
    ['{x\\}y}', false, ['{x}y}']],
    ['pre {http.request.host} post', false, ['pre ', { name: 'http.request.host' }, ' post']],
  ];
  for (const [src, drop, want] of cases) {
    test(`${JSON.stringify(src)} (${drop ? 'drop' : 'keep'} unknown)`, () => {
      assert.deepEqual(parseTemplate(src, known, drop), want);
    });
  }
});
