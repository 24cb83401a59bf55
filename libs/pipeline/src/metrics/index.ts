export * from './pipeline-metrics';
export * from './metrics-server';
export * from './observe-job';
export * from './stage-counts';
