import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicy, POLICY_NAMES, PolicyConfigError } from './index';

/** Asserts createPolicy throws a PolicyConfigError at `path`. */
function rejects(config: unknown, path: string, message?: RegExp): void {
  assert.throws(
    () => createPolicy(config as never),
    (e: unknown) => {
      assert.ok(e instanceof PolicyConfigError, String(e));
      assert.equal(e.path, path, e.message);
      if (message) assert.match(e.message, message);
      return true;
    },
  );
}

test('absent selection_policy means random, as in Caddy', () => {
  assert.equal(createPolicy(undefined).name, 'random');
});

test('every policy builds from its minimal config', () => {
  const minimal: Record<string, object> = { header: { field: 'X-A' }, query: { key: 'k' } };
  for (const policy of POLICY_NAMES) {
    assert.equal(createPolicy({ policy, ...minimal[policy] }).name, policy);
  }
});

test('full configs from Caddy docs build', () => {
  createPolicy({ policy: 'random_choose', choose: 3 });
  createPolicy({ policy: 'weighted_round_robin', weights: [5, 3, 0, 1] });
  createPolicy({ policy: 'cookie', name: 'lb_sticky', secret: 'secret123', fallback: { policy: 'least_conn' } });
  createPolicy({ policy: 'header', field: 'Host', fallback: { policy: 'round_robin' } });
  createPolicy({ policy: 'query', key: 'user', fallback: { policy: 'random_choose', choose: 2 } });
  createPolicy({ policy: 'round_robin', '@id': 'lb_policy' });
});

test('unknown or missing policy names are rejected at /policy', () => {
  rejects({ policy: 'fastest' }, '/policy', /unknown selection policy "fastest"/);
  rejects({ policy: 'toString' }, '/policy');
  rejects({ policy: '__proto__' }, '/policy');
  rejects({}, '/policy');
  rejects({ policy: 3 }, '/policy');
  rejects(null, '');
  rejects([{ policy: 'random' }], '');
});

test('unknown fields are rejected at their own path', () => {
  rejects({ policy: 'random', choose: 2 }, '/choose', /unknown field "choose"/);
  rejects({ policy: 'round_robin', fallback: { policy: 'first' } }, '/fallback');
  rejects({ policy: 'header', field: 'X', extra: 1 }, '/extra');
  rejects({ policy: 'query', key: 'k', 'a/b': 1 }, '/a~1b');
});

test('random_choose: choose must be an integer >= 1', () => {
  for (const choose of [0, -1, 1.5, '2', null]) rejects({ policy: 'random_choose', choose }, '/choose');
});

test('weighted_round_robin: weights must be non-negative integers with a positive total', () => {
  rejects({ policy: 'weighted_round_robin', weights: [1, -1] }, '/weights/1');
  rejects({ policy: 'weighted_round_robin', weights: [1.5] }, '/weights/0');
  rejects({ policy: 'weighted_round_robin', weights: ['1'] }, '/weights/0');
  rejects({ policy: 'weighted_round_robin', weights: [0, 0] }, '/weights', /positive total/);
  rejects({ policy: 'weighted_round_robin', weights: [] }, '/weights');
  rejects({ policy: 'weighted_round_robin', weights: 3 }, '/weights');
});

test('header needs a valid field, query a key, cookie a valid name', () => {
  rejects({ policy: 'header' }, '/field', /required/);
  rejects({ policy: 'header', field: '' }, '/field');
  rejects({ policy: 'header', field: 'X A' }, '/field');
  rejects({ policy: 'query' }, '/key');
  rejects({ policy: 'query', key: 7 }, '/key');
  rejects({ policy: 'cookie', name: 'a;b' }, '/name');
  rejects({ policy: 'cookie', secret: 1 }, '/secret');
});

test('errors inside a fallback carry the nested path', () => {
  rejects({ policy: 'header', field: 'X', fallback: { policy: 'nope' } }, '/fallback/policy');
  rejects({ policy: 'cookie', fallback: { policy: 'random_choose', choose: 0 } }, '/fallback/choose');
  rejects({ policy: 'query', key: 'k', fallback: 'random' }, '/fallback');
  rejects({ policy: 'query', key: 'k', fallback: { policy: 'header', fallback: { policy: 'first' } } }, '/fallback/field');
});

test('a runaway fallback chain is rejected', () => {
  let doc: Record<string, unknown> = { policy: 'random' };
  for (let i = 0; i < 20; i++) doc = { policy: 'query', key: 'k', fallback: doc };
  assert.throws(() => createPolicy(doc as never), PolicyConfigError);
});

test('the error message includes the path', () => {
  const e = (() => { try { createPolicy({ policy: 'random_choose', choose: 0 }); } catch (x) { return x; } })();
  assert.ok(e instanceof PolicyConfigError);
  assert.equal(e.message, '/choose: choose must be an integer >= 1');
});
