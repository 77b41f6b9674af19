import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptError } from '../errors';
import { adaptCaddyfile } from './adapt';

/** [what, Caddyfile, line, message pattern] — everything outside the subset must fail loudly. */
const CASES: [string, string, number, RegExp][] = [
  ['unknown directive', ':1 {\n\trespond "x"\n\tfile_server\n}\n', 3, /unrecognized directive: file_server/],
  ['unknown directive in handle', ':1 {\n\thandle {\n\t\ttry_files {path}\n\t}\n}\n', 3, /unrecognized directive: try_files/],
  ['unknown reverse_proxy subdirective', ':1 {\n\treverse_proxy a:1 {\n\t\tbuffer_requests\n\t}\n}\n', 3, /unsupported reverse_proxy subdirective: buffer_requests/],
  ['unknown transport', ':1 {\n\treverse_proxy a:1 {\n\t\ttransport fastcgi\n\t}\n}\n', 3, /unsupported transport: fastcgi/],
  ['unknown transport option', ':1 {\n\treverse_proxy a:1 {\n\t\ttransport http {\n\t\t\ttls\n\t\t}\n\t}\n}\n', 4, /unsupported transport http subdirective: tls/],
  ['unknown policy', ':1 {\n\treverse_proxy a:1 {\n\t\tlb_policy nope\n\t}\n}\n', 3, /unsupported lb_policy: nope/],
  ['policy arguments', ':1 {\n\treverse_proxy a:1 {\n\t\tlb_policy round_robin x\n\t}\n}\n', 3, /Wrong argument count or unexpected line ending after 'x'/],
  ['random_choose without n', ':1 {\n\treverse_proxy a:1 {\n\t\tlb_policy random_choose\n\t}\n}\n', 3, /Wrong argument count/],
  ['two policies', ':1 {\n\treverse_proxy a:1 {\n\t\tlb_policy first\n\t\tlb_policy random\n\t}\n}\n', 4, /selection policy already specified/],
  ['bad duration', ':1 {\n\treverse_proxy a:1 {\n\t\thealth_interval 10\n\t}\n}\n', 3, /missing unit in duration "10"/],
  ['mixed schemes', ':1 {\n\treverse_proxy http://a b:1\n}\n', 2, /all proxy upstreams must use the same scheme/],
  ['url with path', ':1 {\n\treverse_proxy http://a/x\n}\n', 2, /only support scheme, host, and port/],
  ['unknown matcher', ':1 {\n\t@m expression {path} == "/"\n\trespond @m "x"\n}\n', 2, /unsupported matcher: expression/],
  ['CEL matcher', ':1 {\n\t@m `{path} == "/"`\n}\n', 2, /CEL expression matchers are not supported/],
  ['undefined matcher', ':1 {\n\trespond @nope "x"\n}\n', 2, /unrecognized matcher name: @nope/],
  ['duplicate matcher', ':1 {\n\t@m path /a\n\t@m path /b\n}\n', 3, /matcher is defined more than once: @m/],
  ['respond without args', ':1 {\n\trespond /a\n}\n', 2, /Wrong argument count or unexpected line ending after 'respond'/],
  ['unknown global option', '{\n\tservers {\n\t}\n}\n:1 {\n}\n', 2, /unsupported global option: servers/],
  ['unknown encoder', ':1 {\n\tencode br\n}\n', 2, /unsupported encoder: br/],
  ['log format block', ':1 {\n\tlog {\n\t\tformat json {\n\t\t\ttime_format iso8601\n\t\t}\n\t}\n}\n', 3, /unsupported log format options block/],
  ['log output net', ':1 {\n\tlog {\n\t\toutput net localhost:9\n\t}\n}\n', 3, /unsupported log output: net/],
  ['path in site address', 'localhost/api {\n}\n', 1, /paths in site addresses are not supported/],
  ['file import', ':1 {\n\timport other.caddy\n}\n', 2, /only snippets defined earlier/],
  ['unclosed block', ':1 {\n\trespond "x"\n', 2, /Unexpected EOF/],
  ['brace on same line', ':1 {\n\treverse_proxy { to a:1 }\n}\n', 2, /Unexpected next token after '\{' on same line/],
  ['stray closing brace', ':1 {\n\trespond "x" }\n}\n', 2, /Unexpected '\}'/],
  ['scheme/port conflict', 'http://localhost:443 {\n}\n', 1, /scheme and port violate convention/],
  ['ambiguous sites', ':1 {\n}\n:1 {\n}\n', 1, /ambiguous site definition: :1/],
  ['bind outside sites', ':1 {\n\thandle {\n\t\tbind 127.0.0.1\n\t}\n}\n', 2, /not an ordered HTTP handler/],
  ['header default on request side', ':1 {\n\treverse_proxy a:1 {\n\t\theader_up ?X-A b\n\t}\n}\n', 3, /can only be used on response headers/],
];

describe('unsupported Caddyfile input throws AdaptError at the offending line', () => {
  for (const [what, text, line, pattern] of CASES) {
    test(what, () => {
      assert.throws(() => adaptCaddyfile(text, 'Caddyfile', { env: {} }), (e: unknown) => {
        assert.ok(e instanceof AdaptError, `got ${String(e)}`);
        assert.equal(e.file, 'Caddyfile');
        assert.equal(e.line, line, e.toString());
        assert.match(e.message, pattern);
        return true;
      });
    });
  }

  test('toString reads like Caddy: FILE:LINE - Error during parsing: MESSAGE', () => {
    try {
      adaptCaddyfile(':1 {\n\tfoo\n}\n', 'site.caddy');
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof AdaptError);
      assert.equal(String(e), 'site.caddy:2 - Error during parsing: unrecognized directive: foo');
    }
  });
});
