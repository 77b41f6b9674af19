import { Type, type TSchema, type TProperties, type TObject, type Static } from '@sinclair/typebox';

/**
 * Building blocks shared by every part of the config schema. Every object accepts `@id`
 * (Caddy's object id, indexed by the admin's `/id/` API) and rejects unknown fields.
 */
export const Id = Type.Union([Type.String({ minLength: 1 }), Type.Number()], {
  description: "Caddy's object id: addressable at /id/<value> in the admin API.",
});

/** A strict object: `@id` allowed, every other unknown field is an error. */
export function Obj<P extends TProperties>(props: P, opts: { description?: string; $id?: string; title?: string } = {}): TObject<P> {
  return Type.Object({ '@id': Type.Optional(Id), ...props } as P, { additionalProperties: false, ...opts });
}

/** Duration: a Go duration string ("1.5s", "100ms", "1d") or integer nanoseconds. */
export const Duration = Type.Union([Type.String(), Type.Integer()], {
  swDuration: true,
  description: 'Duration: Go duration string ("2s", "100ms", "1h30m", "1d") or integer nanoseconds.',
});
export type DurationValue = Static<typeof Duration>;

/** An upstream dial address: host:port, [ipv6]:port or unix//path. */
export const Dial = Type.String({ swDial: true, description: 'host:port, [ipv6]:port or unix//path (not a URL).' });

/** A listen address: host:port or :port. */
export const Listen = Type.String({ swListen: true, description: 'host:port, [ipv6]:port or :port.' });

/** Header name -> list of values, as Caddy's http.Header JSON. */
export const HeaderMap = Type.Record(Type.String(), Type.Array(Type.String()));

/** An HTTP status code, or a class given as one digit (5 = 5xx) as in Caddy. */
export const StatusOrClass = Type.Integer({ minimum: 1, maximum: 599 });

export const Opt = Type.Optional;
export type { TSchema };
