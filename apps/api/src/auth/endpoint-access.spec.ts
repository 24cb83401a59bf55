import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { repoRoot } from '@ecom/config';
import { ANALYSES, DASHBOARD_ENDPOINTS } from '@ecom/contracts';
import { LedgerRepository } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { createApiApp } from '../create-app';
import { API_KEY_SCHEME } from '../openapi/openapi';
import { extraRoutes, httpRoutes, routeKey } from '../testing/http-routes';
import { MISSING_KEY_MESSAGE } from './api-key';
import { PERSONAL_ANALYSES, PERSONAL_DASHBOARD_ENDPOINTS } from './personal-data';

const KEY = 'k3y-for-the-access-suite';
const RUN = 'access-run';

type Access = 'key' | 'open';
interface Probe {
  path: string;
  access: Access;
  body?: object;
  /** A readiness check: 503 is its answer while no worker runs here, not a failure. */
  readiness?: boolean;
}

/**
 * Which requests need the key once API_KEY is set, per route. Every route the app serves must be
 * here (the first test walks the router), so a new endpoint cannot ship unclassified; the same
 * classification is the table in docs/operations.md, which the last test compares.
 */
const PROBES: Record<string, Probe[]> = {
  'POST /runs': [{ path: '/runs', access: 'key', body: { mode: 'rebuild' } }],
  'GET /runs': [{ path: '/runs', access: 'open' }],
  'GET /runs/:id': [{ path: `/runs/${RUN}`, access: 'open' }],
  'GET /runs/:id/quality': [{ path: `/runs/${RUN}/quality`, access: 'open' }],
  'GET /runs/:id/profile': [{ path: `/runs/${RUN}/profile`, access: 'open' }],
  'GET /runs/:id/rejects': [
    { path: `/runs/${RUN}/rejects`, access: 'key' },
    { path: `/runs/${RUN}/rejects?format=csv`, access: 'key' },
    { path: `/runs/${RUN}/rejects?file=customers.csv&limit=1`, access: 'key' },
  ],
  'GET /runs/:id/rejects.csv': [{ path: `/runs/${RUN}/rejects.csv`, access: 'key' }],
  'POST /runs/:id/replay': [{ path: `/runs/${RUN}/replay`, access: 'key', body: { source: 'nowhere' } }],
  'POST /runs/:id/resume': [{ path: `/runs/${RUN}/resume`, access: 'key', body: {} }],
  'GET /analytics': [{ path: '/analytics', access: 'open' }],
  'GET /analytics/:name': [
    ...ANALYSES.map((name): Probe => ({ path: `/analytics/${name}?run=${RUN}`, access: PERSONAL_ANALYSES.includes(name) ? 'key' : 'open' })),
    { path: `/analytics/customer_lifetime_value?run=${RUN}&format=csv`, access: 'key' },
    // The guard judges the decoded parameter: no spelling of the name gets around it.
    { path: `/analytics/customer%5Flifetime%5Fvalue?run=${RUN}`, access: 'key' },
  ],
  'GET /dashboard': [{ path: '/dashboard', access: 'open' }],
  'GET /dashboard/products': [{ path: '/dashboard/products', access: 'open' }],
  'GET /dashboard/customers': [{ path: '/dashboard/customers', access: 'open' }],
  'GET /dashboard/geography': [{ path: '/dashboard/geography', access: 'open' }],
  'GET /dashboard/assets/:file': [{ path: '/dashboard/assets/dashboard.js', access: 'open' }],
  'GET /dashboard/api/status': [{ path: '/dashboard/api/status', access: 'open' }],
  'GET /dashboard/api/options': [{ path: '/dashboard/api/options', access: 'open' }],
  'GET /dashboard/api/:endpoint': [
    ...DASHBOARD_ENDPOINTS.map((name): Probe => ({ path: `/dashboard/api/${name}`, access: PERSONAL_DASHBOARD_ENDPOINTS.includes(name) ? 'key' : 'open' })),
    { path: '/dashboard/api/top-customers?format=csv', access: 'key' },
    { path: '/dashboard/api/top%2Dcustomers', access: 'key' },
    { path: '/dashboard/api/TOP-CUSTOMERS', access: 'key' },
  ],
  'GET /health': [{ path: '/health', access: 'open', readiness: true }],
  'GET /health/live': [{ path: '/health/live', access: 'open' }],
  'GET /metrics': [{ path: '/metrics', access: 'open' }],
  'POST /retention/run': [{ path: '/retention/run', access: 'key', body: { dryRun: true } }],
  'GET /schedules': [{ path: '/schedules', access: 'open' }],
  'PUT /schedules/:name': [{ path: '/schedules/monitoring', access: 'key', body: { enabled: true } }],
  'GET /monitoring': [{ path: '/monitoring', access: 'open' }],
  'POST /monitoring/evaluate': [{ path: '/monitoring/evaluate', access: 'key', body: {} }],
  'GET /monitoring/alerts': [{ path: '/monitoring/alerts', access: 'open' }],
  'GET /docs': [{ path: '/docs', access: 'open' }],
  'GET /docs/openapi.json': [{ path: '/docs/openapi.json', access: 'open' }],
  'GET /admin/queues': [
    { path: '/admin/queues', access: 'key' },
    { path: '/admin/queues/api/queues', access: 'key' },
  ],
};

describe('endpoint access with API_KEY set: writes and personal data need the key, aggregates stay open', () => {
  let env: TestEnv;
  let app: INestApplication;
  let http: App;

  beforeAll(async () => {
    env = await createTestEnv('api_access', { apiKey: KEY });
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    await app.get(LedgerRepository).createRun(RUN, { mode: 'source', inputDir: join(env.config.dataRoot, 'in') });
    await env.pool.query(`UPDATE ops.runs SET status = 'succeeded', finished_at = now() WHERE run_id = $1`, [RUN]);
    await env.pool.query(
      `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
       VALUES ($1, 'ingest', 'customers', 'customers.csv', 2, 'C1', 'C1,Ann,Lee,ann@example.com,+1 555 0100', 'field_count', 'expected 10 fields, found 5')`,
      [RUN],
    );
    for (const analysis of ANALYSES) {
      const rows = analysis === 'customer_lifetime_value' ? [{ customer_id: 'C1', customer_name: 'Ann Lee' }] : [{ metric: 1 }];
      await env.pool.query('INSERT INTO ops.analysis_results (run_id, analysis, columns, rows, row_count) VALUES ($1, $2, $3, $4, 1)', [
        RUN,
        analysis,
        Object.keys(rows[0]),
        JSON.stringify(rows),
      ]);
    }
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  const send = (probe: Probe, method: string, key?: string) => {
    const agent = request(http);
    const call = method === 'POST' ? agent.post(probe.path) : method === 'PUT' ? agent.put(probe.path) : agent.get(probe.path);
    if (key) call.set('x-api-key', key);
    return probe.body ? call.send(probe.body) : call;
  };

  it('classifies every route the app serves, and nothing it does not serve', () => {
    expect(httpRoutes(app).map(routeKey).sort()).toEqual(Object.keys(PROBES).sort());
  });

  const cases = Object.entries(PROBES).flatMap(([route, probes]) => probes.map((probe) => ({ route, method: route.split(' ')[0], ...probe })));

  it.each(cases.filter((c) => c.access === 'key'))('$method $path needs the key', async (c) => {
    const missing = await send(c, c.method);
    expect({ status: missing.status, message: missing.body.message }).toEqual({ status: 401, message: MISSING_KEY_MESSAGE });
    expect((await send(c, c.method, 'not-the-key')).status).toBe(401);
    const granted = await send(c, c.method, KEY);
    expect(granted.status).not.toBe(401);
    expect(granted.status).toBeLessThan(500);
  });

  it.each(cases.filter((c) => c.access === 'open'))('$method $path stays open', async (c) => {
    const open = await send(c, c.method);
    expect(open.status).not.toBe(401);
    if (c.readiness) expect([200, 503]).toContain(open.status);
    else expect(open.status).toBeLessThan(500);
    expect((await send(c, c.method, KEY)).status).toBe(open.status);
  });

  it('gives the personal data itself to a caller with the key', async () => {
    const rejects = await request(http).get(`/runs/${RUN}/rejects`).set('x-api-key', KEY).expect(200);
    expect(rejects.body.rejects[0].rawRecord).toContain('ann@example.com');
    const csv = await request(http).get(`/runs/${RUN}/rejects.csv`).set('Authorization', `Bearer ${KEY}`).expect(200);
    expect(csv.text).toContain('ann@example.com');
    const clv = await request(http).get(`/analytics/customer_lifetime_value?run=${RUN}`).set('x-api-key', KEY).expect(200);
    expect(clv.body.rows).toEqual([{ customer_id: 'C1', customer_name: 'Ann Lee' }]);
    await request(http).get('/dashboard/api/top-customers').set('x-api-key', KEY).expect(200);
    // Nothing personal leaks through a refusal.
    const refused = await request(http).get(`/runs/${RUN}/rejects.csv`).expect(401);
    expect(refused.text).not.toContain('ann@example.com');
  });

  it('declares the same classification in the OpenAPI document: key, no key, or the key for some values', async () => {
    const paths = (await request(http).get('/docs/openapi.json').expect(200)).body.paths as Record<string, Record<string, { security?: unknown }>>;
    const outside = new Set(extraRoutes().map(routeKey));
    const routes = Object.keys(PROBES).filter((route) => !outside.has(route) && route !== 'GET /dashboard/assets/:file');
    const declared = Object.fromEntries(
      routes.map((route) => {
        const [method, path] = route.split(' ');
        return [route, paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()]?.security];
      }),
    );
    const expected = Object.fromEntries(
      routes.map((route) => {
        const access = new Set(PROBES[route].map((p) => p.access));
        return [route, access.size === 2 ? [{}, { [API_KEY_SCHEME]: [] }] : access.has('key') ? [{ [API_KEY_SCHEME]: [] }] : undefined];
      }),
    );
    expect(declared).toEqual(expected);
  });

  it('documents the same classification in docs/operations.md', () => {
    const doc = readFileSync(join(repoRoot(), 'docs', 'operations.md'), 'utf8');
    const section = doc.slice(doc.indexOf('### Which endpoints need the key'));
    const rows = new Map(
      [...section.matchAll(/^\| `([A-Z]+ [^`]+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()] as const),
    );
    const documented = Object.fromEntries(Object.keys(PROBES).map((route) => [route, rows.get(route)]));
    const expected = Object.fromEntries(
      Object.entries(PROBES).map(([route, probes]) => {
        const keyed = new Set(probes.map((p) => p.access));
        return [route, keyed.size === 2 ? expect.stringMatching(/^open; key for /) : keyed.has('key') ? 'key' : 'open'];
      }),
    );
    expect(documented).toEqual(expected);
    for (const name of [...PERSONAL_ANALYSES, ...PERSONAL_DASHBOARD_ENDPOINTS]) expect(section).toContain(`\`${name}\``);
  });
});
