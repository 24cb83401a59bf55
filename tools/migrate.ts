import { Logger } from '@nestjs/common';
import { redactSecrets } from '@ecom/config';
import { prepare } from '@ecom/pipeline';

/**
 * Applies pending migrations once and exits: docker-compose's one-shot `migrate` service, which
 * the api and the workers (MIGRATE_ON_START=false) wait for. Waits for PostgreSQL like an app
 * does; exit 0 means the schema is current, anything else that it is not.
 */
async function main(): Promise<void> {
  await prepare('migrate', { migrateOnStart: true });
  new Logger('migrate').log('schema is current');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`migrate: failed: ${redactSecrets(error instanceof Error ? error.message : String(error))}\n`);
    process.exit(1);
  },
);
