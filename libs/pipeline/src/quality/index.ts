export * from './quality-checks';
export * from './quality-gate';
