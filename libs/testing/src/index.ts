export * from './test-env';
export * from './wait-for';
export * from './free-port';
export * from './stage-workers';
export * from './ledger-probes';
export * from './plan-scans';
