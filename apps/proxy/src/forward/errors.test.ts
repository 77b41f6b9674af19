import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ERROR_CATALOGUE } from '@switchyard/shared';
import { CLIENT_CLOSED, NO_UPSTREAM, classifyError } from './errors';

const err = (code: string, name = 'Error'): Error => Object.assign(new Error(code), { code, name });

describe('upstream errors map to statuses in one place', () => {
  test('before the request was written every error is a dial error: 502, retryable, upstream at fault', () => {
    for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND', 'ECONNRESET', 'UND_ERR_SOCKET']) {
      const f = classifyError(err(code), false);
      assert.deepEqual([f.code, f.status, f.sent, f.upstreamFault, f.final], ['PRX_ERR_DIAL', 502, false, true, false], code);
    }
  });

  test('timeouts are 504: dial (never sent), response header and read (sent)', () => {
    assert.deepEqual([classifyError(err('UND_ERR_CONNECT_TIMEOUT'), false).status, classifyError(err('UND_ERR_CONNECT_TIMEOUT'), false).sent], [504, false]);
    assert.deepEqual([classifyError(err('UND_ERR_HEADERS_TIMEOUT'), true).code, classifyError(err('UND_ERR_HEADERS_TIMEOUT'), true).status], ['PRX_ERR_HEADER_TIMEOUT', 504]);
    assert.equal(classifyError(err('UND_ERR_BODY_TIMEOUT'), true).code, 'PRX_ERR_READ_TIMEOUT');
  });

  test('after the request was written: resets are UPSTREAM_CLOSED, parse errors BAD_RESPONSE, both 502', () => {
    assert.equal(classifyError(err('ECONNRESET'), true).code, 'PRX_ERR_UPSTREAM_CLOSED');
    assert.equal(classifyError(err('UND_ERR_SOCKET'), true).code, 'PRX_ERR_UPSTREAM_CLOSED');
    assert.equal(classifyError(err('HPE_INVALID_CONSTANT', 'HTTPParserError'), true).code, 'PRX_ERR_BAD_RESPONSE');
    assert.equal(classifyError(err('UND_ERR_RES_CONTENT_LENGTH_MISMATCH'), true).status, 502);
  });

  test('our own and the client\'s faults are final and not counted against the upstream', () => {
    const bad = classifyError(err('UND_ERR_INVALID_ARG'), false);
    assert.deepEqual([bad.code, bad.final, bad.upstreamFault], ['PRX_ERR_BAD_REQUEST', true, false]);
    assert.equal(classifyError(err('UND_ERR_ABORTED'), true), CLIENT_CLOSED);
    assert.equal(classifyError(err('UND_ERR_CLOSED'), false).upstreamFault, false);
    assert.deepEqual([NO_UPSTREAM.status, NO_UPSTREAM.sent, NO_UPSTREAM.upstreamFault], [503, false, false]);
  });

  test('every code used here is in the catalogue with the status we answer', () => {
    const failures = [NO_UPSTREAM, CLIENT_CLOSED, ...['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ECONNRESET', 'HPE_X', 'UND_ERR_INVALID_ARG'].map((c) => classifyError(err(c), c !== 'UND_ERR_CONNECT_TIMEOUT'))];
    for (const f of failures) assert.equal(ERROR_CATALOGUE[f.code]?.status, f.status, f.code);
  });
});
