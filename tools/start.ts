import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, loadConfig, redactSecrets, registerSecret, repoRoot } from '@ecom/config';
import { API_APP, WORKER_APPS } from '@ecom/contracts';
import { prepare } from '@ecom/pipeline';
import { EmbeddedPostgres } from './embedded-postgres';
import { adminUrl, describePostgres, describeRedis, liveProbes, resolveStartMode, StartModeError, type StartMode } from './start-mode';

/** Every process `npm start` runs (the api, then the registry's worker apps); each is also its own docker-compose service. */
export const APPS: readonly string[] = [API_APP, ...WORKER_APPS];

function prefixLines(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name.padEnd(16)}] ${line}\n`);
  });
  stream.on('end', () => {
    if (buffered) out.write(`[${name.padEnd(16)}] ${buffered}\n`);
  });
}

/** A failure the user can act on: printed as one line, without a stack. */
class StartError extends Error {}

/**
 * The database and Redis the user named must answer before anything starts: one line saying
 * which, where, and what to do, instead of seven apps retrying a connection.
 */
async function checkNamed(mode: StartMode, databaseUrl: string): Promise<void> {
  const probes = liveProbes(3000);
  if (mode.database.kind === 'given') {
    const probe = await probes.postgres(adminUrl(databaseUrl));
    if (!probe.up) {
      throw new StartError(
        `cannot use PostgreSQL at ${describePostgres(databaseUrl)} (${mode.database.origin}): ${probe.reason}; start that server or correct the URL` +
          (mode.database.origin.startsWith('EMBEDDED') || mode.database.origin.startsWith('embedded') ? '' : ` (unset it to let npm start use 127.0.0.1:5432 or run its own)`),
      );
    }
  }
  if (mode.queues.backend === 'redis' && mode.queues.given) {
    const probe = await probes.redis(mode.queues.redisUrl!);
    if (!probe.up) {
      throw new StartError(
        `cannot reach Redis at ${describeRedis(mode.queues.redisUrl!)} (${mode.queues.origin}): ${probe.reason}; start it, correct the URL, or use QUEUE_BACKEND=postgres to keep the queues in PostgreSQL`,
      );
    }
  }
}

/**
 * `npm start`: decides where the data and the queues live (the user's PostgreSQL and Redis, the
 * defaults when they answer, else a PostgreSQL of its own in data/pg and the queues in it),
 * migrates once, then runs the api and every worker app of the registry (WORKER_APPS) as child
 * processes with prefixed output.
 * Ctrl-C (or SIGTERM) stops the children, waits for their graceful shutdown, then stops the
 * embedded PostgreSQL. A child that dies is started again after a back-off (1 s, doubling to
 * 30 s; a child that ran for a minute starts over at 1 s): its job is retried and the run ledger
 * makes the retry harmless. One that dies CRASH_LOOP_LIMIT times in a row within a minute of its
 * start stops all, with its exit named: a pipeline missing a stage would silently stall.
 */
const CRASH_LOOP_LIMIT = 5;
const HEALTHY_AFTER_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

async function main(): Promise<void> {
  const startedAt = Date.now();
  const children = new Map<string, ChildProcess>();
  let embedded: EmbeddedPostgres | undefined;
  let embeddedStarting: Promise<unknown> | undefined;
  let stopping = false;
  let finishing = false;
  let exitCode = 0;

  const finish = async (): Promise<void> => {
    if (finishing) return;
    finishing = true;
    // Interrupted while the server was starting: let pg_ctl finish, so that it is stopped rather than left behind.
    await embeddedStarting?.catch(() => undefined);
    if (embedded?.running) {
      process.stdout.write('stopping the embedded PostgreSQL...\n');
      try {
        await embedded.stop();
        process.stdout.write('embedded PostgreSQL stopped\n');
      } catch (error) {
        process.stderr.write(`start: ${(error as Error).message}\n`);
        exitCode = 1;
      }
    }
    process.exit(exitCode);
  };

  const stopAll = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nstopping all (${reason})...\n`);
    // Interrupted before the children started (initdb, migrations): nothing to wait for but the database.
    if (children.size === 0) {
      void finish();
      return;
    }
    for (const child of children.values()) child.kill('SIGTERM');
    setTimeout(() => {
      for (const child of children.values()) child.kill('SIGKILL');
    }, 15000).unref();
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  // Whatever ends this process (prepare() exits at once on a signal while it waits for the
  // database), the server it started does not outlive it.
  process.on('exit', () => embedded?.stopSync());

  try {
    let config;
    try {
      config = loadConfig();
    } catch (error) {
      if (error instanceof ConfigError) throw new StartError(error.message);
      throw error;
    }
    const mode = await resolveStartMode({ env: process.env, config }, liveProbes());
    process.stdout.write(`${mode.line}\n`);

    let databaseUrl: string;
    if (mode.database.kind === 'embedded') {
      embedded = new EmbeddedPostgres({
        dataDir: mode.database.dataDir,
        port: mode.database.port,
        database: mode.database.database,
        log: (line) => process.stdout.write(`${line}\n`),
      });
      const starting = embedded.start();
      embeddedStarting = starting;
      databaseUrl = (await starting).url;
      registerSecret(databaseUrl);
    } else {
      databaseUrl = mode.database.url;
    }
    await checkNamed(mode, databaseUrl);
    if (stopping) return;

    // The children (and prepare's migration below) read these instead of guessing again.
    process.env.DATABASE_URL = databaseUrl;
    process.env.QUEUE_BACKEND = mode.queues.backend;
    if (mode.queues.redisUrl) process.env.REDIS_URL = mode.queues.redisUrl;
    const appConfig = await prepare('start');
    if (stopping) return;

    // The children write into pipes, so they cannot see the terminal themselves: pass on whether
    // a person is reading, or every line arrives as JSON.
    const childEnv = { ...process.env, LOG_FORMAT: process.env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json') };
    const quickDeaths = new Map<string, number>();
    const launch = (app: string): void => {
      const launchedAt = Date.now();
      const child = spawn(process.execPath, [join(repoRoot(), 'dist', 'apps', app, 'src', 'main.js')], {
        env: childEnv,
        // The IPC channel only tells the child when this process is gone (libs/pipeline prepare()).
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      children.set(app, child);
      prefixLines(app, child.stdout!, process.stdout);
      prefixLines(app, child.stderr!, process.stderr);
      child.on('exit', (code, signal) => {
        children.delete(app);
        if (!stopping) {
          const how = signal ?? `code ${code}`;
          const deaths = Date.now() - launchedAt < HEALTHY_AFTER_MS ? (quickDeaths.get(app) ?? 0) + 1 : 1;
          quickDeaths.set(app, deaths);
          if (deaths >= CRASH_LOOP_LIMIT) {
            exitCode = 1;
            stopAll(`${app} exited with ${how}, ${deaths} times in a row within a minute of its start`);
          } else {
            const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (deaths - 1));
            process.stderr.write(`[${app.padEnd(16)}] exited with ${how}; starting it again in ${delay / 1000} s (restart ${deaths} of at most ${CRASH_LOOP_LIMIT - 1} in a row)\n`);
            setTimeout(() => {
              if (!stopping) launch(app);
            }, delay);
            return;
          }
        }
        if (children.size === 0 && stopping) {
          process.stdout.write('all stopped\n');
          void finish();
        }
      });
    };
    for (const app of APPS) launch(app);
    process.stdout.write(
      `started ${APPS.length} processes in ${((Date.now() - startedAt) / 1000).toFixed(1)} s; API on http://127.0.0.1:${appConfig.port} (dashboard at /dashboard, Bull Board at /admin/queues). Ctrl-C stops all.\n`,
    );
  } catch (error) {
    const message = error instanceof StartError || error instanceof StartModeError || (error as Error).name === 'EmbeddedPostgresError';
    process.stderr.write(redactSecrets(`start: ${message ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`));
    exitCode = 1;
    stopping = true;
    await finish();
  }
}

void main();
