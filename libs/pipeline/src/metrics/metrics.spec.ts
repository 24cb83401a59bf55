import { Processor } from '@nestjs/bullmq';
import { Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import type { Job } from 'bullmq';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { AppConfig, loadConfig, repoRoot } from '@ecom/config';
import { QUEUES, type RunParams } from '@ecom/contracts';
import { createTestEnv, type TestEnv, waitFor } from '@ecom/testing';
import { createWorkerContext, serveWorkerMetrics } from '../bootstrap';
import { createAppLogger } from '../logging/logger';
import { PipelineModule } from '../pipeline.module';
import { StageFailure, StageRuntime } from '../stage-runtime';
import { StageWorker } from '../stage-worker';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { pipelineMetrics } from './pipeline-metrics';

const failingRuns = new Set<string>();

@Injectable()
@Processor(QUEUES.validate)
class ScoringValidate extends StageWorker {
  constructor(private readonly runtime: StageRuntime, config: AppConfig) {
    super(config);
  }
  async process(job: Job<{ runId: string }>): Promise<void> {
    await this.runtime.runStage(job, 'validate', job.data.runId, async () => {
      this.logger.log('scoring the run');
      if (failingRuns.has(job.data.runId)) throw new StageFailure('quality below threshold');
      return { rowsIn: 7, rowsOut: 5, rowsRejected: 2, detail: { score: 88.5 } };
    });
  }
}

@Module({})
class ScoringModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ScoringModule, imports: [PipelineModule.forRoot(config)], providers: [ScoringValidate] };
  }
}

/** The value of one series in Prometheus text format, e.g. `name{a="1"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('worker metrics and logs: a processed job shows on /metrics and logs JSON with its run, stage and job', () => {
  let env: TestEnv;
  let app: INestApplicationContext;
  let runtime: StageRuntime;
  let server: MetricsServer;
  const lines: string[] = [];
  const params: RunParams = { mode: 'rebuild', inputDir: '' };

  const metricsText = async () => (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();

  async function validateRun(runId: string): Promise<void> {
    await runtime.ledger.createRun(runId, { ...params });
    await runtime.queue('validate').add('run', { runId }, { jobId: `${runId}-validate`, attempts: 1 });
  }

  beforeAll(async () => {
    env = await createTestEnv('pipeline_metrics');
    // Info level, to a buffer: the line the job writes is what this spec reads.
    const logger = createAppLogger({ ...env.config, logLevel: 'info' }, { app: 'validator', destination: { write: (line: string) => lines.push(line) } });
    app = await createWorkerContext(ScoringModule.forRoot, env.config, logger);
    runtime = app.get(StageRuntime);
    server = await serveWorkerMetrics(app, 0, env.config.metrics.host);
  });

  afterAll(async () => {
    await server?.close();
    await app?.close();
    await env?.teardown();
  });

  it('listens on 127.0.0.1 unless METRICS_HOST says otherwise; docker-compose opens it to the other containers', async () => {
    expect(loadConfig({ env: {} }).metrics.host).toBe('127.0.0.1');
    expect(server.host).toBe('127.0.0.1');
    expect(loadConfig({ env: { METRICS_HOST: '0.0.0.0' } }).metrics.host).toBe('0.0.0.0');
    // The bare server: a second serveWorkerMetrics would share (and on close stop) the queue watch.
    const everywhere = await startMetricsServer(pipelineMetrics(), 0, '0.0.0.0');
    try {
      expect(everywhere.host).toBe('0.0.0.0');
    } finally {
      await everywhere.close();
    }
    const compose = parseYaml(readFileSync(join(repoRoot(), 'docker-compose.yml'), 'utf8')) as { 'x-app': { environment: Record<string, string> } };
    expect(compose['x-app'].environment.METRICS_HOST).toBe('0.0.0.0');
  });

  it('counts the job, times it and records its rows and score, all labelled with the stage', async () => {
    await validateRun('run-metrics-ok');
    await waitFor(
      async () => ((await runtime.ledger.getStage('run-metrics-ok', 'validate'))?.status === 'succeeded' ? true : undefined),
      'validate of run-metrics-ok to succeed',
    );

    const text = await waitFor(async () => {
      const t = await metricsText();
      return sample(t, 'ecom_jobs_completed_total{stage="validate",job="run"}') === 1 ? t : undefined;
    }, 'the completed job on /metrics');
    expect(sample(text, 'ecom_job_duration_seconds_count{stage="validate",job="run",outcome="completed"}')).toBe(1);
    expect(sample(text, 'ecom_job_duration_seconds_bucket{le="+Inf",stage="validate",job="run",outcome="completed"}')).toBe(1);
    expect(sample(text, 'ecom_rows_processed_total{stage="validate"}')).toBe(7);
    expect(sample(text, 'ecom_rows_rejected_total{stage="validate"}')).toBe(2);
    expect(sample(text, 'ecom_quality_score')).toBe(88.5);
    // The hand-off waits in the transform queue: nobody consumes it here.
    expect(sample(text, 'ecom_queue_jobs{queue="transform",state="waiting"}')).toBe(1);
    expect(sample(text, 'ecom_queue_jobs{queue="validate",state="waiting"}')).toBe(0);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('counts a failed attempt as failed, with its duration under outcome="failed"', async () => {
    failingRuns.add('run-metrics-bad');
    await validateRun('run-metrics-bad');
    const text = await waitFor(async () => {
      const t = await metricsText();
      return sample(t, 'ecom_jobs_failed_total{stage="validate",job="run"}') === 1 ? t : undefined;
    }, 'the failed job on /metrics');
    expect(sample(text, 'ecom_job_duration_seconds_count{stage="validate",job="run",outcome="failed"}')).toBe(1);
    expect(sample(text, 'ecom_jobs_completed_total{stage="validate",job="run"}')).toBe(1);
    expect((await runtime.ledger.getRun('run-metrics-bad'))?.status).toBe('failed');
  });

  it('writes each line of a job as JSON with runId, stage and jobId', () => {
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const scoring = records.find((r) => r.msg === 'scoring the run' && r.runId === 'run-metrics-ok');
    expect(scoring).toMatchObject({
      level: 'info',
      app: 'validator',
      context: 'ScoringValidate',
      runId: 'run-metrics-ok',
      stage: 'validate',
      jobId: 'run-metrics-ok-validate',
    });
    expect(typeof scoring?.time).toBe('string');
    // The runtime's own lines inside the job carry the same fields.
    const failure = records.find((r) => r.level === 'error' && r.runId === 'run-metrics-bad');
    expect(failure).toMatchObject({ stage: 'validate', jobId: 'run-metrics-bad-validate', context: 'StageRuntime' });
    expect(String(failure?.msg)).toContain('quality below threshold');
  });

  it('serves only GET /metrics', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/other`);
    expect(response.status).toBe(404);
  });
});
