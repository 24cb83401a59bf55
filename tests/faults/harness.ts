import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { repoRoot } from '@ecom/config';
import { freePort, waitFor } from '@ecom/testing';
import { STAGE_REGISTRY, type Stage } from '@ecom/contracts';

/** Debian's PostgreSQL 15 server binaries (postgresql-15), beside the system cluster's. */
export const PG_BIN = process.env.FAULTS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** waitFor over a probe that may throw while a server restarts: a throw counts as "not yet". */
export async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs: number, intervalMs = 50): Promise<T> {
  return waitFor(() => probe().catch(() => undefined), what, timeoutMs, intervalMs);
}

/** Runs a command (as the postgres OS user when we are root: initdb and the server refuse root). */
function run(command: string, args: string[], asPostgres: boolean): void {
  const [cmd, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.stdout || result.error?.message}`);
  }
}

/**
 * A throwaway PostgreSQL cluster of the suite's own, so that it can be restarted at will: initdb
 * into a temporary folder, trust authentication, a free port on 127.0.0.1, durability off (the
 * suite tests restarts, not crashes of the machine).
 */
export class OwnPostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly asPostgres: boolean,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const asPostgres = process.getuid?.() === 0;
    const dir = mkdtempSync(join(tmpdir(), 'ecom-faults-pg-'));
    if (asPostgres) {
      const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
    }
    const pg = new OwnPostgres(dir, await freePort(), asPostgres);
    run(join(PG_BIN, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], asPostgres);
    pg.ctl('start');
    return pg;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private ctl(action: 'start' | 'restart' | 'stop'): void {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=150',
    ].join(' ');
    const args = ['-D', join(this.dir, 'data'), '-l', join(this.dir, 'server.log'), '-w', '-t', '60'];
    if (action !== 'stop') args.push('-o', options);
    args.push(...(action === 'stop' ? ['-m', 'immediate'] : action === 'restart' ? ['-m', 'fast'] : []), action);
    run(join(PG_BIN, 'pg_ctl'), args, this.asPostgres);
  }

  /** `pg_ctl restart -m fast`: every session is terminated, the server is back when this returns. */
  restart(): void {
    this.ctl('restart');
  }

  /**
   * A crash as PostgreSQL sees it: `pg_ctl stop -m immediate` (no shutdown checkpoint), then a
   * start, which recovers from the write-ahead log and empties every UNLOGGED table.
   */
  crash(): void {
    this.ctl('stop');
    this.ctl('start');
  }

  /** The server's log so far. */
  log(): string {
    return readFileSync(join(this.dir, 'server.log'), 'utf8');
  }

  stop(): void {
    try {
      this.ctl('stop');
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** A Redis of the suite's own without persistence: a restart loses every key, as a real one would. */
export class OwnRedis {
  private process: ChildProcess | undefined;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort(), mkdtempSync(join(tmpdir(), 'ecom-faults-redis-')));
    await redis.launch();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async launch(): Promise<void> {
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: 'ignore',
    });
    await until(async () => {
      const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === 'PONG' ? true : undefined;
      } finally {
        client.disconnect();
      }
    }, `redis-server on ${this.port}`, 10_000);
  }

  private async kill(): Promise<void> {
    const proc = this.process;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  }

  /** Killed and started again on the same port: empty. */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}


/**
 * Each stage worker as its own process (the built app, `dist/apps/<app>/src/main.js`, as `npm
 * start` runs it), so that it can be killed with SIGKILL. Records every exit the suite did not
 * cause: a worker must survive a PostgreSQL or Redis restart.
 */
export class WorkerProcesses {
  private readonly running = new Map<Stage, ChildProcess>();
  private readonly killed = new Set<ChildProcess>();
  readonly unexpectedExits: string[] = [];
  private readonly log: WriteStream;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    logFile: string,
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  start(stage: Stage): void {
    const app = STAGE_REGISTRY[stage].app;
    const child = spawn(process.execPath, [join(repoRoot(), 'dist', 'apps', app, 'src', 'main.js')], {
      env: { ...this.env, METRICS_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => this.log.write(`[${app}] ${chunk.toString()}`));
    child.stderr!.on('data', (chunk: Buffer) => this.log.write(`[${app}!] ${chunk.toString()}`));
    child.once('exit', (code, signal) => {
      if (this.running.get(stage) === child) this.running.delete(stage);
      if (!this.killed.has(child)) this.unexpectedExits.push(`${app} exited with ${signal ?? code}`);
    });
    this.running.set(stage, child);
  }

  isRunning(stage: Stage): boolean {
    return this.running.has(stage);
  }

  /** A line of the suite's own in the log (scenarios, phases and their times). */
  note(line: string): void {
    this.log.write(`[suite] ${line}\n`);
  }

  /**
   * Starts a second worker for the stage and, once `ready` says it is consuming, kills the first
   * with SIGKILL: no shutdown hook, no job handed back, its connections just drop. The job it held
   * goes back to the queue when its lock expires, for the new one to take.
   */
  async replaceWithKill9(stage: Stage, ready: () => Promise<void>): Promise<void> {
    const old = this.running.get(stage);
    this.start(stage);
    await ready();
    if (!old || old.exitCode !== null || old.signalCode !== null) return;
    this.killed.add(old);
    const exited = new Promise((resolve) => old.once('exit', resolve));
    old.kill('SIGKILL');
    await exited;
  }

  async stop(stage: Stage, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.running.get(stage);
    if (!child) return;
    this.killed.add(child);
    this.running.delete(stage);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.keys()].map((stage) => this.stop(stage)));
    await new Promise((resolve) => this.log.end(resolve));
  }
}

/**
 * Holds a table lock in an open transaction on a connection of its own, so that the stage writing
 * that table stops in the middle of its job (its transaction open, its BullMQ job active) until
 * the lock goes: a deterministic "mid-stage" at any data size.
 */
export class TableLock {
  private constructor(
    private readonly client: Client,
    readonly table: string,
  ) {}

  /** EXCLUSIVE: blocks writes to the table, lets reads through (earlier stages may read it). */
  static async take(databaseUrl: string, table: string): Promise<TableLock> {
    const client = new Client({ connectionString: databaseUrl });
    // A PostgreSQL restart while this is held ends the session: nothing to report.
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    await client.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
    return new TableLock(client, table);
  }

  /** Resolves once some session waits for this lock: the stage is stuck in the middle of its work. */
  static async waiter(pool: { query: Client['query'] }, table: string, timeoutMs = 60_000): Promise<number> {
    return until(
      async () => {
        const { rows } = await pool.query<{ pid: number }>(
          `SELECT pid FROM pg_locks WHERE locktype = 'relation' AND relation = $1::regclass AND NOT granted LIMIT 1`,
          [table],
        );
        return rows[0]?.pid;
      },
      `a stage to wait for the lock on ${table}`,
      timeoutMs,
    );
  }

  async release(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => undefined);
    await this.client.end().catch(() => undefined);
  }
}

const KEY_COLUMN = /_key$/;

/**
 * One md5 per warehouse table over its rows in a canonical order, so two runs of the same input
 * compare equal when their data is. The dimensions' surrogate keys are compared: a retried load
 * draws the same ones a clean run does. Left out: `sales_key` (two clean runs already differ: the
 * parallel read of the lines decides which line draws which key), run ids and load timestamps.
 * A foreign surrogate key (customer_key, product_key, payment_method_key) is replaced by the md5
 * of the dimension row it points at, so the reference itself is still compared.
 */
export async function warehouseFingerprint(db: { query: Client['query'] }): Promise<Record<string, string>> {
  const { rows: columns } = await db.query<{ table_name: string; column_name: string; data_type: string; is_identity: string }>(
    `SELECT c.table_name, c.column_name, c.data_type, c.is_identity
       FROM information_schema.columns c
       JOIN pg_class t ON t.relname = c.table_name AND t.relnamespace = 'warehouse'::regnamespace
      WHERE c.table_schema = 'warehouse' AND t.relkind IN ('r', 'p') AND NOT t.relispartition
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, typeof columns>();
  for (const column of columns) tables.set(column.table_name, [...(tables.get(column.table_name) ?? []), column]);
  const identityOwner = new Map(columns.filter((c) => c.is_identity === 'YES').map((c) => [c.column_name, c.table_name]));
  const kept = (table: string) =>
    (tables.get(table) ?? []).filter(
      (c) => c.column_name !== 'sales_key' && !/run_id$/.test(c.column_name) && !c.data_type.startsWith('timestamp with'),
    );
  const rowText = (table: string, alias: string): string =>
    `concat_ws('|', ${kept(table)
      .map((c) => {
        const owner = KEY_COLUMN.test(c.column_name) ? identityOwner.get(c.column_name) : undefined;
        if (!owner || owner === table) return `${alias}.${c.column_name}::text`;
        return `(SELECT md5(${rowText(owner, 'd')}) FROM warehouse.${owner} d WHERE d.${c.column_name} = ${alias}.${c.column_name})`;
      })
      .join(', ')})`;
  const result: Record<string, string> = {};
  for (const table of [...tables.keys()].sort()) {
    const { rows } = await db.query<{ n: string; digest: string | null }>(
      `SELECT count(*) AS n, md5(string_agg(r, E'\\n' ORDER BY r)) AS digest FROM (SELECT ${rowText(table, 't')} AS r FROM warehouse.${table} t) x`,
    );
    result[table] = `${rows[0].n} rows ${rows[0].digest ?? '-'}`;
  }
  return result;
}
