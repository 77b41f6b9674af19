/** Parsed command line: positional words and `--flag value` / `--flag=value` / `--bool` options. */
export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

/** Flags that never take a value. */
const BOOLEAN = new Set(['json', 'drain', 'force', 'help', 'no-wait', 'keep-sticky']);

export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (BOOLEAN.has(a.slice(2)) || i + 1 >= argv.length || argv[i + 1]!.startsWith('--')) flags.set(a.slice(2), true);
      else flags.set(a.slice(2), argv[++i]!);
    } else positional.push(a);
  }
  return { positional, flags };
}

/** A string flag, then an environment variable, then a default. */
export function opt(args: Args, flag: string, env: string | undefined, fallback: string): string;
export function opt(args: Args, flag: string, env: string | undefined, fallback?: string): string | undefined;
export function opt(args: Args, flag: string, env: string | undefined, fallback?: string): string | undefined {
  const v = args.flags.get(flag);
  if (typeof v === 'string') return v;
  if (env && process.env[env]) return process.env[env];
  return fallback;
}

/** Thrown for bad usage; main prints the message and exits 2. */
export class UsageError extends Error {}
