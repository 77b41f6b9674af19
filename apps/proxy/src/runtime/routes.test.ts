import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RouteConfig } from '@switchyard/shared';
import type { Handler, RequestContext } from '../handlers/types';
import { HostRegistry } from '../upstream/registry';
import { compileRoutes, type HandlerFactory } from './routes';

/** A factory of recording handlers: `{handler:"static_response", body:"x"}` records x; "terminal" ones stop. */
function recorder(log: string[]): HandlerFactory {
  return (cfg) => {
    const c = cfg as { handler: string; body?: string; status_code?: number };
    const h: Handler = {
      name: c.handler,
      async handle(ctx, next) {
        log.push(c.body ?? '?');
        if (c.status_code === undefined) await next(ctx);
      },
    };
    return h;
  };
}

function run(routes: RouteConfig[], path: string): string[] {
  const log: string[] = [];
  const list = compileRoutes(routes, '/routes', { registry: new HostRegistry() }, recorder(log));
  const ctx = { path, host: '', method: 'GET', responseHooks: [], res: { headersSent: false, writeHead() {}, end() {} } } as unknown as RequestContext;
  const END = async () => { log.push('END'); };
  void list.run(ctx, 0, END);
  return log;
}

const h = (body: string, terminal = false) => ({ handler: 'headers', body, ...(terminal ? { status_code: 200 } : {}) }) as never;

test('matching routes chain in order; non-matching ones are skipped', () => {
  const log = run([
    { match: [{ path: ['/a/*'] }], handle: [h('a1'), h('a2')] },
    { match: [{ path: ['/b/*'] }], handle: [h('b')] },
    { handle: [h('all')] },
  ], '/a/x');
  assert.deepEqual(log, ['a1', 'a2', 'all', 'END']);
});

test('a terminal route stops the chain after its handlers', () => {
  const log = run([
    { match: [{ path: ['/a/*'] }], handle: [h('a')], terminal: true },
    { handle: [h('all')] },
  ], '/a/x');
  assert.deepEqual(log, ['a']);
});

test('a handler that answers does not call next', () => {
  const log = run([{ handle: [h('first', true), h('never')] }, { handle: [h('never2')] }], '/');
  assert.deepEqual(log, ['first']);
});

test('no matching route falls through to the end handler', () => {
  assert.deepEqual(run([{ match: [{ path: ['/x'] }], handle: [h('x')] }], '/y'), ['END']);
});
