import { withTransaction } from '@ecom/db';
import { LedgerRepository } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { FileLandingService } from './file-landing.service';
import { LandingRepository } from './landing.repository';

describe('bench', () => {
  let env: TestEnv;
  beforeAll(async () => { env = await createTestEnv('ingestor_bench'); });
  afterAll(async () => { await env.teardown(); });
  it('lands 1M items', async () => {
    const ledger = new LedgerRepository(env.pool);
    const landing = new FileLandingService(new LandingRepository(ledger));
    await ledger.createRun('bench', { mode: 'source', inputDir: '/tmp/ingx' });
    let peak = 0;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
    for (let k = 0; k < 2; k++) {
      const t = Date.now();
      const counts = await withTransaction(env.pool, (client) =>
        landing.landFile({ runId: 'bench', client, progress: async () => undefined }, { entity: 'transaction_items', sourceFile: 'transaction_items.csv', path: '/tmp/ingx/items.csv' }));
      const s = (Date.now() - t) / 1000;
      console.log(JSON.stringify(counts), s, 's', Math.round(counts.rowsIn / s), 'rows/s', 'peak rss MB', Math.round(peak / 1e6));
    }
    clearInterval(timer);
  }, 300000);
});
