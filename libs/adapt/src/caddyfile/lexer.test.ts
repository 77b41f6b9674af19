import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { replaceEnvVars, tokenize } from './lexer';
import { formatCaddyfile, formattingDifference } from './format';
import { parseGoDuration, parseBytes } from './units';

describe('tokenize', () => {
  test('quotes, escapes, backticks and comments follow Caddy 2.6', () => {
    const toks = tokenize('a "b \\"c\\" d\\e" `raw "x"` #comment\nx#y', 'F');
    assert.deepEqual(toks.map((t) => [t.text, t.line, t.quote]), [
      ['a', 1, ''], ['b "c" d\\e', 1, '"'], ['raw "x"', 1, '`'], ['x#y', 2, ''],
    ]);
  });
  test('a backslash before a newline continues the line', () => {
    const toks = tokenize('a \\\n  b\nc', 'F');
    assert.deepEqual(toks.map((t) => [t.text, t.line]), [['a', 1], ['b', 1], ['c', 3]]);
  });
});

describe('replaceEnvVars', () => {
  test('substitutes values and defaults, once, without recursion', () => {
    assert.equal(replaceEnvVars(':{$P:80} {$H} {$X:a:b} {$}', { P: '8080', H: '{$P}' }), ':8080 {$P} a:b {$}');
  });
});

describe('formatCaddyfile (checked against `caddy fmt` 2.6.2)', () => {
  test('indents with tabs, single spaces between tokens, a space before braces', () => {
    assert.equal(formatCaddyfile('a{\n  b  c {\nd\n}\n}\ne {\n}'), 'a {\n\tb c {\n\t\td\n\t}\n}\ne {\n}\n');
  });
  test('drops blank lines after an opening brace, keeps comments and quoted text', () => {
    assert.equal(formatCaddyfile(':1 {\n\n\n\n\t# c  {\n\trespond "a   {b"\n}'), ':1 {\n\t# c  {\n\trespond "a   {b"\n}\n');
    assert.equal(formatCaddyfile('a\n\n\n\nb'), 'a\n\nb\n');
  });
  test('the warning points at the first differing line; formatted input gives none', () => {
    assert.equal(formattingDifference('F', ':1 {\n\trespond "x"\n}\n'), null);
    assert.equal(formattingDifference('F', ':1 {\n\trespond "x"\n  }\n')?.line, 3);
    assert.equal(formattingDifference('F', ':1 {\r\n\trespond "x"\r\n}\r\n'), null);
  });
});

describe('durations and sizes', () => {
  test('Go duration syntax plus days, in nanoseconds', () => {
    assert.equal(parseGoDuration('1.5s'), 1_500_000_000);
    assert.equal(parseGoDuration('1h2m3s'), 3_723_000_000_000);
    assert.equal(parseGoDuration('250ms'), 250_000_000);
    assert.equal(parseGoDuration('1d'), 86_400_000_000_000);
    assert.equal(parseGoDuration('-1us'), -1000);
    assert.equal(parseGoDuration('0'), 0);
    assert.throws(() => parseGoDuration('10'), /missing unit/);
    assert.throws(() => parseGoDuration('5x'), /unknown unit/);
  });
  test('humanize byte sizes', () => {
    assert.equal(parseBytes('4k'), 4000);
    assert.equal(parseBytes('4KiB'), 4096);
    assert.equal(parseBytes('1.5MB'), 1_500_000);
    assert.throws(() => parseBytes('4q'));
  });
});
