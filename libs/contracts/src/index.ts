export * from './stages';
export * from './csv-columns';
export * from './payloads';
export * from './run-request';
export * from './analyses';
export * from './run-report';
export * from './analysis-format';
export * from './run-profile';
