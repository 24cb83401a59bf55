export * from './app-config';
export * from './paths';
export * from './categorical-values';
export * from './source-paths';
export * from './redact';
export * from './mapping';
export * from './mapping-source';
