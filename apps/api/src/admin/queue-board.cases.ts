import type { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { QueueBackend } from '@ecom/config';
import { OPS_QUEUES, QUEUES } from '@ecom/contracts';
import { createTestEnv, waitFor, type TestEnv } from '@ecom/testing';
import { startOpsWorker } from '../../../../tools/in-process';
import { createApiApp } from '../create-app';
import { BOARD_QUEUES } from './queue-board.module';

interface BoardQueue {
  name: string;
  counts: Record<string, number>;
  jobs: Array<{ id: string; data: unknown }>;
  hasWorkers: boolean;
}

/**
 * Bull Board's API on one queue backend (the environment's when none is given): the same
 * questions the board's pages ask, answered from the real store.
 */
export function describeQueueBoard(suite: string, backend?: QueueBackend): void {
  describe(`/admin/queues on the ${backend ?? 'configured'} queue backend`, () => {
    let env: TestEnv;
    let app: INestApplication;
    let http: App;

    beforeAll(async () => {
      env = await createTestEnv(suite, backend ? { queueBackend: backend } : {});
      app = await createApiApp(env.config);
      await app.init();
      http = app.getHttpServer() as App;
    });
    afterAll(async () => {
      await app.close();
      await env.teardown();
    });

    it('lists the six stage queues and the four operations queues', async () => {
      const res = await request(http).get('/admin/queues/api/queues').expect(200);
      expect(res.body.queues.map((q: BoardQueue) => q.name)).toEqual([...BOARD_QUEUES]);
      expect(BOARD_QUEUES).toEqual(expect.arrayContaining(Object.values(OPS_QUEUES)));
    });

    it("counts a queue's jobs and shows one job's details", async () => {
      const validate = app.get<Queue>(getQueueToken(QUEUES.validate), { strict: false });
      await validate.add('run', { runId: 'board-run' }, { jobId: 'board-run-validate' });
      const res = await request(http).get('/admin/queues/api/queues').query({ activeQueue: QUEUES.validate, status: 'waiting', page: 1 }).expect(200);
      const listed = (res.body.queues as BoardQueue[]).find((q) => q.name === QUEUES.validate);
      expect(listed?.counts.waiting).toBe(1);
      expect(listed?.jobs.map((j) => j.id)).toEqual(['board-run-validate']);
      const job = await request(http).get(`/admin/queues/api/queues/${QUEUES.validate}/board-run-validate`).expect(200);
      expect(job.body).toMatchObject({ status: 'waiting', job: { id: 'board-run-validate', name: 'run', data: { runId: 'board-run' } } });
    });

    it("shows the ops worker's worker on an operations queue, and none on a stage queue without one", async () => {
      const ops = await startOpsWorker(env.config);
      try {
        const listed = await waitFor(async () => {
          const res = await request(http).get('/admin/queues/api/queues').expect(200);
          const schedules = (res.body.queues as BoardQueue[]).find((q) => q.name === OPS_QUEUES.schedules);
          return schedules?.hasWorkers ? (res.body.queues as BoardQueue[]) : undefined;
        }, 'the schedules worker to register');
        expect(listed.find((q) => q.name === QUEUES.transform)?.hasWorkers).toBe(false);
        const workers = await request(http).get(`/admin/queues/api/queues/${OPS_QUEUES.schedules}/workers`).expect(200);
        expect(workers.body.workers).toEqual([expect.objectContaining({ id: expect.any(String), addr: expect.any(String) })]);
        const none = await request(http).get(`/admin/queues/api/queues/${QUEUES.transform}/workers`).expect(200);
        expect(none.body.workers).toEqual([]);
      } finally {
        await ops.close();
      }
    });

    it("names the store in the board's server panel", async () => {
      const res = await request(http).get('/admin/queues/api/redis/stats').expect(200);
      expect(res.body).toMatchObject({ backend: env.config.queueBackend, version: expect.any(String), clients: { connected: expect.any(Number) } });
    });

    it('serves the board page', async () => {
      const page = await request(http).get('/admin/queues').expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
    });
  });
}
