import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, SHIPPED_DATABASE_URL, SHIPPED_REDIS_URL } from './app-config';
import { repoRoot } from './paths';

describe('loadConfig: config/config.yaml, then environment, then overrides, validated once', () => {
  it('gives the documented defaults from config/config.yaml', () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/ecom',
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      queuePrefix: 'ecom',
      generator: { customers: 1000, products: 500, transactions: 10000, seed: 42, startDate: '2024-01-01', endDate: '2024-12-31' },
      quality: { threshold: 70 },
    });
    expect(config.apiKey).toBeUndefined();
    expect(config.dataRoot).toBe(join(repoRoot(), 'data'));
    expect(config.embedded).toEqual({ mode: 'auto', dataDir: join(repoRoot(), 'data', 'pg'), port: 54329 });
  });

  it('ships the databaseUrl and redisUrl that npm start treats as "not named by the user"', () => {
    const config = loadConfig({ env: {} });
    expect(config.databaseUrl).toBe(SHIPPED_DATABASE_URL);
    expect(config.redisUrl).toBe(SHIPPED_REDIS_URL);
  });

  it('reads the embedded PostgreSQL settings from EMBEDDED, EMBEDDED_DATA_DIR and EMBEDDED_PORT, and refuses a mode it does not know', () => {
    const config = loadConfig({ env: { EMBEDDED: 'off', EMBEDDED_DATA_DIR: '/var/tmp/pg', EMBEDDED_PORT: '6000' } });
    expect(config.embedded).toEqual({ mode: 'off', dataDir: '/var/tmp/pg', port: 6000 });
    expect(() => loadConfig({ env: { EMBEDDED: 'on' } })).toThrow('embedded.mode (EMBEDDED): mode must be one of the following values: auto, off, got "on"');
  });

  it('lets environment variables override the file', () => {
    const config = loadConfig({
      env: { DATABASE_URL: 'postgres://u@db:5432/x', PORT: '8080', API_KEY: 'secret-key-1', QUALITY_THRESHOLD: '85.5', SOURCE_ROOTS: '/a, /b' },
    });
    expect(config.databaseUrl).toBe('postgres://u@db:5432/x');
    expect(config.port).toBe(8080);
    expect(config.apiKey).toBe('secret-key-1');
    expect(config.quality.threshold).toBe(85.5);
    expect(config.sourceRoots).toEqual(['/a', '/b']);
  });

  it('stops with one message naming every bad key and its variable', () => {
    let error: unknown;
    try {
      loadConfig({ env: { PORT: 'eighty', DATABASE_URL: 'mysql://x', QUALITY_THRESHOLD: '120' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('port (PORT)');
    expect(message).toContain('"eighty"');
    expect(message).toContain('databaseUrl (DATABASE_URL): databaseUrl must be a postgres:// URL');
    expect(message).toContain('quality.threshold (QUALITY_THRESHOLD)');
  });

  it('keeps queues on Redis unless QUEUE_BACKEND says postgres, and names a wrong backend', () => {
    expect(loadConfig({ env: {} }).queueBackend).toBe('redis');
    expect(loadConfig({ env: { QUEUE_BACKEND: '' } }).queueBackend).toBe('redis');
    expect(loadConfig({ env: { QUEUE_BACKEND: 'postgres' } }).queueBackend).toBe('postgres');
    expect(() => loadConfig({ env: { QUEUE_BACKEND: 'kafka' } })).toThrow(
      'queueBackend (QUEUE_BACKEND): queueBackend must be one of redis, postgres, got "kafka"',
    );
  });

  it('reads the pool size from DB_POOL_MAX (default 10) and refuses one below 2 or not a number', () => {
    expect(loadConfig({ env: {} }).dbPoolMax).toBe(10);
    expect(loadConfig({ env: { DB_POOL_MAX: '4' } }).dbPoolMax).toBe(4);
    expect(() => loadConfig({ env: { DB_POOL_MAX: '1' } })).toThrow('dbPoolMax (DB_POOL_MAX): dbPoolMax must not be less than 2, got 1');
    expect(() => loadConfig({ env: { DB_POOL_MAX: 'ten' } })).toThrow('dbPoolMax (DB_POOL_MAX): dbPoolMax must be an integer number, got "ten"');
  });

  it('migrates at start unless MIGRATE_ON_START is false, and names a value that is neither', () => {
    expect(loadConfig({ env: {} }).migrateOnStart).toBe(true);
    expect(loadConfig({ env: { MIGRATE_ON_START: 'false' } }).migrateOnStart).toBe(false);
    expect(loadConfig({ env: { MIGRATE_ON_START: 'TRUE' } }).migrateOnStart).toBe(true);
    expect(() => loadConfig({ env: { MIGRATE_ON_START: 'no' } })).toThrow('migrateOnStart (MIGRATE_ON_START): migrateOnStart must be a boolean value, got "no"');
  });

  it('reads per-entity reject limits, null for none, and names a wrong one by its key', () => {
    expect(loadConfig({ env: {} }).quality.maxRejectPercent).toEqual({ customers: 10, products: 10, transactions: 5, transaction_items: 5 });
    const off = loadConfig({ env: {}, overrides: { quality: { maxRejectPercent: { transactions: null } } } });
    expect(off.quality.maxRejectPercent).toMatchObject({ transactions: null, transaction_items: 5 });
    const bad = (maxRejectPercent: Record<string, unknown>) => {
      try {
        loadConfig({ env: {}, overrides: { quality: { maxRejectPercent } } as never });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(bad({ transactions: 150 })).toContain('quality.maxRejectPercent.transactions: transactions must not be greater than 100, got 150');
    expect(bad({ customers: '5%' })).toContain('quality.maxRejectPercent.customers: customers must be a number');
    expect(bad({ orders: 5 })).toContain('quality.maxRejectPercent.orders: property orders should not exist');
  });

  it('refuses unknown keys and broken YAML in the file, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecom-config-'));
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'databaseUrl: postgres://x/y\nredisUrl: redis://r\nqueuePrefx: q\n');
    expect(() => loadConfig({ env: {}, file: typo })).toThrow(/typo\.yaml[\s\S]*queuePrefx/);
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'port: [1, 2\n');
    expect(() => loadConfig({ env: {}, file: broken })).toThrow(/broken\.yaml is not valid YAML/);
    expect(() => loadConfig({ env: {}, file: join(dir, 'missing.yaml') })).toThrow(/config file not found/);
  });
  it("validates the generator's shop model, naming the key", () => {
    const model = loadConfig({ env: {} }).generator.model;
    expect(model.monthWeights).toHaveLength(12);
    expect(model.paymentMix.default['Cash on Delivery']).toBeGreaterThan(0);
    const broken = (overrides: Record<string, unknown>) => {
      try {
        loadConfig({ env: {}, overrides: { generator: { model: overrides } } as never });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(broken({ monthWeights: [1, 2, 3] })).toContain('generator.model.monthWeights: monthWeights must contain at least 12 elements');
    // Overrides merge into the file's tables, so a bad weight is the way to break one.
    expect(broken({ paymentMix: { India: { UPI: 'most' } } })).toContain("generator.model.paymentMix: paymentMix must hold a 'default' table");
    expect(broken({ categoryDemand: { Electronics: -1 } })).toContain('generator.model.categoryDemand: categoryDemand must map labels to non-negative numbers');
    expect(broken({ events: [{ name: 'Sale', from: '13-01', to: '12-31', weight: 2 }] })).toContain('generator.model.events.0.from: from must be MM-DD');
    expect(broken({ customerMoveShare: 0.02 })).toBe('accepted');
  });
});
