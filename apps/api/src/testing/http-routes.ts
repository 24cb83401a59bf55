import type { INestApplication } from '@nestjs/common';
import { QUEUE_BOARD_ROUTE } from '../admin/queue-board.module';
import { DOCS_JSON_ROUTE, DOCS_ROUTE } from '../openapi/openapi';

export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express path pattern as registered, e.g. `/runs/:id/rejects`. */
  path: string;
}

interface ExpressLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/**
 * Every route the api serves, read from the Express router Nest registered its controllers on,
 * plus Bull Board and the OpenAPI docs (Express handlers mounted beside Nest's router). Suites that
 * must cover every endpoint (access, fuzz) start from this list, so a new route is covered (or
 * makes them fail until it is classified) without anyone remembering to add it.
 */
export function httpRoutes(app: INestApplication): HttpRoute[] {
  return [...nestRoutes(app), ...extraRoutes()];
}

/** The routes of Nest's controllers, as the Express router holds them. */
export function nestRoutes(app: INestApplication): HttpRoute[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: ExpressLayer[] } };
  const routes: HttpRoute[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (on && method !== '_all') routes.push({ method: method.toUpperCase() as HttpRoute['method'], path });
      }
    }
  }
  return routes;
}

/** The routes served outside Nest's router: Bull Board, Swagger UI and the OpenAPI document. */
export function extraRoutes(): HttpRoute[] {
  return [
    { method: 'GET', path: QUEUE_BOARD_ROUTE },
    { method: 'GET', path: DOCS_ROUTE },
    { method: 'GET', path: DOCS_JSON_ROUTE },
  ];
}

export const routeKey = (route: HttpRoute): string => `${route.method} ${route.path}`;
