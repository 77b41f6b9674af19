export * from './process';
export * from './admin';
export * from './http';
export * from './tmp';
export * from './fixtures';
