import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '@ecom/config';
import { serverSettings } from '../../tools/embedded-postgres';

interface ComposeService {
  image?: string;
  command?: string[];
  init?: boolean;
  restart?: string;
  environment?: Record<string, unknown>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test?: string[] };
  shm_size?: string;
  stop_signal?: string;
  stop_grace_period?: string;
}

/**
 * What `docker-compose config` (CI, .ci/run) cannot see: the production shape of the file. It
 * checks syntax, keys and that .env.example provides every required variable; this checks that
 * migrations run once, that every service is what the operations docs say it is, and that no
 * credential is written into the file.
 */
describe('docker-compose.yml: a one-shot migrate, healthchecks that ask the workers, credentials from .env', () => {
  const root = repoRoot();
  const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  const services = (parse(text, { merge: true }) as { services: Record<string, ComposeService> }).services;
  const apps = Object.entries(services).filter(([, service]) => service.image === 'ecom-pipeline:local' && service.command?.some((arg) => arg.startsWith('dist/apps/')));

  it('runs migrations in the migrate service only, once (no restart), and every app waits for it to succeed', () => {
    expect(services.migrate.command).toEqual(['node', 'dist/tools/migrate.js']);
    expect(services.migrate.restart).toBe('no');
    expect(services.migrate.environment?.MIGRATE_ON_START).toBe('true');
    expect(apps.length).toBeGreaterThanOrEqual(7);
    for (const [name, service] of apps) {
      expect(`${name}: ${String(service.environment?.MIGRATE_ON_START)}`).toBe(`${name}: false`);
      expect(`${name}: ${service.depends_on?.migrate?.condition}`).toBe(`${name}: service_completed_successfully`);
    }
  });

  it('gives every service tini as PID 1, and every worker the healthcheck that asks the worker itself', () => {
    for (const [name, service] of Object.entries(services)) expect(`${name}: ${service.init}`).toBe(`${name}: true`);
    for (const [name, service] of apps.filter(([, s]) => s.environment?.METRICS_PORT !== undefined)) {
      expect(`${name}: ${service.healthcheck?.test?.join(' ')}`).toBe(`${name}: CMD node dist/tools/healthcheck.js`);
    }
  });

  it('takes every credential from .env, whose example holds placeholders and which git and the image build leave out', () => {
    // Passwords reach the file only as ${VARIABLE} (compose substitutes them from .env).
    const secretSettings = text.split('\n').filter((line) => /^\s*[A-Z_]*(PASSWORD|API_KEY|AUTH)[A-Z_]*:/.test(line));
    expect(secretSettings.length).toBeGreaterThanOrEqual(3);
    expect(secretSettings.filter((line) => !/:\s*\$\{[A-Z_]+[:}]/.test(line))).toEqual([]);
    expect(text).toMatch(/"--requirepass", "\$\{REDIS_PASSWORD:\?/);
    expect(text).not.toMatch(/:\/\/[^$\s]*:[^$\s@]+@/);
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const defined = new Set([...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => m[1]));
    const required = new Set([...text.matchAll(/\$\{([A-Z_]+):\?/g)].map((m) => m[1]));
    expect([...required].filter((name) => !defined.has(name))).toEqual([]);
    for (const [, name, value] of example.matchAll(/^([A-Z_]*(?:PASSWORD|API_KEY))=(.*)$/gm)) expect(`${name}=${value}`).toMatch(/=change-me/);
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('.env');
    expect(readFileSync(join(root, '.dockerignore'), 'utf8').split('\n')).toContain('.env');
  });

  it("runs PostgreSQL with the embedded server's WAL and buffer settings, and room in /dev/shm for parallel hashes", () => {
    const embedded = serverSettings('/data', 5432);
    const settings = Object.fromEntries(
      (services.postgres.command ?? []).filter((arg) => arg.includes('=')).map((arg) => arg.split('=') as [string, string]),
    );
    expect({ shared_buffers: settings.shared_buffers, max_wal_size: settings.max_wal_size }).toEqual({
      shared_buffers: embedded.shared_buffers,
      max_wal_size: embedded.max_wal_size,
    });
    // Docker's default is 64m; a stage's parallel hash of 256MB work_mem per process needs more.
    expect(services.postgres.shm_size).toMatch(/^[1-9][0-9]*gb$/);
  });

  it('has the image create its cluster, and so the database, in collation C as the app creates a missing one', () => {
    expect(services.postgres.environment?.POSTGRES_INITDB_ARGS).toBe('--lc-collate=C');
  });

  it('stops PostgreSQL with a fast shutdown and time for its checkpoint: killed, it would empty the UNLOGGED dashboard summaries', () => {
    expect(services.postgres.stop_signal).toBe('SIGINT');
    expect(Number(/^(\d+)s$/.exec(services.postgres.stop_grace_period ?? '')?.[1])).toBeGreaterThanOrEqual(60);
  });

  it('passes DB_POOL_MAX to every app from .env', () => {
    for (const [name, service] of [...apps, ['migrate', services.migrate] as const]) {
      expect(`${name}: ${String(service.environment?.DB_POOL_MAX)}`).toBe(`${name}: \${DB_POOL_MAX:-10}`);
    }
  });
});
