import { loadConfig, redactSecrets } from '@ecom/config';
import { workerMetricsPort } from '@ecom/pipeline';

/**
 * Container healthcheck of a worker: asks the worker process itself, at GET /healthz on its
 * metrics server, whether its BullMQ worker runs, is not closing, and reaches its queue store
 * and PostgreSQL through its own connections (libs/pipeline WorkerHealth). PostgreSQL and Redis
 * answering a client of this script would say nothing about a worker whose loop died or whose
 * connections are wedged. Exits 0 on 200 within 5 s, else 1 with the worker's answer on stderr.
 *
 * The port is METRICS_PORT (docker-compose sets it per service), else metrics.workerPorts of the
 * app named as the first argument: `node dist/tools/healthcheck.js ingestor`.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = process.argv[2] ?? '';
  const port = config.metrics.port ?? workerMetricsPort(config, app);
  // A server listening on every interface is reached on loopback from inside its container.
  const host = ['0.0.0.0', '::'].includes(config.metrics.host) ? '127.0.0.1' : config.metrics.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  const body = await response.text();
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${body.trim()}`);
}

void main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`unhealthy: ${redactSecrets(error.message)}\n`);
    process.exit(1);
  },
);
