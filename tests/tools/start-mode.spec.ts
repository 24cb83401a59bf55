import { join } from 'node:path';
import { loadConfig, repoRoot } from '@ecom/config';
import { resolveStartMode, type Probe, type Probes, type StartModeInputs } from '../../tools/start-mode';

const SHIPPED = loadConfig({ env: {} });
const UP: Probe = { up: true };
const ABSENT: Probe = { up: false, absent: true, reason: 'connect ECONNREFUSED 127.0.0.1:5432' };

/** Probes that answer as told and record what was asked, so a test sees which probes ran. */
function probes(postgres: Probe, redis: Probe): Probes & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async postgres(url) {
      asked.push(`postgres ${url}`);
      return postgres;
    },
    async redis(url) {
      asked.push(`redis ${url}`);
      return redis;
    },
  };
}

function inputs(env: StartModeInputs['env'] = {}, config: Partial<StartModeInputs['config']> = {}): StartModeInputs {
  return {
    env,
    config: {
      databaseUrl: SHIPPED.databaseUrl,
      redisUrl: SHIPPED.redisUrl,
      queueBackend: SHIPPED.queueBackend,
      embedded: SHIPPED.embedded,
      ...config,
    },
  };
}

describe('npm start: where the data and the queues live', () => {
  it('on a bare machine starts the embedded PostgreSQL in data/pg and keeps the queues in it', async () => {
    const found = probes(ABSENT, ABSENT);
    const mode = await resolveStartMode(inputs(), found);
    expect(mode.database).toEqual({
      kind: 'embedded',
      dataDir: join(repoRoot(), 'data', 'pg'),
      port: 54329,
      database: 'ecom',
      why: 'no PostgreSQL at 127.0.0.1:5432',
    });
    expect(mode.queues).toMatchObject({ backend: 'postgres', given: false });
    expect(mode.line).toBe(
      'no PostgreSQL at 127.0.0.1:5432 and DATABASE_URL unset: starting embedded PostgreSQL 18 in data/pg (port 54329); ' +
        'queues on PostgreSQL in the same database (no Redis at 127.0.0.1:6379: QUEUE_BACKEND=postgres)',
    );
    // The maintenance database: the app's own may not exist yet on a server that is there.
    expect(found.asked).toEqual(['postgres postgres://postgres@127.0.0.1:5432/postgres', 'redis redis://127.0.0.1:6379']);
  });

  it('uses the PostgreSQL and Redis it finds on the default ports, as before', async () => {
    const mode = await resolveStartMode(inputs(), probes(UP, UP));
    expect(mode.database).toEqual({ kind: 'default', url: 'postgres://postgres@127.0.0.1:5432/ecom' });
    expect(mode.queues).toEqual({ backend: 'redis', redisUrl: 'redis://127.0.0.1:6379', origin: 'found', given: false });
    expect(mode.line).toBe('PostgreSQL at 127.0.0.1:5432/ecom; queues on Redis at 127.0.0.1:6379');
  });

  it('mixes: the default PostgreSQL without Redis keeps the queues in it; the embedded one with a Redis uses the Redis', async () => {
    expect((await resolveStartMode(inputs(), probes(UP, ABSENT))).line).toBe(
      'PostgreSQL at 127.0.0.1:5432/ecom; queues on PostgreSQL in the same database (no Redis at 127.0.0.1:6379: QUEUE_BACKEND=postgres)',
    );
    const mode = await resolveStartMode(inputs(), probes(ABSENT, UP));
    expect(mode.database.kind).toBe('embedded');
    expect(mode.queues.backend).toBe('redis');
  });

  it('starts its own when something on 5432 refuses the default URL, and says why', async () => {
    const refused: Probe = { up: false, absent: false, reason: 'password authentication failed for user "postgres"' };
    const mode = await resolveStartMode(inputs(), probes(refused, UP));
    expect(mode.database.kind).toBe('embedded');
    expect(mode.line).toMatch(
      /^PostgreSQL at 127\.0\.0\.1:5432 refused postgres:\/\/postgres@127\.0\.0\.1:5432\/ecom \(password authentication failed for user "postgres"\) and DATABASE_URL unset: starting embedded/,
    );
  });

  describe('nothing is guessed where the user said something', () => {
    it('DATABASE_URL is used as it is, unprobed, and never replaced by the embedded one', async () => {
      const found = probes(ABSENT, UP);
      const mode = await resolveStartMode(inputs({ DATABASE_URL: 'postgres://app:secret@db.internal:6432/shop' }), found);
      expect(mode.database).toEqual({ kind: 'given', url: 'postgres://app:secret@db.internal:6432/shop', origin: 'DATABASE_URL' });
      expect(found.asked).toEqual(['redis redis://127.0.0.1:6379']);
      // No password in the line.
      expect(mode.line).toBe('PostgreSQL at db.internal:6432/shop (DATABASE_URL); queues on Redis at 127.0.0.1:6379');
    });

    it('a databaseUrl changed in the config file counts as said; the shipped one does not', async () => {
      const found = probes(ABSENT, UP);
      const mode = await resolveStartMode(inputs({}, { databaseUrl: 'postgres://postgres@127.0.0.1:5433/ecom' }), found);
      expect(mode.database).toEqual({ kind: 'given', url: 'postgres://postgres@127.0.0.1:5433/ecom', origin: 'databaseUrl in the config file' });
      expect(found.asked).not.toContainEqual(expect.stringMatching(/^postgres /));
    });

    it('embedded off (EMBEDDED=off or embedded.mode) uses databaseUrl even when nothing answers there', async () => {
      const found = probes(ABSENT, UP);
      const mode = await resolveStartMode(inputs({ EMBEDDED: 'off' }, { embedded: { ...SHIPPED.embedded, mode: 'off' } }), found);
      expect(mode.database).toEqual({ kind: 'given', url: 'postgres://postgres@127.0.0.1:5432/ecom', origin: 'EMBEDDED=off' });
      const fromFile = await resolveStartMode(inputs({}, { embedded: { ...SHIPPED.embedded, mode: 'off' } }), found);
      expect(fromFile.database).toMatchObject({ kind: 'given', origin: 'embedded.mode off in the config file' });
      expect(found.asked).toEqual(['redis redis://127.0.0.1:6379', 'redis redis://127.0.0.1:6379']);
      // The variable reaches the config through ENV_VARS.
      expect(loadConfig({ env: { EMBEDDED: 'off' } }).embedded.mode).toBe('off');
    });

    it('QUEUE_BACKEND decides the queues without a probe, whatever runs', async () => {
      const found = probes(UP, UP);
      const onPostgres = await resolveStartMode(inputs({ QUEUE_BACKEND: 'postgres' }), found);
      expect(onPostgres.queues).toEqual({ backend: 'postgres', origin: 'QUEUE_BACKEND=postgres', given: true });
      expect(onPostgres.line).toBe('PostgreSQL at 127.0.0.1:5432/ecom; queues on PostgreSQL in the same database (QUEUE_BACKEND=postgres)');
      const onRedis = await resolveStartMode(inputs({ QUEUE_BACKEND: 'redis', REDIS_URL: 'redis://cache:6380/2' }), probes(UP, ABSENT));
      expect(onRedis.queues).toEqual({ backend: 'redis', redisUrl: 'redis://cache:6380/2', origin: 'QUEUE_BACKEND=redis', given: true });
      expect(found.asked).toEqual(['postgres postgres://postgres@127.0.0.1:5432/postgres']);
    });

    it('a queueBackend in the config other than the shipped redis counts as said', async () => {
      const found = probes(UP, UP);
      const mode = await resolveStartMode(inputs({}, { queueBackend: 'postgres' }), found);
      expect(mode.queues).toEqual({ backend: 'postgres', origin: 'queueBackend: postgres in the config file', given: true });
      expect(found.asked).not.toContainEqual(expect.stringMatching(/^redis /));
    });

    it('REDIS_URL (or a changed redisUrl) means Redis, unprobed: the launcher then checks that it answers', async () => {
      const found = probes(UP, ABSENT);
      const mode = await resolveStartMode(inputs({ REDIS_URL: 'redis://127.0.0.1:6390' }), found);
      expect(mode.queues).toEqual({ backend: 'redis', redisUrl: 'redis://127.0.0.1:6390', origin: 'REDIS_URL', given: true });
      expect(mode.line).toBe('PostgreSQL at 127.0.0.1:5432/ecom; queues on Redis at 127.0.0.1:6390 (REDIS_URL)');
      const fromFile = await resolveStartMode(inputs({}, { redisUrl: 'redis://queue-host:6379' }), found);
      expect(fromFile.queues).toMatchObject({ backend: 'redis', redisUrl: 'redis://queue-host:6379', origin: 'redisUrl in the config file' });
      expect(found.asked).not.toContainEqual(expect.stringMatching(/^redis /));
    });

    it('refuses a queue backend it does not know, naming the variable', async () => {
      await expect(resolveStartMode(inputs({ QUEUE_BACKEND: 'kafka' }), probes(UP, UP))).rejects.toThrow(
        "QUEUE_BACKEND must be one of redis, postgres, got 'kafka'",
      );
    });
  });

  it('puts the embedded data where EMBEDDED_DATA_DIR and EMBEDDED_PORT say', async () => {
    const config = loadConfig({ env: { EMBEDDED_DATA_DIR: '/var/lib/ecom-pg', EMBEDDED_PORT: '55432' } });
    const mode = await resolveStartMode(inputs({}, { embedded: config.embedded }), probes(ABSENT, ABSENT));
    expect(mode.line).toMatch(/starting embedded PostgreSQL 18 in \/var\/lib\/ecom-pg \(port 55432\)/);
  });
});
