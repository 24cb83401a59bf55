export * from './run-profile';
