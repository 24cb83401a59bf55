import { Injectable } from '@nestjs/common';
import { Pool, type PoolClient } from 'pg';
import { FIRST_STAGE, STAGES, type RunMode, type RunParams, type Stage, type StageStatus, type RunStatus } from '@ecom/contracts';
import { withTransaction, type Queryable } from '@ecom/db';

export interface RunRecord {
  run_id: string;
  mode: RunMode;
  params: RunParams;
  status: RunStatus;
  failed_stage: string | null;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface StageRecord {
  run_id: string;
  stage: Stage;
  seq: number;
  status: StageStatus;
  attempts: number;
  tasks_total: number | null;
  tasks_done: number;
  rows_in: string | null;
  rows_out: string | null;
  rows_rejected: string | null;
  detail: Record<string, unknown>;
  error: string | null;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface TaskRecord {
  run_id: string;
  stage: Stage;
  task_key: string;
  status: 'pending' | 'succeeded' | 'failed';
  payload: Record<string, unknown>;
}

export interface StageCounts {
  rowsIn: number;
  rowsOut: number;
  rowsRejected: number;
  detail?: Record<string, unknown>;
}

/** The run ledger in PostgreSQL: the real guard of idempotency, and the source of run reports. */
@Injectable()
export class LedgerRepository {
  constructor(private readonly pool: Pool) {}

  async createRun(runId: string, params: RunParams): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      await client.query('INSERT INTO ops.runs (run_id, mode, params) VALUES ($1, $2, $3)', [
        runId,
        params.mode,
        JSON.stringify(params),
      ]);
      await client.query(
        `INSERT INTO ops.run_stages (run_id, stage, seq, status)
         SELECT $1, stage, seq::int, CASE WHEN seq < $2 THEN 'skipped' ELSE 'pending' END
         FROM unnest($3::text[]) WITH ORDINALITY AS s(stage, seq)`,
        [runId, STAGES.indexOf(FIRST_STAGE[params.mode]) + 1, STAGES],
      );
    });
  }

  async getRun(runId: string, db: Queryable = this.pool): Promise<RunRecord | undefined> {
    const { rows } = await db.query<RunRecord>('SELECT * FROM ops.runs WHERE run_id = $1', [runId]);
    return rows[0];
  }

  async getStages(runId: string): Promise<StageRecord[]> {
    const { rows } = await this.pool.query<StageRecord>(
      'SELECT * FROM ops.run_stages WHERE run_id = $1 ORDER BY seq',
      [runId],
    );
    return rows;
  }

  async getStage(runId: string, stage: Stage, db: Queryable = this.pool): Promise<StageRecord | undefined> {
    const { rows } = await db.query<StageRecord>('SELECT * FROM ops.run_stages WHERE run_id = $1 AND stage = $2', [
      runId,
      stage,
    ]);
    return rows[0];
  }

  /** Marks the stage (and the run) running and counts the attempt. */
  async markStageRunning(runId: string, stage: Stage): Promise<void> {
    await this.pool.query(
      `WITH s AS (
         UPDATE ops.run_stages
            SET status = 'running', attempts = attempts + 1, error = NULL,
                started_at = coalesce(started_at, clock_timestamp())
          WHERE run_id = $1 AND stage = $2 AND status IN ('pending', 'running', 'failed')
          RETURNING run_id)
       UPDATE ops.runs SET status = 'running', started_at = coalesce(started_at, clock_timestamp())
        WHERE run_id = $1 AND status IN ('queued', 'running')`,
      [runId, stage],
    );
  }

  /**
   * A stage's progress, committed without waiting for its WAL flush (synchronous_commit off for
   * this statement's transaction alone): only a display, which the stage's own commit, flushed,
   * supersedes, while a stage waited out one flush per update (dozens in a run). A crash may lose
   * the last updates, never anything the stage wrote.
   */
  async setProgress(runId: string, stage: Stage, progress: Record<string, unknown>, db: Queryable = this.pool): Promise<void> {
    await db.query(
      `UPDATE ops.run_stages SET detail = detail || jsonb_build_object('progress', $3::jsonb)
         FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
        WHERE run_id = $1 AND stage = $2`,
      [runId, stage, JSON.stringify(progress)],
    );
  }

  /** Inside the stage's own transaction, so the work and its record land together. */
  async completeStage(client: PoolClient, runId: string, stage: Stage, counts: StageCounts): Promise<void> {
    await client.query(
      `UPDATE ops.run_stages
          SET status = 'succeeded', rows_in = $3, rows_out = $4, rows_rejected = $5,
              detail = detail || $6::jsonb, error = NULL, finished_at = clock_timestamp()
        WHERE run_id = $1 AND stage = $2`,
      [runId, stage, counts.rowsIn, counts.rowsOut, counts.rowsRejected, JSON.stringify(counts.detail ?? {})],
    );
  }

  /**
   * Runs `work` holding a session advisory lock named `key` on a connection of its own: a second
   * delivery of the same job (re-enqueued by the reconciler while a worker that lost its queue
   * still ran it) waits here for the first, then finds the work recorded. Not a transaction-level
   * lock in the work's own transaction: a stage may need to open that transaction itself (SET
   * TRANSACTION ISOLATION LEVEL must come first), and the ledger must be read after the lock with
   * a fresh snapshot. A lost connection releases the lock with the session. `work` gets the
   * lock's connection, idle while it works, for the ledger writes it makes outside its own
   * transaction (progress): one connection fewer to open per stage.
   */
  async withWorkLock<T>(key: string, work: (lockClient: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
      try {
        return await work(client);
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch((error: Error) => {
          broken = error;
        });
      }
    } finally {
      // A connection that may still hold the lock must not go back to the pool.
      client.release(broken);
    }
  }

  /**
   * Makes a failed or stuck run runnable again from its first unfinished stage: the run back to
   * running (its error cleared), failed stages and tasks back to pending. Returns the run as it
   * was, or undefined when there is none. Succeeded stages and tasks stay as they are, so nothing
   * done is redone.
   */
  async reopenRun(runId: string): Promise<RunRecord | undefined> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<RunRecord>('SELECT * FROM ops.runs WHERE run_id = $1 FOR UPDATE', [runId]);
      const run = rows[0];
      if (!run || run.status === 'succeeded') return run;
      await client.query(
        `UPDATE ops.stage_tasks SET status = 'pending', error = NULL, finished_at = NULL
          WHERE run_id = $1 AND status = 'failed'`,
        [runId],
      );
      // A fan-out stage that planned its tasks stays open for them ('running': its last part
      // closes it); one that had not planned starts over from its entry job.
      await client.query(
        `UPDATE ops.run_stages
            SET status = CASE WHEN tasks_total IS NULL THEN 'pending' ELSE 'running' END, error = NULL, finished_at = NULL
          WHERE run_id = $1 AND status = 'failed'`,
        [runId],
      );
      await client.query(
        `UPDATE ops.runs SET status = CASE WHEN started_at IS NULL THEN 'queued' ELSE 'running' END,
                failed_stage = NULL, error = NULL, finished_at = NULL
          WHERE run_id = $1`,
        [runId],
      );
      return run;
    });
  }

  async recordStageError(runId: string, stage: Stage, message: string): Promise<void> {
    await this.pool.query('UPDATE ops.run_stages SET error = $3 WHERE run_id = $1 AND stage = $2', [
      runId,
      stage,
      message,
    ]);
  }

  /** The stage gave up: the run fails with the stage's error. */
  async failStage(runId: string, stage: Stage, message: string): Promise<void> {
    // The first failure explains the run; a later part's failure must not overwrite it.
    await this.pool.query(
      `WITH s AS (
         UPDATE ops.run_stages
            SET error = CASE WHEN status = 'failed' THEN error ELSE $3 END,
                finished_at = CASE WHEN status = 'failed' THEN finished_at ELSE clock_timestamp() END,
                status = 'failed'
          WHERE run_id = $1 AND stage = $2 RETURNING run_id)
       UPDATE ops.runs SET status = 'failed', failed_stage = $2, error = $3, finished_at = clock_timestamp()
        WHERE run_id = $1 AND status <> 'failed'`,
      [runId, stage, message],
    );
  }

  async finishRun(runId: string): Promise<void> {
    await this.pool.query(
      `UPDATE ops.runs SET status = 'succeeded', finished_at = coalesce(finished_at, clock_timestamp())
        WHERE run_id = $1 AND status = 'running'`,
      [runId],
    );
  }

  /** Registers fan-out tasks; re-planning the same tasks is a no-op. */
  async registerTasks(
    client: PoolClient,
    runId: string,
    stage: Stage,
    tasks: ReadonlyArray<{ key: string; payload: object }>,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ops.stage_tasks (run_id, stage, task_key, payload)
       SELECT $1, $2, t.key, t.payload
         FROM jsonb_to_recordset($3::jsonb) AS t(key text, payload jsonb)
       ON CONFLICT (run_id, stage, task_key) DO NOTHING`,
      [runId, stage, JSON.stringify(tasks)],
    );
    await client.query(
      `UPDATE ops.run_stages
          SET tasks_total = (SELECT count(*) FROM ops.stage_tasks WHERE run_id = $1 AND stage = $2)
        WHERE run_id = $1 AND stage = $2`,
      [runId, stage],
    );
  }

  async getTask(runId: string, stage: Stage, taskKey: string, db: Queryable = this.pool): Promise<TaskRecord | undefined> {
    const { rows } = await db.query<TaskRecord>(
      'SELECT * FROM ops.stage_tasks WHERE run_id = $1 AND stage = $2 AND task_key = $3',
      [runId, stage, taskKey],
    );
    return rows[0];
  }

  async listTasks(runId: string, stage: Stage): Promise<TaskRecord[]> {
    const { rows } = await this.pool.query<TaskRecord>(
      'SELECT * FROM ops.stage_tasks WHERE run_id = $1 AND stage = $2 ORDER BY task_key',
      [runId, stage],
    );
    return rows;
  }

  /** Inside the task's transaction: the task's rows and its 'succeeded' mark commit together. */
  async completeTask(client: PoolClient, runId: string, stage: Stage, taskKey: string, counts: StageCounts): Promise<void> {
    await client.query(
      `UPDATE ops.stage_tasks
          SET status = 'succeeded', rows_in = $4, rows_out = $5, rows_rejected = $6,
              detail = $7::jsonb, error = NULL, finished_at = clock_timestamp()
        WHERE run_id = $1 AND stage = $2 AND task_key = $3`,
      [runId, stage, taskKey, counts.rowsIn, counts.rowsOut, counts.rowsRejected, JSON.stringify(counts.detail ?? {})],
    );
  }

  async failTask(runId: string, stage: Stage, taskKey: string, message: string): Promise<void> {
    await this.pool.query(
      `UPDATE ops.stage_tasks SET status = 'failed', error = $4, finished_at = clock_timestamp()
        WHERE run_id = $1 AND stage = $2 AND task_key = $3`,
      [runId, stage, taskKey, message],
    );
  }

  /**
   * Fan-in: under a lock on the stage row, closes the stage once every task has succeeded, with
   * the tasks' counts summed. Returns the stage's status afterwards. Concurrent last tasks
   * serialise on the lock, so the stage closes exactly once.
   */
  async closeStageIfTasksDone(runId: string, stage: Stage): Promise<StageStatus | undefined> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ status: StageStatus; tasks_total: number | null }>(
        'SELECT status, tasks_total FROM ops.run_stages WHERE run_id = $1 AND stage = $2 FOR UPDATE',
        [runId, stage],
      );
      const current = rows[0];
      if (!current) return undefined;
      const { rows: sums } = await client.query<{ done: string; pending: string; rows_in: string; rows_out: string; rows_rejected: string }>(
        `SELECT count(*) FILTER (WHERE status = 'succeeded') AS done,
                count(*) FILTER (WHERE status <> 'succeeded') AS pending,
                coalesce(sum(rows_in), 0) AS rows_in, coalesce(sum(rows_out), 0) AS rows_out,
                coalesce(sum(rows_rejected), 0) AS rows_rejected
           FROM ops.stage_tasks WHERE run_id = $1 AND stage = $2`,
        [runId, stage],
      );
      const s = sums[0];
      await client.query('UPDATE ops.run_stages SET tasks_done = $3 WHERE run_id = $1 AND stage = $2', [
        runId,
        stage,
        Number(s.done),
      ]);
      if (current.status === 'running' && Number(s.pending) === 0 && current.tasks_total !== null) {
        await this.completeStage(client, runId, stage, {
          rowsIn: Number(s.rows_in),
          rowsOut: Number(s.rows_out),
          rowsRejected: Number(s.rows_rejected),
        });
        return 'succeeded';
      }
      return current.status;
    });
  }

  /** Records one quarantined record; stages that reject many rows insert set-based in SQL instead. */
  async quarantine(
    db: Queryable,
    rows: ReadonlyArray<{
      runId: string;
      stage: Stage;
      entity?: string;
      sourceFile?: string;
      sourceLine?: number;
      recordKey?: string;
      rawRecord?: string;
      reasonCode: string;
      message: string;
    }>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS q(
         "runId" text, stage text, entity text, "sourceFile" text, "sourceLine" bigint,
         "recordKey" text, "rawRecord" text, "reasonCode" text, message text)`,
      [JSON.stringify(rows)],
    );
  }
}
