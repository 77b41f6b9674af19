export { DrainManager, type DrainManagerOptions, type DrainRequest } from './manager';
export { EventBus, type BusEvent, type BusListener } from './bus';
export { asDrainHub, LiveStats, type DrainHub, type ClosedOnWorker, type AddressLive } from './live';
export { judgeDrain, type DrainProgress, type WorkerProgress, type WorkerSample, type JudgeInput, type GoneWorker } from './progress';
export { listPools, poolsOf, editUpstream, appendUpstream, isAvailable, strandedPools, type PoolView, type PoolUpstream, type UpstreamEdit } from './pools';
export { DrainStore, type DrainRecord, type DrainState, type OnTimeout, type ClosedReport } from './store';
export { jobView, type DrainJobView } from './view';
export { DRAIN_SCHEMAS } from './schemas';
export { registerDrains } from './plugin';
