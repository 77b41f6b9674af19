import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJsonBody, goSyntaxError, quoteChar } from './json-body';
import { AdminError } from '../errors';

describe('Go encoding/json syntax errors', () => {
  const cases: Array<[string, string]> = [
    ['{bad json', "invalid character 'b' looking for beginning of object key string"],
    ['{"apps":', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['x', "invalid character 'x' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ['[1 2]', "invalid character '2' after array element"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['"a\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['01', "invalid character '1' after top-level value"],
    ['[01]', "invalid character '1' after array element"],
    ['tru', 'unexpected end of JSON input'],
    ['trux', "invalid character 'x' in literal true (expecting 'e')"],
    ['nul1', "invalid character '1' in literal null (expecting 'l')"],
    ['{} {}', "invalid character '{' after top-level value"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ['[[[[[[', 'unexpected end of JSON input'],
  ];
  for (const [input, want] of cases) {
    test(JSON.stringify(input), () => {
      assert.throws(() => JSON.parse(input));
      assert.equal(goSyntaxError(Buffer.from(input)), want);
    });
  }
  test('deep hostile nesting does not overflow', () => {
    assert.equal(goSyntaxError(Buffer.from('['.repeat(200_000) + 'x')), "invalid character 'x' looking for beginning of value");
  });
  test('quoteChar follows Go for controls, quotes and high bytes', () => {
    assert.equal(quoteChar(0), "'\\x00'");
    assert.equal(quoteChar(0x22), `'"'`);
    assert.equal(quoteChar(0x5c), "'\\\\'");
    assert.equal(quoteChar(0x85), "'\\u0085'");
    assert.equal(quoteChar(0xe9), "'é'");
  });
});

describe('decodeJsonBody', () => {
  test('an empty body is no value', () => {
    assert.equal(decodeJsonBody(Buffer.alloc(0)), undefined);
    assert.equal(decodeJsonBody(undefined), undefined);
  });
  test('any JSON value decodes', () => {
    assert.deepEqual(decodeJsonBody(Buffer.from(' {"a":[1,"x",null]} ')), { a: [1, 'x', null] });
    assert.equal(decodeJsonBody(Buffer.from('"s"')), 's');
  });
  test('a syntax error is 400 with Caddy\'s prefix and Go\'s wording', () => {
    assert.throws(() => decodeJsonBody(Buffer.from('{bad')), (e: unknown) => {
      assert.ok(e instanceof AdminError);
      assert.equal(e.status, 400);
      assert.equal(e.code, 'ADM_ERR_BAD_JSON');
      assert.equal(e.message, "decoding request body: invalid character 'b' looking for beginning of object key string");
      return true;
    });
  });
  test('documents nested deeper than the limit are refused', () => {
    assert.throws(() => decodeJsonBody('['.repeat(1001) + ']'.repeat(1001)), /exceeded max depth/);
    assert.deepEqual(decodeJsonBody('['.repeat(1000) + ']'.repeat(1000)) !== undefined, true);
  });
});
