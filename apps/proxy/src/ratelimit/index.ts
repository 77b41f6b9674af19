import cluster from 'node:cluster';
import { ClusterLimiter } from './client';
import { LocalLimiter, type Limiter } from './local';
import { COORDINATOR_ENV } from './protocol';

export { attachRateLimitCoordinator, type RateLimitCoordinator } from './primary';
export { ClusterLimiter } from './client';
export { LocalLimiter, type Limiter, type BucketSpec } from './local';
export { leaseSize, retryAfterSeconds } from './bucket';
export { COORDINATOR_ENV } from './protocol';

let shared: Limiter | undefined;

/**
 * The process's limiter, shared by every rate_limit handler of every runtime (so limits survive
 * config reloads). In a cluster worker whose primary runs the coordinator it is node-wide;
 * otherwise (tests, a single process, a primary without coordinator) it is local.
 */
export function rateLimiter(): Limiter {
  if (!shared) {
    const coordinated = cluster.isWorker && process.env[COORDINATOR_ENV] === '1' && typeof process.send === 'function';
    shared = coordinated ? ClusterLimiter.forProcess() : new LocalLimiter();
  }
  return shared;
}
