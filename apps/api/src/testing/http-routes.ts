import type { INestApplication } from '@nestjs/common';
import { QUEUE_BOARD_ROUTE } from '../admin/queue-board.module';

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
 * plus Bull Board (an Express router mounted at QUEUE_BOARD_ROUTE, not a Nest route). Suites that
 * must cover every endpoint (access, fuzz) start from this list, so a new route is covered (or
 * makes them fail until it is classified) without anyone remembering to add it.
 */
export function httpRoutes(app: INestApplication): HttpRoute[] {
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
  routes.push({ method: 'GET', path: QUEUE_BOARD_ROUTE });
  return routes;
}

export const routeKey = (route: HttpRoute): string => `${route.method} ${route.path}`;
