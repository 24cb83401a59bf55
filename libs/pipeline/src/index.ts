export * from './redis';
export * from './ledger.repository';
export * from './stage-runtime';
export * from './pipeline.module';
export * from './bootstrap';
export * from './stage-worker';
export * from './quality';
