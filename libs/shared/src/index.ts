export * from './schema';
export * from './errors';
export * from './duration';
export * from './dial';
export * from './canonical';
export * from './protocol';
