import { Logger } from '@nestjs/common';
import { loadConfig } from '@ecom/config';
import { createAppLogger } from './logger';

describe('log lines never carry a secret', () => {
  const config = loadConfig({
    env: {
      API_KEY: 'log-api-key-31337',
      DATABASE_URL: 'postgres://app:log-db-pass-7@db:5432/ecom',
      REDIS_URL: 'redis://:log-redis-pass-8@cache:6379',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    },
  });
  const SECRETS = ['log-api-key-31337', 'log-db-pass-7', 'log-redis-pass-8'];

  it('redacts messages, fields and errors (message and stack), whoever logs them', () => {
    const lines: string[] = [];
    const logger = createAppLogger(config, { app: 'api', destination: { write: (line: string) => lines.push(line) } });
    logger.log(`connecting to ${config.databaseUrl}`, 'Db');
    logger.warn({ msg: 'retrying', redis: config.redisUrl, nested: { headers: { 'x-api-key': config.apiKey } } }, 'Queue');
    const failure = new Error(`connect ECONNREFUSED ${config.redisUrl} with key ${config.apiKey}`);
    logger.error(failure, 'Boot');
    logger.error(`failed: password=${'inline-pass-1'} for smtp://mailer:smtp-log-pass@mail:25`, failure.stack, 'Alerts');
    // A Nest Logger of any class goes through the same pino logger.
    Logger.overrideLogger(logger);
    new Logger('Anywhere').log(`key ${config.apiKey}`);
    Logger.overrideLogger(false);

    expect(lines).toHaveLength(5);
    const output = lines.join('\n');
    for (const secret of [...SECRETS, 'inline-pass-1', 'smtp-log-pass']) expect(output).not.toContain(secret);
    const [connecting, retrying, error] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(connecting.msg).toBe('connecting to postgres://app:***@db:5432/ecom');
    expect(retrying).toMatchObject({ redis: 'redis://:***@cache:6379', nested: { headers: { 'x-api-key': '***' } } });
    expect((error.err as { message: string }).message).toBe('connect ECONNREFUSED redis://:***@cache:6379 with key ***');
    expect((error.err as { stack: string }).stack).toContain('with key ***');
  });
});
