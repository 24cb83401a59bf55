import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { Pool } from 'pg';
import { runSqlFile } from '@ecom/db';
import { StageRuntime } from '@ecom/pipeline';

/** Without a bound, a ping to a dead Redis (maxRetriesPerRequest: null) would wait forever. */
const PING_TIMEOUT_MS = 3000;

interface Pingable {
  ping(): Promise<string>;
}

/** BullMQ types its client as a minimal interface; ours is an ioredis client, which answers PING. */
function canPing(client: object): client is Pingable {
  return typeof (client as Partial<Pingable>).ping === 'function';
}

async function pingQueueClient(client: Promise<object>): Promise<string> {
  const connection = await client;
  if (!canPing(connection)) throw new Error('the queue connection cannot PING');
  return connection.ping();
}

async function withinTimeout<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class PipelineHealthIndicators {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly pool: Pool,
    private readonly runtime: StageRuntime,
  ) {}

  async postgres(): Promise<HealthIndicatorResult> {
    const session = this.health.check('postgres');
    const started = Date.now();
    try {
      await withinTimeout('PostgreSQL', runSqlFile(this.pool, 'api/database_ping'));
      return session.up({ responseTimeMs: Date.now() - started });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }

  /** Pings through a queue's own connection: the one producing runs has to work. */
  async redis(): Promise<HealthIndicatorResult> {
    const session = this.health.check('redis');
    const started = Date.now();
    try {
      const reply = await withinTimeout('Redis', pingQueueClient(this.runtime.queue('generate').client));
      return session.up({ responseTimeMs: Date.now() - started, reply });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }

  /**
   * Workers connected per stage queue. Reported, not judged: in docker-compose the api may be up
   * before the workers, and the api itself is healthy either way. Clients warn on idle stages.
   */
  async workers(): Promise<HealthIndicatorResult> {
    const session = this.health.check('workers');
    try {
      const perStage = await withinTimeout('Redis', this.runtime.workersPerStage());
      const idleStages = Object.entries(perStage)
        .filter(([, count]) => count === 0)
        .map(([stage]) => stage);
      return session.up({ perStage, idleStages });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
