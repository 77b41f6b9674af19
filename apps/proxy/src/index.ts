export { ProxyWorker, type ApplyFailure } from './runtime/worker';
export { startSupervisor, type Supervisor, type SupervisorOptions, type WorkerOptions } from './supervisor';
export { AdminClient } from './config';
export { HostRegistry } from './upstream/registry';
export { Host } from './upstream/host';
