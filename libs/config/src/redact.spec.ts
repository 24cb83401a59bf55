import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';
import { redactSecrets, redactUrl, registerSecret } from './redact';

const configError = (options: Parameters<typeof loadConfig>[0]): string => {
  try {
    loadConfig(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

describe('secrets in configuration errors and messages', () => {
  it('names a bad database URL, API key and SMTP URL without echoing their secrets', () => {
    const message = configError({
      env: {
        DATABASE_URL: 'mysql://app:db-pass-4711@db.internal:3306/shop',
        API_KEY: 'k3y-1',
        REDIS_URL: 'http://:redis-pass-0815@cache:6379',
        ALERT_SMTP_URL: 'ftp://mailer:smtp-pass-2024@mail.internal:25',
        ALERT_WEBHOOK_URL: 'ftp://hooks.example.com/services/T000/B000/webhook-secret-path',
      },
    });
    expect(message).toContain('databaseUrl (DATABASE_URL): databaseUrl must be a postgres:// URL, got "mysql://app:***@db.internal:3306/shop"');
    expect(message).toContain('apiKey (API_KEY): apiKey must be at least 8 characters, got a value of 5 characters');
    expect(message).toContain('redisUrl (REDIS_URL): redisUrl must be a redis:// URL, got "http://:***@cache:6379"');
    expect(message).toContain('alerts.webhookUrl (ALERT_WEBHOOK_URL): webhookUrl must be an http:// or https:// URL, got "ftp://hooks.example.com/***"');
    for (const secret of ['db-pass-4711', 'k3y-1', 'redis-pass-0815', 'smtp-pass-2024', 'webhook-secret-path', 'T000']) {
      expect(message).not.toContain(secret);
    }
  });

  it('does not echo a secret that the YAML parser quotes from a broken config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecom-redact-'));
    try {
      const file = join(dir, 'config.yaml');
      // The parser quotes the broken line: here the one holding the password.
      writeFileSync(file, 'databaseUrl: "postgres://app:yaml-pass-99@db/ecom" junk\n');
      const message = configError({ env: {}, file });
      expect(message).toMatch(/is not valid YAML: Unexpected scalar/);
      expect(message).toContain('postgres://app:***@db/ecom');
      expect(message).not.toContain('yaml-pass-99');
      writeFileSync(file, 'apiKey: yaml-key-value-1 : x\n');
      expect(configError({ env: {}, file })).not.toContain('yaml-key-value-1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('blanks registered secrets, URL passwords and password pairs wherever they turn up', () => {
    loadConfig({ env: { API_KEY: 'the-api-key-0042', DATABASE_URL: 'postgres://app:p%40ss-word-17@db:5432/ecom' } });
    expect(redactSecrets('rejected key the-api-key-0042 from 10.0.0.1')).toBe('rejected key *** from 10.0.0.1');
    // The password decoded, as a library error might print it.
    expect(redactSecrets('auth failed for app with p@ss-word-17')).toBe('auth failed for app with ***');
    expect(redactSecrets('connect smtp://u:anything@mail:25 failed')).toBe('connect smtp://u:***@mail:25 failed');
    expect(redactSecrets('host=db password=hunter22 user=app')).toBe('host=db password=*** user=app');
    expect(redactSecrets('{"apiKey":"zzz-top-secret"}')).toBe('{"apiKey":"***"}');
    registerSecret('abc'); // too short to blank as text
    expect(redactSecrets('abc def')).toBe('abc def');
    expect(redactUrl('postgres://app:pw-123456@db:5432/ecom')).toBe('postgres://app:***@db:5432/ecom');
  });
});
