import { runSqlFile, type TransactionHold } from '@ecom/db';

/**
 * The hold of every transaction that writes production rows (the transform's). Production rows are
 * stamped with now(), their transaction's start, and may commit after a warehouse load has read past
 * that stamp; the load's window (sql/warehouse/load_window.sql) keeps its newest bound below the
 * start of every transaction whose connection holds this lock. Taken before BEGIN, so the
 * transaction shows as a writer from the moment it can stamp a row; released after it ends.
 */
export const PRODUCTION_WRITER: TransactionHold = {
  take: async (client) => {
    await runSqlFile(client, 'transform/production_writer_lock');
  },
  release: async (client) => {
    await runSqlFile(client, 'transform/production_writer_unlock');
  },
};
