import { Redis } from 'ioredis';
import { Client } from 'pg';
import { loadConfig, redactSecrets } from '@ecom/config';

/**
 * Container healthcheck for the workers: a worker is useful only while it reaches PostgreSQL and
 * its queue store. Exits 0 when both answer within 3 s. With QUEUE_BACKEND=postgres the queues
 * live in that same database, so its answer covers both and Redis is not needed.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const pg = new Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 3000 });
  await pg.connect();
  await pg.query('SELECT 1');
  await pg.end();
  if (config.queueBackend === 'postgres') return;
  const redis = new Redis(config.redisUrl, { connectTimeout: 3000, maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  await redis.ping();
  redis.disconnect();
}

void main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`unhealthy: ${redactSecrets(error.message)}\n`);
    process.exit(1);
  },
);
