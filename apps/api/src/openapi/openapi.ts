import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type OperationObject, type ResponsesObject } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { API_KEY_HEADER, MISSING_KEY_MESSAGE, WRITE_METHODS } from '../auth/api-key';
import { PERSONAL_DATA, type PersonalDataCondition } from '../auth/personal-data';
import { JSON_BODY_LIMIT } from '../http/request-edge';
import { RESPONSE_SCHEMAS } from './response-schemas';
import { ref } from './schema';
import { describeFromValidators, hasValidators } from './validator-properties';

/** Swagger UI; the document itself is at DOCS_JSON_ROUTE. Both open: they hold no data. */
export const DOCS_ROUTE = '/docs';
export const DOCS_JSON_ROUTE = '/docs/openapi.json';
export const API_KEY_SCHEME = 'apiKey';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Handler {
  operationId: string;
  personal?: PersonalDataCondition;
}

/** Every controller method that serves a route, with what the document needs to know about it. */
function routeHandlers(app: INestApplication): { handlers: Map<string, Handler>; paramTypes: Set<unknown> } {
  const handlers = new Map<string, Handler>();
  const paramTypes = new Set<unknown>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const prototype = (wrapper.metatype as { prototype?: Record<string, unknown> } | null)?.prototype;
      if (!prototype) continue;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const method = prototype[name];
        if (name === 'constructor' || typeof method !== 'function' || Reflect.getMetadata(METHOD_METADATA, method) === undefined) continue;
        // swagger's default operationId: <Controller>_<method>.
        const operationId = `${wrapper.metatype!.name}_${name}`;
        handlers.set(operationId, { operationId, personal: Reflect.getMetadata(PERSONAL_DATA, method) as PersonalDataCondition | undefined });
        for (const type of (Reflect.getMetadata('design:paramtypes', prototype, name) as unknown[] | undefined) ?? []) paramTypes.add(type);
      }
    }
  }
  return { handlers, paramTypes };
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });

/**
 * The answers every operation of a kind can give, from the rules that produce them rather than a
 * list per route: the API-key guard's (writes, and reads of personal data), the pipes' (400 for
 * any parameter or body field), the request edge's (415, 413 for bodies).
 */
function addEdgeAnswers(method: string, operation: OperationObject, handler: Handler): void {
  const responses: ResponsesObject = operation.responses;
  const keyed = WRITE_METHODS.has(method.toUpperCase()) || (handler.personal !== undefined && handler.personal.param === undefined);
  const conditional = !keyed && handler.personal?.param !== undefined ? handler.personal : undefined;
  const unauthorized = `With API_KEY set: no valid key was sent (\`${MISSING_KEY_MESSAGE}\`).`;
  if (keyed) {
    operation.security = [{ [API_KEY_SCHEME]: [] }];
    responses['401'] ??= errorResponse(unauthorized);
  } else if (conditional) {
    const values = conditional.values!.map((v) => `\`${v}\``).join(', ');
    // Either no key or the key: the key is needed only for some values of the parameter.
    operation.security = [{}, { [API_KEY_SCHEME]: [] }];
    operation.description = [operation.description, `With API_KEY set, \`${conditional.param}\` ${values} (personal data) needs the key.`]
      .filter(Boolean)
      .join('\n\n');
    responses['401'] ??= errorResponse(`${unauthorized} Only for ${conditional.param} ${values}.`);
  }
  if ((operation.parameters?.length ?? 0) > 0 || operation.requestBody) {
    responses['400'] ??= errorResponse('A parameter or body field is not valid; message lists one line per field.');
  }
  if (operation.requestBody) {
    responses['413'] ??= errorResponse(`The body is over ${JSON_BODY_LIMIT}.`);
    responses['415'] ??= errorResponse('The body is not JSON (Content-Type: application/json).');
  }
}

/**
 * The api's OpenAPI 3 document, from the running app: its routes and parameters from the
 * controllers, request schemas from the DTOs' validators, response schemas from
 * response-schemas.ts, and security from the same rules the API-key guard applies.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const { handlers, paramTypes } = routeHandlers(app);
  const dtos = [...paramTypes].filter(hasValidators);
  for (const type of dtos) describeFromValidators(type);

  const config = new DocumentBuilder()
    .setTitle('ecom-pipeline api')
    .setDescription(
      'Launches pipeline runs and reads their results: runs, rejects, analyses, the dashboard data, health, monitoring, schedules, retention. ' +
        `With API_KEY set, writes and reads of personal data need the key (header \`${API_KEY_HEADER}: <key>\`, or \`Authorization: Bearer <key>\`); ` +
        'every other read stays open. Request bodies are JSON. Bull Board (/admin/queues) is not part of this document.',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'The API_KEY the api was started with.' }, API_KEY_SCHEME)
    .build();
  config.components = { ...config.components, schemas: { ...RESPONSE_SCHEMAS } };
  const document = SwaggerModule.createDocument(app, config);
  // The ValidationPipe forbids fields a DTO does not declare (forbidNonWhitelisted).
  for (const type of dtos) {
    const schema = document.components?.schemas?.[type.name];
    if (schema && !('$ref' in schema)) schema.additionalProperties = false;
  }

  for (const [path, pathItem] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!operation) continue;
      // A handler serving several paths (the dashboard's pages) gets ids <Controller>_<method>[i].
      const handler = handlers.get((operation.operationId ?? '').replace(/\[\d+\]$/, ''));
      // Without its handler the key rule cannot be read: better no document than a wrong one.
      if (!handler) throw new Error(`openapi: ${method.toUpperCase()} ${path} (${operation.operationId}) has no controller method`);
      addEdgeAnswers(method, operation, handler);
    }
  }
  return document;
}

const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
// The files the page loads; the rest of swagger-ui-dist (its own index.html, source maps) stays unserved.
const UI_FILES = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
]);

const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ecom-pipeline api</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${DOCS_ROUTE}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${DOCS_ROUTE}/swagger-ui-bundle.js"></script>
<script src="${DOCS_ROUTE}/swagger-ui-init.js"></script>
</body>
</html>
`;

const INIT_JS = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(DOCS_JSON_ROUTE)}, dom_id: '#swagger-ui', deepLinking: true });\n`;

/**
 * Serves Swagger UI at DOCS_ROUTE and the document at DOCS_JSON_ROUTE, outside Nest's router (like
 * Bull Board), so neither is an operation of the document it serves and no guard applies. The
 * document is built on first request: by then every module has registered its routes.
 */
export function mountApiDocs(app: INestApplication): void {
  let json: string | undefined;
  app.use(DOCS_ROUTE, (request: Request, response: Response, next: NextFunction): void => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    const file = request.path.replace(/^\//, '');
    if (file === '' || file === 'index.html') {
      response.type('text/html; charset=utf-8').send(PAGE_HTML);
    } else if (file === 'openapi.json') {
      json ??= JSON.stringify(buildOpenApiDocument(app));
      response.type('application/json; charset=utf-8').send(json);
    } else if (file === 'swagger-ui-init.js') {
      response.type('text/javascript; charset=utf-8').send(INIT_JS);
    } else if (UI_FILES.has(file)) {
      response.setHeader('Cache-Control', 'public, max-age=3600');
      response.type(UI_FILES.get(file)!).send(readFileSync(join(SWAGGER_UI_DIR, file)));
    } else {
      next();
    }
  });
}
