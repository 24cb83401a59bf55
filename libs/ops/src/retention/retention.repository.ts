import { Injectable } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { runSqlFile } from '@ecom/db';
import { staleTypedTables, type StaleTypedTable } from '@ecom/pipeline';

export interface ProtectedRunRow {
  run_id: string;
  reason: string;
}

export interface ExpiredRunRow {
  run_id: string;
  mode: string;
  status: string;
  ended_at: Date;
}

export interface StagingRowsRow {
  entity: string;
  run_id: string;
  row_count: string;
}

export interface QuarantineRowsRow {
  run_id: string;
  row_count: string;
}

export interface AnalysisResultRow {
  run_id: string;
  analysis: string;
}

export interface FactSalesPartitionRow {
  partition_name: string;
  from_key: number;
  to_key: number;
  row_count: string;
}

/** The SQL of retention (sql/retention/): what has expired, and deleting it. */
@Injectable()
export class RetentionRepository {
  constructor(private readonly pool: Pool) {}

  /** A session advisory lock on its own connection; undefined when another pass holds it. */
  async lock(): Promise<PoolClient | undefined> {
    const client = await this.pool.connect();
    try {
      const { rows } = await runSqlFile<{ locked: boolean }>(client, 'retention/lock');
      if (rows[0].locked) return client;
    } catch (error) {
      client.release();
      throw error;
    }
    client.release();
    return undefined;
  }

  async unlock(client: PoolClient): Promise<void> {
    try {
      await runSqlFile(client, 'retention/unlock');
    } finally {
      client.release();
    }
  }

  async protectedRuns(): Promise<ProtectedRunRow[]> {
    return (await runSqlFile<ProtectedRunRow>(this.pool, 'retention/protected_runs')).rows;
  }

  /** Runs queued or running now (read again at the moment it is asked, not from protectedRuns). */
  async activeRunIds(): Promise<string[]> {
    return (await runSqlFile<{ run_id: string }>(this.pool, 'retention/active_runs')).rows.map((r) => r.run_id);
  }

  async staleTypedTables(remove: boolean): Promise<StaleTypedTable[]> {
    return staleTypedTables(this.pool, () => this.activeRunIds(), remove);
  }

  async stagingRows(cutoff: Date, keep: string[], remove: boolean): Promise<StagingRowsRow[]> {
    const sql = remove ? 'retention/delete_staging' : 'retention/expired_staging';
    return (await runSqlFile<StagingRowsRow>(this.pool, sql, [cutoff, keep])).rows;
  }

  async quarantineRows(cutoff: Date, keep: string[], remove: boolean): Promise<QuarantineRowsRow[]> {
    const sql = remove ? 'retention/delete_quarantine' : 'retention/expired_quarantine';
    return (await runSqlFile<QuarantineRowsRow>(this.pool, sql, [cutoff, keep])).rows;
  }

  async analysisResults(cutoff: Date, keep: string[], remove: boolean): Promise<AnalysisResultRow[]> {
    const sql = remove ? 'retention/delete_analysis_results' : 'retention/expired_analysis_results';
    const { rows } = await runSqlFile<AnalysisResultRow>(this.pool, sql, [cutoff, keep]);
    return rows.sort((a, b) => a.run_id.localeCompare(b.run_id) || a.analysis.localeCompare(b.analysis));
  }

  async expiredRuns(cutoff: Date, keep: string[]): Promise<ExpiredRunRow[]> {
    return (await runSqlFile<ExpiredRunRow>(this.pool, 'retention/expired_runs', [cutoff, keep])).rows;
  }

  async deleteRuns(runIds: string[]): Promise<string[]> {
    const { rows } = await runSqlFile<{ run_id: string }>(this.pool, 'retention/delete_runs', [runIds]);
    return rows.map((r) => r.run_id);
  }

  /** $1 is the first date key kept (yyyymmdd). */
  async expiredFactSalesPartitions(firstKeptKey: number): Promise<FactSalesPartitionRow[]> {
    return (await runSqlFile<FactSalesPartitionRow>(this.pool, 'retention/expired_fact_sales_partitions', [firstKeptKey])).rows;
  }

  async dropFactSalesPartition(name: string): Promise<void> {
    await runSqlFile(this.pool, 'retention/drop_fact_sales_partition', [name]);
  }
}
