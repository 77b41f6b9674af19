/**
 * Rewrite cases with the URI (and method) the upstream receives, measured against caddy 2.6.2
 * (`caddy: true`) or documented deviations (`caddy: false`, with why). Shared by the handler
 * test and the live Caddy oracle test. Test data only.
 */
export interface RewriteCase {
  readonly rw: Record<string, unknown>;
  readonly from: string;
  readonly want: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly caddy: boolean;
  readonly why?: string;
}

export const REWRITE_CASES: readonly RewriteCase[] = [
  { rw: { uri: '/new{http.request.uri.path}?x=1' }, from: '/a/b?y=2', want: '/new/a/b?x=1', caddy: true },
  { rw: { uri: '?z=3' }, from: '/a?y=2', want: '/a?z=3', caddy: true },
  { rw: { uri: '/foo' }, from: '/a?y=2', want: '/foo?y=2', caddy: true },
  { rw: { uri: '?' }, from: '/a?y=2', want: '/a', caddy: true },
  { rw: { uri: '?{http.request.uri.query}&a=b' }, from: '/a?y=2', want: '/a?y=2&a=b', caddy: true },
  { rw: { uri: '/u{http.request.uri}' }, from: '/a/b?y=2', want: '/u/a/b?y=2', caddy: true },
  { rw: { uri: '/p/{http.request.uri.query.y}' }, from: '/a/b?y=hello%20w', want: '/p/hello%20w?y=hello%20w', caddy: true },
  { rw: { uri: '{http.request.uri.path}/' }, from: '/dir?k', want: '/dir/?k', caddy: true },
  { rw: { uri: '/a#frag' }, from: '/dir?k', want: '/a?k', caddy: true },
  { rw: { uri: '/unk{foo.bar}' }, from: '/dir', want: '/unk', caddy: true },
  { rw: { uri: '/q?k={http.request.header.X-Thing}' }, from: '/z', want: '/q?k=a+b%26c', caddy: true },
  { rw: { uri: '/q?{http.request.header.X-Thing}=v' }, from: '/z', want: '/q?a+b%26c=v', caddy: true },
  { rw: { uri: '/q?a={http.request.uri.query}' }, from: '/z?m=1&n=2', want: '/q?a=m%3D1%26n%3D2', caddy: true },
  { rw: { uri: '/é' }, from: '/z', want: '/%C3%A9', caddy: true },
  { rw: { uri: '/a b' }, from: '/z', want: '/a%20b', caddy: true },
  { rw: { uri: '/x\\{y\\}' }, from: '/z', want: '/x%7By%7D', caddy: true },
  { rw: { method: 'post' }, from: '/m', want: '/m', method: 'POST', caddy: true },
  { rw: { method: '{http.request.header.X-M}' }, from: '/m', want: '/m', method: 'PUT', headers: { 'x-m': 'put' }, caddy: true },
  { rw: { strip_path_prefix: '/api' }, from: '/api/users?q=1', want: '/users?q=1', caddy: true },
  { rw: { strip_path_prefix: '/api' }, from: '/API/users', want: '/users', caddy: true },
  { rw: { strip_path_prefix: '/api' }, from: '/api', want: '/', caddy: true },
  { rw: { strip_path_prefix: '/api/' }, from: '/api/', want: '/', caddy: true },
  { rw: { strip_path_prefix: '/api' }, from: '/api?x', want: '/?x', caddy: true },
  { rw: { strip_path_prefix: 'api' }, from: '/api/x', want: '/api/x', caddy: true },
  { rw: { strip_path_prefix: '/api' }, from: '//api/x', want: '/x', caddy: true },
  { rw: { strip_path_prefix: '/api' }, from: '/api/../etc', want: '/etc', caddy: true },
  { rw: { strip_path_prefix: '/api' }, from: '/x//y/../z', want: '/x/z', caddy: true },
  { rw: { strip_path_prefix: '/a b' }, from: '/a%20b/c', want: '/c', caddy: true },
  { rw: { strip_path_prefix: '/a//b' }, from: '/a//b/c', want: '/c', caddy: true },
  { rw: { strip_path_prefix: '/api', uri: '/pre{http.request.uri.path}' }, from: '/api/x', want: '/pre/api/x', caddy: true },
  { rw: { strip_path_suffix: '.html' }, from: '/a/b.html', want: '/a/b', caddy: true },
  { rw: { strip_path_suffix: '.HTML' }, from: '/a/b.html', want: '/a/b', caddy: true },
  { rw: { strip_path_suffix: '/b' }, from: '/a//b', want: '/a', caddy: true },
  { rw: { uri_substring: [{ find: '/old/', replace: '/new/' }] }, from: '/old/x/old/y?p=/old/', want: '/new/x/new/y?p=/new/', caddy: true },
  { rw: { uri_substring: [{ find: '/old/', replace: '/new/', limit: 1 }] }, from: '/old/x/old/y?p=/old/', want: '/new/x/old/y?p=/new/', caddy: true },
  { rw: { uri_substring: [{ find: 'a', replace: 'b' }] }, from: '/aa//aa?aa', want: '/bb/bb?bb', caddy: true },
  { rw: { uri_substring: [{ find: 'x', replace: 'y' }] }, from: '/a/../b/x', want: '/b/y', caddy: true },
  { rw: { uri_substring: [{ find: '%20', replace: '_' }] }, from: '/a%20b?c%20d', want: '/a_b?c_d', caddy: true },
  {
    rw: { strip_path_prefix: '/api' }, from: '/apix', want: '/x', caddy: false,
    why: 'caddy 2.6.2 forwards the relative path "x" (an invalid request line); later Caddy anchors it as here',
  },
  {
    rw: { uri: '/x/{http.request.header.X-Thing}' }, from: '/z?q=1', want: '/x/a%3Fb=1?q=1', headers: { 'x-thing': 'a?b=1' }, caddy: false,
    why: 'a "?" in a header value is data in the path here; caddy 2.6.2 cuts the value there (/x/a?q=1)',
  },
  {
    rw: { uri: '/n{http.request.uri.path}' }, from: '/a%20b/c%2Fd', want: '/n/a%20b/c%2Fd', caddy: false,
    why: 'the escaped path is kept; caddy 2.6.2 decodes %2F into a separator (/n/a%20b/c/d), later Caddy keeps it',
  },
];
