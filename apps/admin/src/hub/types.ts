import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Patch, SwitchyardConfig } from '@switchyard/shared';

/**
 * The contract between the admin's write path and the config hub that pushes revisions to
 * proxy nodes. The admin commits first, then publishes: a revision is durable before any node
 * sees it, and a node that lags or fails never undoes a stored revision.
 */

/** One committed revision, as handed to the hub. `config` is deep-frozen; never mutate it. */
export interface ConfigChange {
  readonly revision: number;
  /** The revision `patch` applies to (0 = the empty config). */
  readonly prevRevision: number;
  /** The whole validated document; null when the config was unloaded (DELETE /config/). */
  readonly config: SwitchyardConfig | null;
  /** configHash(config): lets a node prove it holds the same document after a patch. */
  readonly hash: string;
  /** RFC 6902 patch from prevRevision's document to this one (empty on a forced reload). */
  readonly patch: Patch;
}

export interface PublishOptions {
  /** false (`?wait=false`): return once sent, without waiting for acknowledgements. */
  readonly wait: boolean;
  /** How long to wait for every node to acknowledge before reporting the rest as lagging. */
  readonly timeoutMs: number;
}

/** A node that refused (NACKed) the revision, with its reason. */
export interface PublishFailure {
  readonly node: string;
  readonly error: string;
  readonly code?: string;
  readonly path?: string;
}

/**
 * What happened to one published revision. `complete` means every known node applied it (or
 * there are no nodes); the admin then answers 200, otherwise 202 with this object as the body.
 */
export interface PublishOutcome {
  readonly revision: number;
  readonly complete: boolean;
  readonly acked: readonly string[];
  readonly lagging: readonly string[];
  readonly failed: readonly PublishFailure[];
}

/** One entry of GET /reverse_proxy/upstreams: Caddy's three fields, extra fields allowed. */
export interface UpstreamStatus {
  readonly address: string;
  readonly num_requests: number;
  readonly fails: number;
  readonly [extra: string]: unknown;
}

/** The current config as the admin holds it, for a hub that must send snapshots. */
export interface CurrentConfig {
  readonly revision: number;
  readonly config: SwitchyardConfig | null;
  readonly hash: string;
}

/** What a publisher may use from the admin when it is attached (before listening). */
export interface PublisherContext {
  readonly app: FastifyInstance;
  current(): CurrentConfig;
  /**
   * Applies the admin's Host and Origin rules to a raw request (e.g. a WebSocket upgrade, which
   * bypasses Fastify): throws an AdminError (`status`, `message`) when they refuse it. The
   * admin token is not checked here; proxy workers authenticate in their hello.
   */
  checkAccess(req: IncomingMessage): void;
}

/**
 * Pushes committed revisions to proxy nodes. `publish` is called synchronously, in revision
 * order, inside the admin's write section, so it must not block; its promise is awaited after
 * the section is released, so a slow node delays only the response of that change.
 */
export interface ConfigPublisher {
  publish(change: ConfigChange, opts: PublishOptions): Promise<PublishOutcome>;
  /**
   * Registers routes (documented in the OpenAPI document like the admin's own) or upgrade
   * handlers on the admin app; called once by buildApp, inside the admin's route plugin.
   */
  attach?(ctx: PublisherContext): void;
  /** Live counters for GET /reverse_proxy/upstreams; without it the admin lists the config's upstreams with zero counters. */
  upstreams?(): Promise<readonly UpstreamStatus[]> | readonly UpstreamStatus[];
  close?(): Promise<void> | void;
}
