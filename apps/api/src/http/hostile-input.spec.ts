import request from 'supertest';
import type { App } from 'supertest/types';
import { ANALYSES, ENTITIES, SCHEDULE_NAMES, STAGES, DASHBOARD_ENDPOINTS, FILTER_NAMES } from '@ecom/contracts';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { PipelineApiClient } from '../../../../tools/api-client';
import { startPipeline, type RunningPipeline } from '../../../../tools/in-process';
import { QUEUE_BOARD_ROUTE } from '../admin/queue-board.module';
import { httpRoutes, type HttpRoute } from '../testing/http-routes';
import { MAX_JSON_DEPTH } from './request-edge';

/** Reproducible: a failure names its request, and FUZZ_SEED replays the same sequence. */
const SEED = Number(process.env.FUZZ_SEED ?? 14_2026);
/** Random requests, round robin over the routes; a sweep of NUL values over every route and query name comes on top. */
const REQUESTS = 1200;
const AT_ONCE = 8;

/** sfc32: small, seedable, good enough to pick test inputs. */
function rng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** A lone surrogate has no UTF-8 form: send the bytes a broken client would (CESU-8 of U+D800). */
const encode = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
};

const deepJson = (levels: number, open = '{"a":', close = '}') => `${open.repeat(levels)}1${close.repeat(levels)}`;

/** Values no endpoint should answer with a 5xx, whatever field they land in. */
const HOSTILE_STRINGS = [
  '\u0000',
  'a\u0000b',
  '%00',
  '9223372036854775807',
  '-9223372036854775809',
  '99999999999999999999999',
  '1e309',
  '-1',
  '0',
  '1.5',
  'NaN',
  'Infinity',
  '0x10',
  '9999-12-31',
  '0001-01-01',
  '0000-00-00',
  '2024-02-30',
  '275760-09-13',
  '2024-01-01T00:00:00Z',
  '',
  ' ',
  'x'.repeat(5000),
  '../../../../etc/passwd',
  '/etc/passwd',
  "'; DROP TABLE ops.runs; --",
  '$1',
  '\ud800',
  '\uffff',
  '🛒',
  'true',
  'null',
  '[]',
  '{}',
  '__proto__',
  '<script>alert(1)</script>',
  '=HYPERLINK("x")',
  '\r\nX-Injected: 1',
];
const HOSTILE_NUMBERS: unknown[] = [2 ** 63 - 1, -(2 ** 63), 1e308, -1, 0, 1.5, Number.MAX_SAFE_INTEGER + 2, 2 ** 31];
const HOSTILE_VALUES: unknown[] = [...HOSTILE_STRINGS, ...HOSTILE_NUMBERS, null, true, [], {}, ['a', 'b'], { $gt: '' }, [[[['deep']]]]];

/** Query names any route reads (its DTOs), plus some none does. */
const QUERY_NAMES = [
  ...FILTER_NAMES,
  ...['format', 'reason', 'file', 'stage', 'entity', 'resolved', 'limit', 'offset', 'after', 'run', 'status'],
  ...['activeQueue', 'page', 'jobsPerPage'], // Bull Board's
  ...['x', '__proto__', 'constructor'],
];

/**
 * Bull Board's API under its mount (an Express router the Nest router does not list). Writes name
 * a queue only with a hostile value, never a real one, so the fuzz cannot pause or empty a queue.
 */
const BOARD_ROUTES: HttpRoute[] = [
  { method: 'GET', path: `${QUEUE_BOARD_ROUTE}/api/queues` },
  { method: 'GET', path: `${QUEUE_BOARD_ROUTE}/api/queues/:queueName/:jobId` },
  { method: 'GET', path: `${QUEUE_BOARD_ROUTE}/api/queues/:queueName/:jobId/logs` },
  { method: 'PUT', path: `${QUEUE_BOARD_ROUTE}/api/queues/:hostileQueue/retry/:queueStatus` },
  { method: 'PUT', path: `${QUEUE_BOARD_ROUTE}/api/queues/:hostileQueue/pause` },
  { method: 'POST', path: `${QUEUE_BOARD_ROUTE}/api/queues/:hostileQueue/add` },
];
/** Body fields any route reads (POST /runs, replay, retention, schedules), plus some none does. */
const BODY_FIELDS = ['mode', 'days', 'customers', 'products', 'transactions', 'seed', 'startDate', 'endDate', 'source', 'defects', 'dryRun', 'pattern', 'enabled', 'x', '__proto__', 'constructor'];

interface FuzzRequest {
  method: HttpRoute['method'];
  path: string;
  contentType?: string;
  body?: string;
}

const describeRequest = (r: FuzzRequest) => {
  const body = r.body === undefined ? '' : ` body(${r.contentType ?? 'no type'}, ${r.body.length} chars)=${JSON.stringify(r.body.slice(0, 200))}`;
  return `${r.method} ${r.path.length > 300 ? `${r.path.slice(0, 300)}…` : r.path}${body}`;
};

describe('hostile input never gives a 5xx', () => {
  let env: TestEnv;
  let pipeline: RunningPipeline;
  let http: App;
  let runId: string;

  beforeAll(async () => {
    // Small generator defaults: a valid POST /runs the fuzz happens to send runs quickly.
    env = await createTestEnv('api_hostile', { generator: { partSize: 1000, customers: 40, products: 10, transactions: 200 } });
    pipeline = await startPipeline(env.config);
    http = pipeline.api.getHttpServer() as App;
    const client = new PipelineApiClient(pipeline.baseUrl);
    ({ runId } = await client.startRun({ customers: 200, products: 40, transactions: 1500, seed: 5, startDate: '2024-01-01', endDate: '2024-12-31' }));
    expect((await client.waitForRun(runId, undefined, { intervalMs: 200, timeoutMs: 120_000 })).status).toBe('succeeded');
    await env.pool.query(
      `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
       SELECT $1, 'ingest', 'customers', 'customers.csv', n + 1, 'C' || n, 'C' || n || ',Ann', 'field_count', 'expected 10 fields'
         FROM generate_series(1, 30) n`,
      [runId],
    );
  }, 180_000);

  afterAll(async () => {
    await pipeline?.close();
    await env?.teardown();
  });

  const send = (r: FuzzRequest) => {
    const agent = request(http);
    const call =
      r.method === 'POST' ? agent.post(r.path) : r.method === 'PUT' ? agent.put(r.path) : r.method === 'PATCH' ? agent.patch(r.path) : r.method === 'DELETE' ? agent.delete(r.path) : agent.get(r.path);
    if (r.contentType) call.set('content-type', r.contentType);
    return r.body === undefined ? call : call.send(r.body);
  };

  describe('the cases that answered 500 or did the wrong thing', () => {
    it('refuses a NUL byte in a dashboard filter and in the rejects file filter with 400 naming the field', async () => {
      const category = await request(http).get('/dashboard/api/kpis?category=%00').expect(400);
      expect(category.body.message).toEqual(['category must not contain a NUL character']);
      await request(http).get('/dashboard/api/top-products?country=a%00b').expect(400);
      const file = await request(http).get(`/runs/${runId}/rejects?file=%00`).expect(400);
      expect(file.body.message).toEqual(['file must not contain a NUL character']);
      const body = await request(http).post('/runs').send({ source: 'data/in\u0000' }).expect(400);
      expect(body.body.message).toEqual(['source must not contain a NUL character']);
    });

    it('refuses integers beyond what PostgreSQL and JavaScript hold exactly', async () => {
      const after = await request(http).get(`/runs/${runId}/rejects?after=9223372036854775807`).expect(400);
      expect(after.body.message).toEqual(['after must not be greater than 9007199254740991']);
      await request(http).get(`/runs/${runId}/rejects?offset=99999999999999999999`).expect(400);
      await request(http).get('/runs?offset=9223372036854775807').expect(400);
      // The largest accepted value is an empty page, not an error.
      const last = await request(http).get(`/runs/${runId}/rejects?after=9007199254740991`).expect(200);
      expect(last.body.rejects).toEqual([]);
    });

    it('refuses dates outside 1900-2199, whose previous period PostgreSQL cannot hold', async () => {
      const res = await request(http).get('/dashboard/api/kpis?to=9999-12-31').expect(400);
      expect(res.body.message).toEqual(['to must be a date YYYY-MM-DD between 1900-01-01 and 2199-12-31']);
      await request(http).get('/dashboard/api/kpis?from=0001-01-01').expect(400);
      // The widest accepted range has data behind it and works.
      const widest = await request(http).get('/dashboard/api/kpis?from=1900-01-01&to=2199-12-31').expect(200);
      expect(widest.body.rows.length).toBeGreaterThan(0);
      await request(http).post('/runs').send({ startDate: '0001-01-01' }).expect(400);
    });

    it(`refuses a JSON body nested deeper than ${MAX_JSON_DEPTH} levels before anything walks it`, async () => {
      for (const body of [deepJson(2000), deepJson(2000, '[', ']'), `{"source":${deepJson(40, '[', ']')}}`]) {
        const res = await request(http).post('/runs').set('content-type', 'application/json').send(body).expect(400);
        expect(res.body.message).toBe(`the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
      }
      // Brackets inside strings are text, not nesting.
      await request(http).post('/runs').send({ source: '['.repeat(100) }).expect(400);
    });

    it('answers 415 for a body that is not JSON, and starts no run', async () => {
      const runs = async () => (await env.pool.query('SELECT count(*)::int AS n FROM ops.runs')).rows[0].n as number;
      const before = await runs();
      const plain = await request(http).post('/runs').set('content-type', 'text/plain').send('transactions=5').expect(415);
      expect(plain.body.message).toBe('request bodies must be JSON (Content-Type: application/json); got text/plain');
      await request(http).post('/runs').set('content-type', 'application/x-www-form-urlencoded').send('mode=rebuild').expect(415);
      await request(http).put('/schedules/pipeline').set('content-type', 'text/xml').send('<enabled>true</enabled>').expect(415);
      expect(await runs()).toBe(before);
    });

    it("refuses a NUL byte on Bull Board's routes too (a NUL status answered 500 there)", async () => {
      const res = await request(http).get(`${QUEUE_BOARD_ROUTE}/api/queues?activeQueue=generate&status=%00`).expect(400);
      expect(res.body.message).toEqual(['query.status must not contain a NUL character']);
      await request(http).get(`${QUEUE_BOARD_ROUTE}/api/queues/generate/%00`).expect(400);
      await request(http).get(`${QUEUE_BOARD_ROUTE}/api/queues?activeQueue=generate&status=latest`).expect(200);
    });

    it('answers 413 for a body over the size limit and 400 for broken JSON', async () => {
      await request(http).post('/runs').set('content-type', 'application/json').send(JSON.stringify({ source: 'x'.repeat(200_000) })).expect(413);
      await request(http).post('/runs').set('content-type', 'application/json').send('{"source": ').expect(400);
    });
  });

  it(`answers ${REQUESTS} random hostile requests and a NUL sweep over every route and query name without a 5xx`, async () => {
    const random = rng(SEED);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
    const chance = (p: number) => random() < p;
    const hostileText = () => {
      const value = pick(HOSTILE_VALUES);
      return typeof value === 'string' ? value : JSON.stringify(value);
    };

    const VALID_PARAMS: Record<string, () => string> = {
      id: () => pick([runId, 'no-such-run']),
      name: () => pick([...ANALYSES, ...SCHEDULE_NAMES]),
      endpoint: () => pick(DASHBOARD_ENDPOINTS),
      file: () => pick(['dashboard.js', 'dashboard.css']),
      queueName: () => pick(STAGES),
      jobId: () => pick(['1', `${runId}-generate`]),
      queueStatus: () => pick(['failed', 'completed']),
    };
    const VALID_QUERY: Record<string, () => string> = {
      from: () => pick(['2024-01-01', '2024-06-30']),
      to: () => pick(['2024-12-31', '2024-07-01']),
      category: () => pick(['Electronics', 'Books']),
      format: () => pick(['json', 'csv']),
      stage: () => pick(STAGES),
      entity: () => pick(ENTITIES),
      resolved: () => pick(['true', 'false']),
      limit: () => pick(['1', '10']),
      offset: () => pick(['0', '5']),
      run: () => runId,
      status: () => pick(['open', 'all', 'latest', 'failed']),
      activeQueue: () => pick(STAGES),
      page: () => pick(['1', '2']),
    };

    const pathOf = (route: HttpRoute) => {
      let path = route.path.replace(/:(\w+)/g, (_, name: string) =>
        encode(chance(0.5) ? hostileText() : (Object.hasOwn(VALID_PARAMS, name) ? VALID_PARAMS[name]() : 'x')),
      );
      if (chance(0.05)) path += `/${pick(['%ZZ', '%00', '..%2F..%2Fetc%2Fpasswd', '%E0%A4%A'])}`;
      const query: string[] = [];
      const count = Math.floor(random() * 4);
      for (let i = 0; i < count; i++) {
        const name = pick(QUERY_NAMES);
        const value = chance(0.35) && Object.hasOwn(VALID_QUERY, name) ? VALID_QUERY[name]() : hostileText();
        query.push(`${encode(name)}=${encode(value)}`);
        if (chance(0.1)) query.push(`${encode(name)}=${encode(hostileText())}`); // repeated: an array
      }
      if (chance(0.05)) query.push(pick(['a[b]=c', 'limit[$gt]=1', '%ZZ=1', 'from=%', '=']));
      return query.length > 0 ? `${path}?${query.join('&')}` : path;
    };

    const bodyOf = (): Pick<FuzzRequest, 'contentType' | 'body'> => {
      const roll = random();
      if (roll < 0.55) {
        const body: Record<string, unknown> = {};
        const fields = 1 + Math.floor(random() * 3);
        for (let i = 0; i < fields; i++) body[pick(BODY_FIELDS)] = pick(HOSTILE_VALUES);
        return { contentType: 'application/json', body: JSON.stringify(body) };
      }
      if (roll < 0.65) return { contentType: 'application/json', body: pick([deepJson(2000), deepJson(MAX_JSON_DEPTH + 1, '[', ']'), deepJson(5)]) };
      if (roll < 0.75) return { contentType: pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16']), body: pick(['mode=rebuild', '{}', '<a/>', '\u0000']) };
      if (roll < 0.85) return { contentType: 'application/json', body: pick(['{', '"x"', '[]', 'null', '1', 'true', '{"a":1,"a":2}', '\u0000', '{"__proto__":{"polluted":1}}']) };
      if (roll < 0.9) return { contentType: 'application/json', body: JSON.stringify({ source: 'x'.repeat(150_000) }) };
      return {};
    };

    const routes = [...httpRoutes(pipeline.api), ...BOARD_ROUTES];
    const randomRequests: FuzzRequest[] = Array.from({ length: REQUESTS }, (_, i) => {
      // Round robin over the routes, so each gets its share whatever the seed.
      const route = routes[i % routes.length];
      const hasBody = route.method !== 'GET' || chance(0.05);
      return { method: route.method, path: pathOf(route), ...(hasBody ? bodyOf() : {}) };
    });
    // Random picks reach a given route with a given query name and a NUL only now and then (Bull
    // Board's `status` was one such 500): every pair gets one, beside valid values elsewhere.
    const sweep: FuzzRequest[] = routes.flatMap((route) =>
      QUERY_NAMES.map((name) => {
        const path = route.path.replace(/:(\w+)/g, (_, param: string) => encode(Object.hasOwn(VALID_PARAMS, param) ? VALID_PARAMS[param]() : 'x'));
        return { method: route.method, path: `${path}?${encode(name)}=${pick(['%00', 'a%00b', '%00%00'])}` };
      }),
    );
    const requests = [...randomRequests, ...sweep];

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++];
        let status: number;
        let text: string;
        try {
          const res = await send(r);
          status = res.status;
          text = res.text ?? '';
        } catch (error) {
          // A dropped connection or a hang-up is as bad as a 500.
          failures.push(`${describeRequest(r)} -> no answer: ${(error as Error).message}`);
          continue;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) failures.push(`${describeRequest(r)} -> ${status} ${text.slice(0, 300)}`);
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));

    expect(failures).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(requests.length);
    expect(requests.length).toBeGreaterThanOrEqual(REQUESTS + routes.length * QUERY_NAMES.length);
    // Every route got its share (a new route is in httpRoutes, so it is fuzzed too).
    expect(Math.floor(REQUESTS / routes.length)).toBeGreaterThanOrEqual(20);
  }, 120_000);
});
