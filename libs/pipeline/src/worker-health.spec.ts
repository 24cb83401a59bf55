import { createServer, connect, type Server, type Socket } from 'node:net';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig, type QueueBackend } from '@ecom/config';
import { QUEUES, STAGES } from '@ecom/contracts';
import { createTestEnv, freePort, waitFor, type TestEnv } from '@ecom/testing';
import { createWorkerContext, serveWorkerMetrics } from './bootstrap';
import type { MetricsServer } from './metrics/metrics-server';
import { PipelineModule } from './pipeline.module';
import { StageRuntime } from './stage-runtime';
import type { WorkerHealthReport } from './worker-health';
import { workersOf } from './worker-health';

/**
 * A TCP relay to a real server that a spec can cut and restore on the same port: the store
 * "goes away" for the worker (its connections drop and new ones are refused) while the server
 * itself, shared with every other suite, stays up.
 */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async to(target: { host: string; port: number }): Promise<Relay> {
    const relay = new Relay(await freePort(), target);
    await relay.open();
    return relay;
  }

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

@Injectable()
@Processor(QUEUES.analytics)
class IdleProcessor extends WorkerHost {
  async process(): Promise<void> {
    return undefined;
  }
}

@Module({})
class IdleWorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: IdleWorkerModule, imports: [PipelineModule.forRoot(config)], providers: [IdleProcessor] };
  }
}

async function healthz(server: MetricsServer): Promise<{ status: number; report: WorkerHealthReport }> {
  const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
  return { status: response.status, report: (await response.json()) as WorkerHealthReport };
}

/** The relay's own URL for the store under test: Redis, or PostgreSQL (which then holds the queues too). */
function throughRelay(config: AppConfig, backend: QueueBackend, relay: Relay): Partial<AppConfig> {
  if (backend === 'redis') return { redisUrl: `redis://127.0.0.1:${relay.port}` };
  const url = new URL(config.databaseUrl);
  url.host = `127.0.0.1:${relay.port}`;
  return { databaseUrl: url.toString() };
}

describe.each<QueueBackend>(['redis', 'postgres'])('a worker reports at GET /healthz whether it runs and reaches its store (%s queues)', (backend) => {
  let env: TestEnv;
  let relay: Relay;
  let app: INestApplicationContext;
  let server: MetricsServer;

  beforeAll(async () => {
    env = await createTestEnv(`pipeline_worker_health_${backend}`, { queueBackend: backend, dbPoolMax: 3 });
    const direct = new URL(backend === 'redis' ? env.config.redisUrl : env.config.databaseUrl);
    relay = await Relay.to({ host: direct.hostname, port: Number(direct.port) });
    const config: AppConfig = { ...env.config, ...throughRelay(env.config, backend, relay) };
    app = await createWorkerContext(IdleWorkerModule.forRoot, config, false);
    // BullMQ prints the errors of objects without a listener: the cut below is on purpose.
    for (const worker of workersOf(app)) worker.on('error', () => undefined);
    for (const stage of STAGES) app.get(StageRuntime).queue(stage).on('error', () => undefined);
    server = await serveWorkerMetrics(app, 0, '127.0.0.1');
  });
  afterAll(async () => {
    await server.close();
    await app.close();
    await relay.cut();
    await env.teardown();
  });

  it('finds the processor\'s worker, and sizes the app\'s pool by dbPoolMax', () => {
    expect(workersOf(app).map((w) => w.name)).toEqual([QUEUES.analytics]);
    expect(app.get(Pool).options.max).toBe(3);
  });

  it('answers 200 while the worker runs and its store and PostgreSQL answer through its own connections', async () => {
    const { status, report } = await waitFor(async () => {
      const answer = await healthz(server);
      return answer.status === 200 ? answer : undefined;
    }, 'the worker to report healthy');
    expect(status).toBe(200);
    expect(report).toMatchObject({
      healthy: true,
      workers: [{ queue: QUEUES.analytics, running: true, closing: false, connected: true }],
      database: { connected: true },
    });
    expect(Date.parse(report.workers[0].lastConnectedAt!)).not.toBeNaN();
  });

  it('answers 503 once the store goes away, keeping the last time it answered, and 200 again when it is back', async () => {
    const before = (await healthz(server)).report.workers[0].lastConnectedAt;
    expect(before).not.toBeNull();
    await relay.cut();
    const down = await healthz(server);
    expect(down.status).toBe(503);
    expect(down.report.healthy).toBe(false);
    expect(down.report.workers[0]).toMatchObject({ queue: QUEUES.analytics, connected: false, lastConnectedAt: before });
    expect(down.report.workers[0].error).toBeTruthy();
    // On postgres the app's own pool goes through the same relay: PostgreSQL is away for it too.
    expect(down.report.database.connected).toBe(backend === 'redis');
    await relay.open();
    const up = await waitFor(async () => {
      const answer = await healthz(server);
      return answer.status === 200 ? answer : undefined;
    }, 'the worker to reconnect', 60_000, 250);
    expect(Date.parse(up.report.workers[0].lastConnectedAt!)).toBeGreaterThan(Date.parse(before!));
  }, 90_000);

  it('answers 503 once its worker is closing, whatever the store says', async () => {
    const [worker] = workersOf(app);
    await worker.close();
    const { status, report } = await healthz(server);
    expect(status).toBe(503);
    expect(report.workers[0]).toMatchObject({ running: false, closing: true });
  });

  it('serves only /metrics and /healthz', async () => {
    const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(metrics.status).toBe(200);
    const other = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(other.status).toBe(404);
    expect(await other.text()).toBe('only GET /metrics and GET /healthz are served here\n');
  });
});
