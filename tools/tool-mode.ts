import { loadConfig } from '@ecom/config';
import { embeddedDatabaseUrl, EmbeddedPostgresError } from './embedded-postgres';
import { displayPath, liveProbes, resolveStartMode } from './start-mode';

/**
 * For the commands that open the database themselves (the benches): the choice `npm start`
 * makes, set in this process's environment before it loads its config. Where that choice is
 * the embedded PostgreSQL they use it while `npm start` runs it; they never start one of their
 * own (a bench would then own a server that an `npm start` next to it expects to keep).
 * Returns the line to print.
 */
export async function applyStartMode(): Promise<string> {
  const mode = await resolveStartMode({ env: process.env, config: loadConfig() }, liveProbes());
  let databaseUrl: string;
  if (mode.database.kind === 'embedded') {
    const { dataDir, port, database, why } = mode.database;
    const stopped = `${why} and DATABASE_URL unset, and no embedded PostgreSQL runs in ${displayPath(dataDir)} (port ${port}): start \`npm start\` in another terminal (it starts one) or set DATABASE_URL`;
    try {
      databaseUrl = embeddedDatabaseUrl(dataDir, port, database);
    } catch (error) {
      if (error instanceof EmbeddedPostgresError) throw new Error(stopped);
      throw error;
    }
    const probe = await liveProbes().postgres(databaseUrl);
    if (!probe.up) throw new Error(stopped);
  } else {
    databaseUrl = mode.database.url;
  }
  process.env.DATABASE_URL = databaseUrl;
  process.env.QUEUE_BACKEND = mode.queues.backend;
  if (mode.queues.redisUrl) process.env.REDIS_URL = mode.queues.redisUrl;
  return mode.database.kind === 'embedded' ? mode.line.replace('starting embedded', 'using the embedded') : mode.line;
}
