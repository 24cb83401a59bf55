import SwaggerParser from '@apidevtools/swagger-parser';
import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject, OperationObject, ParameterObject, RequestBodyObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { join } from 'node:path';
import request from 'supertest';
import type { App } from 'supertest/types';
import { repoRoot } from '@ecom/config';
import { ANALYSES } from '@ecom/contracts';
import { LedgerRepository } from '@ecom/pipeline';
import { createTestEnv, type TestEnv } from '@ecom/testing';
import { API_KEY_HEADER } from '../auth/api-key';
import { createApiApp } from '../create-app';
import { nestRoutes, routeKey } from '../testing/http-routes';
import { EXAMPLE_RUN_ID } from './decorators';
import { API_KEY_SCHEME, DOCS_JSON_ROUTE, DOCS_ROUTE } from './openapi';

const KEY = 'k3y-for-the-contract-suite';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Routes the app serves that are not API: the dashboard bundle's static files. */
const NOT_IN_DOCUMENT = ['GET /dashboard/assets/:file'];

interface Operation {
  method: (typeof METHODS)[number];
  path: string;
  operation: OperationObject;
}

/** A parameter's example: swagger writes the ones of DTO properties into the parameter's schema. */
const exampleOf = (p: ParameterObject): unknown => p.example ?? (p.schema as SchemaObject | undefined)?.example;

/** OpenAPI 3.0's `nullable` as JSON Schema, for ajv. */
function jsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const { nullable, ...rest } = schema as Record<string, unknown>;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, key === 'example' ? value : jsonSchema(value)]));
  return nullable ? { anyOf: [converted, { type: 'null' }] } : converted;
}

describe('the OpenAPI contract at /docs/openapi.json, against the app that serves it', () => {
  let env: TestEnv;
  let app: INestApplication;
  let http: App;
  let document: OpenAPIObject;
  /** The same document with every $ref resolved. */
  let resolved: OpenAPIObject;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  const validators = new Map<SchemaObject, ValidateFunction>();
  const validate = (schema: SchemaObject, value: unknown): string[] => {
    let check = validators.get(schema);
    if (!check) validators.set(schema, (check = ajv.compile(jsonSchema(schema) as object)));
    return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
  /** The JSON schema the (resolved) document declares for one answer. */
  const answerSchema = (path: string, method: Operation['method'], status: number): SchemaObject =>
    (resolved.paths[path][method]!.responses[String(status)] as ResponseObject).content!['application/json'].schema as SchemaObject;
  const operations = (doc: OpenAPIObject): Operation[] =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ method, path, operation: item[method]! })),
    );

  beforeAll(async () => {
    // The body examples name a folder under tests/fixtures, which the default SOURCE_ROOTS allow.
    env = await createTestEnv('api_openapi', { apiKey: KEY, sourceRoots: [join(repoRoot(), 'tests', 'fixtures')] });
    app = await createApiApp(env.config);
    await app.init();
    http = app.getHttpServer() as App;
    // The run the examples name, finished, with a reject and every analysis's result.
    await app.get(LedgerRepository).createRun(EXAMPLE_RUN_ID, { mode: 'source', inputDir: join(env.config.dataRoot, 'in') });
    await env.pool.query(`UPDATE ops.runs SET status = 'succeeded', finished_at = now() WHERE run_id = $1`, [EXAMPLE_RUN_ID]);
    await env.pool.query(
      `INSERT INTO ops.quarantine (run_id, stage, entity, source_file, source_line, record_key, raw_record, reason_code, message)
       VALUES ($1, 'ingest', 'customers', 'customers.csv', 2, 'C1', 'C1,Ann,Lee,not-an-email', 'invalid_email', 'email is not an address')`,
      [EXAMPLE_RUN_ID],
    );
    for (const analysis of ANALYSES) {
      await env.pool.query('INSERT INTO ops.analysis_results (run_id, analysis, columns, rows, row_count) VALUES ($1, $2, $3, $4, 1)', [
        EXAMPLE_RUN_ID,
        analysis,
        ['metric'],
        JSON.stringify([{ metric: 1 }]),
      ]);
    }
    document = (await request(http).get(DOCS_JSON_ROUTE).expect(200).expect('Content-Type', /application\/json/)).body as OpenAPIObject;
    resolved = (await SwaggerParser.dereference(structuredClone(document) as never)) as unknown as OpenAPIObject;
  });
  afterAll(async () => {
    await app?.close();
    await env?.teardown();
  });

  it('serves Swagger UI at /docs and the document without the key, with Bull Board and the dashboard still in place', async () => {
    const page = await request(http).get(DOCS_ROUTE).expect(200).expect('Content-Type', /text\/html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    const init = await request(http).get(`${DOCS_ROUTE}/swagger-ui-init.js`).expect(200);
    expect(init.text).toContain(JSON.stringify(DOCS_JSON_ROUTE));
    for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js']) await request(http).get(`${DOCS_ROUTE}/${asset}`).expect(200);
    // Nothing else of swagger-ui-dist is served.
    await request(http).get(`${DOCS_ROUTE}/index.js`).expect(404);
    await request(http).get('/dashboard').expect(200).expect('Content-Type', /text\/html/);
    await request(http).get('/admin/queues').expect(401);
    await request(http).get('/admin/queues').set(API_KEY_HEADER, KEY).expect(200);
  });

  it('keeps the request edge: a non-JSON body is a 415, an oversized one a 413, as the document says', async () => {
    const refused = await request(http).post('/runs').set(API_KEY_HEADER, KEY).set('Content-Type', 'text/plain').send('mode=rebuild').expect(415);
    expect(validate(answerSchema('/runs', 'post', 415), refused.body)).toEqual([]);
    const big = await request(http).post('/runs').set(API_KEY_HEADER, KEY).send({ source: 'x'.repeat(150_000) });
    expect(big.status).toBe(413);
    expect(validate(answerSchema('/runs', 'post', 413), big.body)).toEqual([]);
  });

  it('is a valid OpenAPI 3 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components?.securitySchemes?.[API_KEY_SCHEME]).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: API_KEY_HEADER }));
  });

  it('lists every route the app serves, with its methods, and nothing that does not exist', () => {
    const served = nestRoutes(app)
      .map(routeKey)
      .filter((key) => !NOT_IN_DOCUMENT.includes(key))
      .map((key) => key.replace(/:(\w+)/g, '{$1}'));
    const documented = operations(document).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(documented.sort()).toEqual(served.sort());
    expect(new Set(operations(document).map((o) => o.operation.operationId)).size).toBe(documented.length);
  });

  it('describes every operation: a success answer, the parameters of its path, an example for each parameter and body that matches its schema', () => {
    const gaps: string[] = [];
    for (const { method, path, operation } of operations(resolved)) {
      const name = `${method.toUpperCase()} ${path}`;
      if (!Object.keys(operation.responses).some((status) => /^2/.test(status))) gaps.push(`${name}: no 2xx answer`);
      for (const status of Object.keys(operation.responses)) {
        const content = (operation.responses[status] as ResponseObject).content;
        if (!content || Object.keys(content).length === 0) gaps.push(`${name}: answer ${status} has no content`);
      }
      const parameters = (operation.parameters ?? []) as ParameterObject[];
      for (const p of parameters) {
        if (p.in === 'header') continue;
        if (exampleOf(p) === undefined) gaps.push(`${name}: ${p.in} parameter ${p.name} has no example`);
        else for (const error of validate(p.schema as SchemaObject, exampleOf(p))) gaps.push(`${name}: the example of ${p.name} does not match its schema: ${error}`);
      }
      const pathNames = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(parameters.filter((p) => p.in === 'path').map((p) => p.name).sort()).toEqual(pathNames.sort());
      const body = operation.requestBody as RequestBodyObject | undefined;
      const bodyExamples = Object.entries(body?.content['application/json']?.examples ?? {});
      if (body && bodyExamples.length === 0) gaps.push(`${name}: body has no example`);
      for (const [example, { value }] of bodyExamples as Array<[string, { value: unknown }]>) {
        for (const error of validate(body!.content['application/json'].schema as SchemaObject, value)) gaps.push(`${name}: example ${example} does not match the body schema: ${error}`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('every example and enum value is accepted by its endpoint, and every answer (401 without the key included) is one the document declares, in its schema', async () => {
    const failures: string[] = [];
    const checked = { bodies: 0, queries: 0, enumValues: 0, jsonAnswers: 0 };
    for (const { method, path, operation } of operations(resolved)) {
      const parameters = (operation.parameters ?? []) as ParameterObject[];
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(exampleOf(parameters.find((p) => p.name === name)!))));
      const query = Object.fromEntries(parameters.filter((p) => p.in === 'query').map((p) => [p.name, String(exampleOf(p))]));
      checked.queries += Object.keys(query).length;
      const body = operation.requestBody as RequestBodyObject | undefined;
      interface Case {
        label: string;
        url?: string;
        query: Record<string, string>;
        body?: object;
        key: boolean;
      }
      const cases: Case[] = Object.entries(body?.content['application/json'].examples ?? {}).map(([label, example]) => ({
        label,
        query,
        body: (example as { value: object }).value,
        key: true,
      }));
      // Without a body: what an operation without one takes, and what an optional body allows.
      if (!body || body.required === false) cases.push({ label: 'no body', query, key: true });
      else {
        const refused = await request(http)[method](url).query(query).set(API_KEY_HEADER, KEY);
        if (refused.status !== 400) failures.push(`${method.toUpperCase()} ${url} without its required body -> ${refused.status}, not 400`);
      }
      // Every other value of an enum parameter (format=csv answers in another media type).
      for (const p of parameters.filter((p) => p.in === 'query')) {
        for (const value of ((p.schema as SchemaObject | undefined)?.enum ?? []).map(String).filter((v) => v !== query[p.name])) {
          cases.push({ label: `${p.name}=${value}`, query: { ...query, [p.name]: value }, key: true });
        }
      }
      // Every other value of an enum path parameter (each analysis, each dashboard endpoint, each
      // schedule), with the last body example (for a schedule: switch it off).
      const lastBody = cases.filter((c) => c.body).at(-1)?.body;
      for (const p of parameters.filter((p) => p.in === 'path')) {
        for (const value of ((p.schema as SchemaObject | undefined)?.enum ?? []).map(String).filter((v) => v !== exampleOf(p))) {
          const other = url.replace(`/${encodeURIComponent(String(exampleOf(p)))}`, `/${encodeURIComponent(value)}`);
          cases.push({ label: `${p.name}=${value}`, url: other, query, body: lastBody, key: true });
        }
      }
      // An operation that always needs the key answers its declared 401 without it.
      const keyed = JSON.stringify(operation.security) === JSON.stringify([{ [API_KEY_SCHEME]: [] }]);
      if (keyed) cases.push({ label: 'no key', query, body: cases[0]?.body, key: false });
      checked.enumValues += cases.filter((c) => c.label.includes('=')).length;

      for (const c of cases) {
        // One run at a time: each example must start its own, not meet the last one's 409.
        await env.pool.query(`UPDATE ops.runs SET status = 'succeeded', finished_at = now() WHERE status IN ('queued', 'running')`);
        const call = request(http)[method](c.url ?? url).query(c.query);
        if (c.key) call.set(API_KEY_HEADER, KEY);
        if (c.body && c.key) checked.bodies++;
        const res = await (c.body ? call.send(c.body) : call);
        const name = `${method.toUpperCase()} ${c.url ?? url}${Object.keys(c.query).length ? ` ?${new URLSearchParams(c.query)}` : ''} (${c.label})`;
        const declared = operation.responses[String(res.status)] as ResponseObject | undefined;
        if (res.status === 400 || !declared) {
          failures.push(`${name} -> ${res.status} ${res.text.slice(0, 300)}`);
          continue;
        }
        if (!c.key && res.status !== 401) failures.push(`${name} -> ${res.status}, not 401`);
        if (c.key && body && !/^2/.test(String(res.status))) failures.push(`${name} -> ${res.status}: the example did not do its work`);
        const type = String(res.headers['content-type'] ?? '').split(';')[0];
        const content = declared.content?.[type];
        if (!content) {
          failures.push(`${name} -> ${res.status} ${type}: the document declares ${Object.keys(declared.content ?? {}).join(', ')}`);
          continue;
        }
        if (type === 'application/json') {
          checked.jsonAnswers++;
          const errors = validate(content.schema as SchemaObject, res.body);
          if (errors.length > 0) failures.push(`${name} -> ${res.status} does not match its schema: ${errors.slice(0, 5).join('; ')}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The sweep did reach bodies, queries and JSON answers (an empty document passes nothing above).
    expect(checked.bodies).toBeGreaterThanOrEqual(8);
    expect(checked.queries).toBeGreaterThanOrEqual(15);
    expect(checked.enumValues).toBeGreaterThanOrEqual(30);
    expect(checked.jsonAnswers).toBeGreaterThanOrEqual(15);
  }, 60_000);

  it('validates the answers of the example run and its rejects in detail', async () => {
    const report = await request(http).get(`/runs/${EXAMPLE_RUN_ID}`).expect(200);
    expect(validate(answerSchema('/runs/{id}', 'get', 200), report.body)).toEqual([]);
    const rejects = await request(http).get(`/runs/${EXAMPLE_RUN_ID}/rejects`).set(API_KEY_HEADER, KEY).expect(200);
    expect(rejects.body.rejects).toHaveLength(1);
    expect(validate(answerSchema('/runs/{id}/rejects', 'get', 200), rejects.body)).toEqual([]);
    // A schema that says nothing would pass anything: a wrong answer must fail it.
    expect(validate(answerSchema('/runs/{id}/rejects', 'get', 200), { ...rejects.body, total: 'many' })).not.toEqual([]);
    const missing = await request(http).get('/runs/no-such-run').expect(404);
    expect(validate(answerSchema('/runs/{id}', 'get', 404), missing.body)).toEqual([]);
  });
});
