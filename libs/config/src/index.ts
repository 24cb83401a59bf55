export * from './app-config';
export * from './paths';
