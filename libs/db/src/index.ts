export * from './database';
export * from './migrate';
export * from './sql-files';
export * from './copy';
export * from './copy-csv';
