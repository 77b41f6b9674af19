import fs from 'node:fs';
import { parseArgs, opt, UsageError, type Args } from './args';
import { cmdAdmin, cmdProxy, cmdRun } from './server-commands';
import { call, describeError } from './http';
import { UPSTREAM_COMMANDS, UPSTREAM_USAGE } from './upstream-commands';

const USAGE = `switchyard: a programmable HTTP load balancer

Usage:
  switchyard run    [--admin HOST:PORT] [--data DIR] [--workers N]   admin + proxy workers (default)
  switchyard admin  [--admin HOST:PORT] [--data DIR]                 the admin API alone
  switchyard proxy  --config FILE | --admin URL [--token T] [--workers N]
  switchyard reload --config FILE [--admin URL] [--force]            POST a config file to /load
  switchyard adapt  --config Caddyfile                               print the JSON of a Caddyfile
  switchyard import nginx FILE                                       print a config from nginx.conf

Environment: SWITCHYARD_ADMIN, SWITCHYARD_DATA, SWITCHYARD_ADMIN_TOKEN, SWITCHYARD_PROXY_TOKEN.
`;

type Command = (args: Args) => Promise<number | void>;

const COMMANDS: Record<string, Command> = {
  run: cmdRun,
  admin: cmdAdmin,
  proxy: cmdProxy,
  reload: cmdReload,
  adapt: cmdAdapt,
  import: cmdImport,
};

/** Register more commands (the upstream/drain commands live in their own module). */
export function registerCommands(more: Record<string, Command>): void {
  Object.assign(COMMANDS, more);
}

registerCommands(UPSTREAM_COMMANDS);

function contentTypeFor(file: string): string {
  return /\.json$/i.test(file) ? 'application/json' : /caddyfile/i.test(file) ? 'text/caddyfile' : 'application/json';
}

async function cmdReload(args: Args): Promise<number> {
  const file = opt(args, 'config', undefined);
  if (!file) throw new UsageError('switchyard reload needs --config FILE');
  const body = fs.readFileSync(file, 'utf8');
  // --force reloads even an unchanged config, as `caddy reload --force` does.
  const extra: Record<string, string> = args.flags.get('force') ? { 'cache-control': 'must-revalidate' } : {};
  const r = await call(args, 'POST', '/load', body, opt(args, 'adapter', undefined) === 'caddyfile' ? 'text/caddyfile' : contentTypeFor(file), extra);
  if (r.status >= 300) {
    process.stderr.write(`reload failed: ${describeError(r)}\n`);
    return 1;
  }
  const rev = r.headers.get('switchyard-revision');
  process.stdout.write(r.status === 202 ? `stored as revision ${rev}, not yet applied everywhere: ${r.text}\n` : `config loaded${rev ? ` (revision ${rev})` : ''}\n`);
  return 0;
}

async function cmdAdapt(args: Args): Promise<number> {
  const file = opt(args, 'config', undefined) ?? args.positional[1];
  if (!file) throw new UsageError('switchyard adapt needs --config FILE');
  const { adaptCaddyfile } = await import('@switchyard/adapt');
  const out = adaptCaddyfile(fs.readFileSync(file, 'utf8'), file);
  for (const w of out.warnings) process.stderr.write(`${w.file}:${w.line}: ${w.message}\n`);
  process.stdout.write(JSON.stringify(out.result, null, args.flags.get('pretty') === 'false' ? undefined : 2) + '\n');
  return 0;
}

async function cmdImport(args: Args): Promise<number> {
  const [, kind, file] = args.positional;
  if (kind !== 'nginx' || !file) throw new UsageError('usage: switchyard import nginx FILE');
  const { importNginx } = await import('@switchyard/adapt');
  const out = importNginx(fs.readFileSync(file, 'utf8'), file);
  for (const w of out.warnings) process.stderr.write(`warning: ${w.file}:${w.line}: ${w.message}\n`);
  process.stdout.write(JSON.stringify(out.result, null, 2) + '\n');
  return 0;
}

/** Run the CLI; returns the exit code for one-shot commands (servers keep running). */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const args = parseArgs(argv);
  const name = args.positional[0] ?? 'run';
  if (args.flags.get('help') || name === 'help') {
    process.stdout.write(USAGE + UPSTREAM_USAGE);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`unknown command ${JSON.stringify(name)}\n\n${USAGE}${UPSTREAM_USAGE}`);
    return 2;
  }
  try {
    const code = await cmd(args);
    return code ?? undefined;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    const err = e as { message: string; code?: string; file?: string; line?: number };
    process.stderr.write(`switchyard ${name}: ${err.message}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    if (code !== undefined) process.exitCode = code;
  });
}
