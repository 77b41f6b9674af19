import { Type, type Static } from '@sinclair/typebox';
import { Duration, Listen, Obj, Opt } from './common';
import { MatcherSet } from './match';
import { Handler, type HandlerConfig } from './handlers';
import type { MatcherSetConfig } from './match';

/** A route: matcher sets (OR of ANDs), an ordered handler list, and Caddy's `terminal`. */
export const Route = Type.Unsafe<RouteConfig>({
  ...Obj({
    group: Opt(Type.String()),
    match: Opt(Type.Array(MatcherSet)),
    handle: Opt(Type.Array(Type.Unsafe<HandlerConfig>(Type.Ref('Handler')))),
    terminal: Opt(Type.Boolean()),
  }),
  $id: 'Route',
});
export interface RouteConfig {
  '@id'?: string | number;
  group?: string;
  match?: MatcherSetConfig[];
  handle?: HandlerConfig[];
  terminal?: boolean;
}

const TlsConnectionPolicy = Obj({
  match: Opt(Obj({ sni: Opt(Type.Array(Type.String())) })),
  certificate_selection: Opt(Obj({ any_tag: Opt(Type.Array(Type.String())) })),
  alpn: Opt(Type.Array(Type.String())),
});

export const Server = Obj({
  listen: Type.Array(Listen, { minItems: 1 }),
  routes: Opt(Type.Array(Type.Unsafe<RouteConfig>(Type.Ref('Route')))),
  errors: Opt(Obj({ routes: Opt(Type.Array(Type.Unsafe<RouteConfig>(Type.Ref('Route')))) })),
  automatic_https: Opt(Obj({
    disable: Opt(Type.Boolean()),
    disable_redirects: Opt(Type.Boolean()),
    skip: Opt(Type.Array(Type.String())),
    skip_certificates: Opt(Type.Array(Type.String())),
  })),
  tls_connection_policies: Opt(Type.Array(TlsConnectionPolicy)),
  trusted_proxies: Opt(Obj({ source: Type.Literal('static'), ranges: Type.Array(Type.String()) })),
  client_ip_headers: Opt(Type.Array(Type.String())),
  logs: Opt(Obj({
    default_logger_name: Opt(Type.String()),
    logger_names: Opt(Type.Record(Type.String(), Type.String())),
    skip_hosts: Opt(Type.Array(Type.String())),
  })),
  read_timeout: Opt(Duration),
  read_header_timeout: Opt(Duration),
  idle_timeout: Opt(Duration),
  max_header_bytes: Opt(Type.Integer({ minimum: 1024 })),
  protocols: Opt(Type.Array(Type.Union([Type.Literal('h1'), Type.Literal('h2')]))),
}, { description: 'One HTTP server: listen addresses and routes.' });
export type ServerConfig = Omit<Static<typeof Server>, 'routes' | 'errors'> & { routes?: RouteConfig[]; errors?: { routes?: RouteConfig[] } };

export const HttpApp = Obj({
  servers: Opt(Type.Record(Type.String({ minLength: 1 }), Server)),
  grace_period: Opt(Duration),
  shutdown_delay: Opt(Duration),
  http_port: Opt(Type.Integer({ minimum: 1, maximum: 65535 })),
  https_port: Opt(Type.Integer({ minimum: 1, maximum: 65535 })),
});

export const TlsApp = Obj({
  certificates: Opt(Obj({
    load_files: Opt(Type.Array(Obj({ certificate: Type.String(), key: Type.String(), tags: Opt(Type.Array(Type.String())) }))),
  })),
});

export const Logging = Obj({
  logs: Opt(Type.Record(Type.String(), Obj({
    writer: Opt(Obj({
      output: Type.Union([Type.Literal('stdout'), Type.Literal('stderr'), Type.Literal('file'), Type.Literal('discard')]),
      filename: Opt(Type.String()),
    })),
    encoder: Opt(Obj({ format: Type.Union([Type.Literal('json'), Type.Literal('console')]) })),
    level: Opt(Type.String()),
    include: Opt(Type.Array(Type.String())),
    exclude: Opt(Type.Array(Type.String())),
  }))),
});

export const Admin = Obj({
  listen: Opt(Type.String()),
  disabled: Opt(Type.Boolean()),
  enforce_origin: Opt(Type.Boolean()),
  origins: Opt(Type.Array(Type.String())),
  config: Opt(Obj({ persist: Opt(Type.Boolean()) })),
});

/** The whole document served at /config/: Caddy's JSON shape for the reverse-proxy subset. */
export const Config = Obj({
  admin: Opt(Admin),
  logging: Opt(Logging),
  apps: Opt(Obj({ http: Opt(HttpApp), tls: Opt(TlsApp) })),
}, { $id: 'SwitchyardConfig', title: 'Switchyard config document' });

export type SwitchyardConfig = Omit<Static<typeof Config>, 'apps'> & {
  apps?: { http?: Omit<Static<typeof HttpApp>, 'servers'> & { servers?: Record<string, ServerConfig> }; tls?: Static<typeof TlsApp> };
};

export { Handler };
