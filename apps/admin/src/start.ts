import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { validateConfig } from '@switchyard/shared';
import { adminError } from './errors';
import { buildApp } from './app';
import { ConfigStore } from './store';
import type { ConfigService } from './service';
import type { ConfigPublisher } from './hub/types';
import { ConfigHub } from './hub/hub';
import { DEFAULT_ADMIN_LISTEN, defaultAllowedHosts, hostPort, parseListenAddress } from './http/listen';

export interface StartAdminOptions {
  /** host:port to listen on (default 127.0.0.1:2019; port 0 picks a free port). */
  listen?: string;
  /** Directory of the SQLite database (default ./data). */
  dataDir?: string;
  /** Admin token; required when `listen` is not a loopback address. */
  token?: string;
  /** Token proxy workers present in their hello on /proxy/ws (default: `token`). */
  proxyToken?: string;
  /** Where committed revisions go. Default: a ConfigHub serving proxy workers on /proxy/ws. */
  publisher?: ConfigPublisher;
  /** Request body limit in bytes (default 10 MiB). */
  bodyLimit?: number;
  migrationsDir?: string;
  /** After `POST /stop` has answered. Default: close the admin, then exit the process with 0. */
  onStop?: (admin: AdminHandle) => void;
}

export interface AdminHandle {
  /** Base URL clients can use, e.g. `http://127.0.0.1:2019`. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly store: ConfigStore;
  readonly service: ConfigService;
  /** Stops listening (in-flight requests finish), closes the publisher and the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens the store (migrating it), builds the app and listens. Refuses (AdminError, nothing
 * opened) a non-loopback listen address without a token: ADM_ERR_TOKEN_REQUIRED.
 */
export async function startAdmin(opts: StartAdminOptions = {}): Promise<AdminHandle> {
  const listen = parseListenAddress(opts.listen ?? DEFAULT_ADMIN_LISTEN);
  if (!listen.loopback && !opts.token) {
    throw adminError(
      'ADM_ERR_TOKEN_REQUIRED',
      `refusing to serve the admin API on ${opts.listen} without a token: set --admin-token or SWITCHYARD_ADMIN_TOKEN, or listen on a loopback address`,
    );
  }
  const store = ConfigStore.open({ dataDir: opts.dataDir, migrationsDir: opts.migrationsDir });
  const publisher = opts.publisher ?? new ConfigHub({ token: opts.proxyToken ?? opts.token });
  // Deny every Host until the port is known (null would mean "no check").
  let allowed: string[] | null = [];
  let handle: AdminHandle | undefined;
  const app = buildApp({
    store,
    publisher,
    token: opts.token,
    bodyLimit: opts.bodyLimit,
    hosts: () => allowed,
    onStop: () => {
      if (!handle) return;
      if (opts.onStop) opts.onStop(handle);
      else void handle.close().then(() => process.exit(0));
    },
  });

  // localhost is bound as 127.0.0.1: resolving it could pick ::1 on one machine and not another.
  const bindHost = listen.host === '' ? undefined : listen.host.toLowerCase() === 'localhost' ? '127.0.0.1' : listen.host;
  try {
    await app.listen({ host: bindHost, port: listen.port });
  } catch (e) {
    await app.close().catch(() => undefined);
    await publisher.close?.();
    store.close();
    throw adminError('ADM_ERR_BAD_LISTEN', `cannot listen on ${opts.listen ?? DEFAULT_ADMIN_LISTEN}: ${(e as Error).message}`);
  }
  // Compile the config validator now rather than inside the first change (it takes ~150 ms).
  setImmediate(() => validateConfig({}));
  const bound = app.server.address() as AddressInfo;
  allowed = defaultAllowedHosts(listen, bound.port);
  const urlHost = listen.wildcard || listen.host.toLowerCase() === 'localhost' ? '127.0.0.1' : bound.address;

  let closing: Promise<void> | undefined;
  handle = {
    url: `http://${hostPort(urlHost, bound.port)}`,
    app,
    store,
    service: app.configService,
    close: () =>
      (closing ??= (async () => {
        await publisher.close?.();
        await app.close();
        store.close();
      })()),
  };
  return handle;
}
