import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PipelineMetrics } from './pipeline-metrics';

export interface MetricsServer {
  /** The port it listens on (the chosen one when started on port 0). */
  port: number;
  /** The address it listens on. */
  host: string;
  close(): Promise<void>;
}

/** A liveness report: served as JSON, 200 when `healthy`, else 503. */
export type HealthProbe = () => Promise<{ healthy: boolean }>;

/**
 * A worker's GET /metrics, and with `health` its GET /healthz: workers are Nest application
 * contexts without HTTP, so a bare node:http server serves them. Anything else is 404.
 */
export async function startMetricsServer(metrics: PipelineMetrics, port: number, host: string, health?: HealthProbe): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz' && health) {
      health().then(
        (report) => response.writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' }).end(`${JSON.stringify(report)}\n`),
        (error: Error) => response.writeHead(503, { 'content-type': 'text/plain' }).end(`health check failed: ${error.message}\n`),
      );
      return;
    }
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`only GET /metrics${health ? ' and GET /healthz are' : ' is'} served here\n`);
      return;
    }
    metrics.text().then(
      (body) => response.writeHead(200, { 'content-type': metrics.contentType }).end(body),
      (error: Error) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`metrics server cannot listen on ${host}:${port}: ${error.code ?? error.message} (set METRICS_PORT or METRICS_HOST)`)),
    );
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    host: address.address,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
