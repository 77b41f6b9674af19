export * from './switchyard';
export * from './upstreams';
