import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContext } from '../runtime/context';
import { blockList } from '../runtime/match';
import type { ServerRuntime } from '../runtime/build';
import { compileTemplate, type Template, type TemplateOptions } from './index';
import { request } from './harness';

// A real server: each request evaluates the templates named by ?t= against its own context.
const templates = new Map<string, Template>();
const srv = { trusted: blockList(['127.0.0.0/8']), clientIpHeaders: ['x-forwarded-for'] } as unknown as ServerRuntime;
let server: http.Server;
let port = 0;

function expand(src: string, opts?: TemplateOptions): Template {
  const key = JSON.stringify([src, opts?.unknown]);
  let t = templates.get(key);
  if (!t) templates.set(key, (t = compileTemplate(src, opts)));
  return t;
}

async function evaluate(src: string, path = '/a%20b/c.txt?k=v%20w&k=2', headers: http.OutgoingHttpHeaders = {}, unknown?: 'keep' | 'empty'): Promise<string> {
  const id = encodeURIComponent(JSON.stringify([src, unknown]));
  expand(src, { unknown });
  const sep = path.includes('?') ? '&' : '?';
  const r = await request(port, `${path}${sep}__t=${id}`, { headers });
  return r.body.toString();
}

before(async () => {
  server = http.createServer((req, res) => {
    const ctx = createContext(srv, req, res, 'http');
    const u = new URL(req.url!, 'http://x');
    const t = templates.get(u.searchParams.get('__t')!)!;
    // strip the harness parameter so the template sees the caller's query only
    ctx.query = ctx.query.replace(/&?__t=[^&]*$/, '');
    if (ctx.path.endsWith('/up')) ctx.upstream = '[::1]:9001';
    res.end(t(ctx));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((r) => server.close(() => r())));

describe('compileTemplate', () => {
  test('a string without braces compiles to a constant', () => {
    const t = compileTemplate('no placeholders here');
    assert.equal(t.constant, 'no placeholders here');
  });

  test('request placeholders read the live request', async () => {
    const out = await evaluate('{http.request.method}|{http.request.scheme}|{http.request.proto}|{http.request.host}|{http.request.hostport}|{http.request.port}', '/p', { host: 'Example.COM:8080' });
    assert.equal(out, 'GET|http|HTTP/1.1|example.com|Example.COM:8080|8080');
  });

  test('uri is escaped, uri.path decoded, query raw, query.KEY decoded first value', async () => {
    const out = await evaluate('{http.request.uri}|{http.request.uri.path}|{http.request.uri.query}|{http.request.uri.query.k}|{http.request.uri.path.file}|{http.request.uri.path.dir}');
    assert.equal(out, '/a%20b/c.txt?k=v%20w&k=2|/a b/c.txt|k=v%20w&k=2|v w|c.txt|/a b/');
  });

  test('remote address parts, client IP after trusted proxies, headers and cookies', async () => {
    const out = await evaluate('{http.request.remote.host}|{http.request.client_ip}|{http.request.header.X-Thing}|{http.request.cookie.b}|{http.request.cookie.none}', '/p', {
      'x-forwarded-for': '203.0.113.9', 'x-thing': 'v1', cookie: 'a=1; b="two"',
    });
    assert.equal(out, '127.0.0.1|203.0.113.9|v1|two|');
    const [remote, rport] = (await evaluate('{http.request.remote}|{http.request.remote.port}')).split('|');
    assert.match(rport!, /^\d+$/);
    assert.equal(remote, `127.0.0.1:${rport}`);
  });

  test('upstream placeholders are unknown until an upstream is chosen', async () => {
    assert.equal(await evaluate('{http.reverse_proxy.upstream.hostport}', '/p'), '{http.reverse_proxy.upstream.hostport}');
    assert.equal(await evaluate('{http.reverse_proxy.upstream.hostport}', '/p', {}, 'empty'), '');
    assert.equal(await evaluate('{http.reverse_proxy.upstream.hostport}|{http.reverse_proxy.upstream.host}|{http.reverse_proxy.upstream.port}', '/up'), '[::1]:9001|::1|9001');
  });

  test('unknown placeholders stay (ReplaceKnown) or vanish (ReplaceAll); escapes are literal braces', async () => {
    assert.equal(await evaluate('a{foo.bar}b \\{http.request.method\\}'), 'a{foo.bar}b {http.request.method}');
    assert.equal(await evaluate('a{foo.bar}b', '/p', {}, 'empty'), 'ab');
    assert.equal(await evaluate('{x{http.request.method}}'), '{xGET}');
  });

  test('env and host labels', async () => {
    process.env['SY_TEST_VALUE'] = 'from-env';
    assert.equal(await evaluate('{env.SY_TEST_VALUE}|{http.request.host.labels.0}|{http.request.host.labels.1}', '/p', { host: 'api.example.com' }), 'from-env|com|example');
  });
});
