import type { MatcherDefs, MatcherSet } from './matchers';
import type { Line } from './tree';

/** A handler object in Caddy's JSON shape (`{"handler": "...", ...}`). */
export type Handler = Record<string, unknown>;

/** A route in Caddy's JSON shape. */
export interface Route {
  group?: string;
  match?: MatcherSet[];
  handle?: Handler[];
  terminal?: boolean;
}

/** What a directive contributes: a route, listener hosts (`bind`) or an access log. */
export type ConfigValue =
  | { cls: 'route'; directive: string; value: Route }
  | { cls: 'bind'; directive: string; value: string[] }
  | { cls: 'custom_log'; directive: string; value: NamedLog };

/** An access log of a site: `name` is '' for a bare `log` (default logger, no new sink). */
export interface NamedLog {
  name: string;
  log: Record<string, unknown> | null;
}

/** Turns one directive line into config values. */
export type DirectiveFn = (line: Line, ctx: Ctx) => ConfigValue[];

/** State shared while adapting one Caddyfile; counters are global like Caddy's. */
export interface Ctx {
  /** Next `groupN` name; advanced exactly where Caddy advances its counter. */
  groups: { n: number };
  /** Next `logN` name. */
  logs: { n: number };
  /** Named matchers visible here. */
  defs: MatcherDefs;
  /** All directives (passed along so block directives can recurse without import cycles). */
  directives: ReadonlyMap<string, DirectiveFn>;
}
