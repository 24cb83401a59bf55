export * from './quality-checks';
export * from './quality-gate';
export * from './typed-tables';
export * from './reject-gate';
