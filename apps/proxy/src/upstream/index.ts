/**
 * Live per-address state, kept apart from config: `Host` (counters, health, latency, pools,
 * tunnels) in the process-wide `HostRegistry`, and the undici pools leased per transport.
 */
export { Host, LATENCY_BUCKETS_MS, type PoolSlot, type Tunnel } from './host';
export { HostRegistry } from './registry';
export { PoolLease, poolOptions, transportKey, type TransportSettings } from './pool';
