/** The `type` of every rate-limit message between workers and the cluster primary. */
export const RL_MESSAGE = 'switchyard:ratelimit';

/**
 * Set in the primary's environment by attachRateLimitCoordinator, so workers forked after it
 * inherit it and know that the primary answers; without it a worker's limits are local.
 */
export const COORDINATOR_ENV = 'SWITCHYARD_RATELIMIT_COORDINATOR';

/** Worker -> primary. `seq` pairs a request with its reply; `id` is zone + NUL + key. */
export type ToPrimary =
  | { type: typeof RL_MESSAGE; op: 'lease'; seq: number; id: string; want: number; rate: number; burst: number }
  | { type: typeof RL_MESSAGE; op: 'return'; id: string; n: number; rate: number; burst: number }
  | { type: typeof RL_MESSAGE; op: 'acquire'; seq: number; id: string; max: number }
  | { type: typeof RL_MESSAGE; op: 'release'; id: string };

/** Primary -> worker. `waitMs` > 0: the node's bucket is empty for that long; `workers`: live workers. */
export type ToWorker =
  | { type: typeof RL_MESSAGE; op: 'grant'; seq: number; n: number; waitMs: number; workers: number }
  | { type: typeof RL_MESSAGE; op: 'slot'; seq: number; ok: boolean };

/** Distributive Omit, so each message variant keeps its own fields. */
export type WithoutTypeSeq<T> = T extends unknown ? Omit<T, 'type' | 'seq'> : never;

export function isRateLimitMessage(m: unknown): m is { type: typeof RL_MESSAGE; op: string } {
  return typeof m === 'object' && m !== null && (m as { type?: unknown }).type === RL_MESSAGE;
}
