export { AdminClient, type AdminClientOptions } from './client';
export { readCache, writeCache, type CachedRevision } from './cache';
export { collectStats } from './stats';
