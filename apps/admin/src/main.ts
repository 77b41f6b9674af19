import { parseArgs } from 'node:util';
import { startAdmin, type AdminHandle } from './start';
import { DEFAULT_ADMIN_LISTEN } from './http/listen';
import { toAdminError } from './http/reply';
import { adminError } from './errors';

export { startAdmin } from './start';

/**
 * Stand-alone admin process: `node apps/admin/dist/main.js [--listen HOST:PORT] [--data DIR]
 * [--admin-token TOKEN] [--proxy-token TOKEN] [--body-limit BYTES]` (`--admin` is an alias of
 * `--listen`; SWITCHYARD_ADMIN, SWITCHYARD_DATA, SWITCHYARD_ADMIN_TOKEN, SWITCHYARD_PROXY_TOKEN
 * are the defaults). Proxy workers connect to `<url>/proxy/ws`. Prints one JSON line per lifecycle event on stdout: `{"event":"listening","url":...}`
 * once it serves, `{"event":"stopped"}` on a graceful exit; a start-up failure prints
 * `{"event":"error",...}` on stderr and exits 1. SIGTERM/SIGINT and POST /stop exit 0.
 */
export async function main(argv: string[]): Promise<AdminHandle | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      listen: { type: 'string' },
      admin: { type: 'string' },
      data: { type: 'string' },
      'admin-token': { type: 'string' },
      token: { type: 'string' },
      'proxy-token': { type: 'string' },
      'body-limit': { type: 'string' },
    },
    strict: true,
  });
  const env = process.env;
  const listen = values.listen ?? values.admin ?? env.SWITCHYARD_ADMIN ?? DEFAULT_ADMIN_LISTEN;
  const dataDir = values.data ?? env.SWITCHYARD_DATA ?? './data';
  const token = values['admin-token'] ?? values.token ?? env.SWITCHYARD_ADMIN_TOKEN ?? undefined;
  const proxyToken = values['proxy-token'] ?? env.SWITCHYARD_PROXY_TOKEN ?? undefined;
  const bodyLimit = values['body-limit'] === undefined ? undefined : Number(values['body-limit']);
  if (bodyLimit !== undefined && !(Number.isSafeInteger(bodyLimit) && bodyLimit > 0)) {
    fail(adminError('ADM_ERR_BAD_OPTION', `--body-limit must be a positive number of bytes, got ${JSON.stringify(values['body-limit'])}`));
    return undefined;
  }

  let admin: AdminHandle;
  try {
    admin = await startAdmin({ listen, dataDir, token: token || undefined, proxyToken: proxyToken || undefined, bodyLimit, onStop: (a) => void stop(a) });
  } catch (e) {
    fail(toAdminError(e));
    return undefined;
  }
  const revision = admin.service.current().revision;
  process.stdout.write(JSON.stringify({ event: 'listening', url: admin.url, pid: process.pid, revision, data: admin.store.file }) + '\n');
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void stop(admin));
  return admin;
}

function fail(err: { code: string; message: string }): void {
  process.stderr.write(JSON.stringify({ event: 'error', code: err.code, error: err.message }) + '\n');
  process.exitCode = 1;
}

async function stop(admin: AdminHandle): Promise<void> {
  await admin.close();
  process.stdout.write(JSON.stringify({ event: 'stopped' }) + '\n');
  process.exit(0);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(JSON.stringify({ event: 'error', code: 'ADM_ERR_INTERNAL', error: String(e) }) + '\n');
    process.exit(1);
  });
}
