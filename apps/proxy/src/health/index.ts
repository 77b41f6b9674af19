/**
 * Health checking of upstream addresses. Active checks (`startActiveHealth`) probe each host
 * of a pool and write `Host.activeHealthy`; selection reads it through availability.
 */
export { startActiveHealth, type ActiveHealthChecker, type ActiveHealthOptions } from './active';
export {
  activeHealthEnabled, compileActiveHealth, statusHealthy, ActiveHealthConfigError,
  DEFAULT_INTERVAL_MS, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_SIZE, MAX_REDIRECTS,
  type ActiveHealthConfig, type ActiveHealthPlan,
} from './plan';
export { probe, type ProbeResult } from './probe';
export { recordActiveResult, type Thresholds } from './thresholds';
