import { Type } from '@sinclair/typebox';
import { HeaderMap, Obj, Opt, StatusOrClass } from './common';

const Replacement = Obj({
  search: Opt(Type.String()),
  search_regexp: Opt(Type.String()),
  replace: Opt(Type.String()),
});

/** Caddy's header operations: set (replace), add (append), delete, replace (substring/regexp). */
export const HeaderOps = Obj({
  set: Opt(HeaderMap),
  add: Opt(HeaderMap),
  delete: Opt(Type.Array(Type.String())),
  replace: Opt(Type.Record(Type.String(), Type.Array(Replacement))),
});

/** Response header operations; `deferred` applies them when the response is written. */
export const ResponseHeaderOps = Obj({
  set: Opt(HeaderMap),
  add: Opt(HeaderMap),
  delete: Opt(Type.Array(Type.String())),
  replace: Opt(Type.Record(Type.String(), Type.Array(Replacement))),
  deferred: Opt(Type.Boolean()),
  require: Opt(Obj({ status_code: Opt(Type.Array(StatusOrClass)), headers: Opt(Type.Record(Type.String(), Type.Union([Type.Array(Type.String()), Type.Null()]), { description: 'null = the header must be absent' })) })),
});
