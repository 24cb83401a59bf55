import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, repoRoot } from '@ecom/config';
import { API_APP, ENTRY_JOB, QUEUES, STAGES, STAGE_REGISTRY, WORKER_APPS, WORKER_METRICS_PORTS, queuesOfApp } from '@ecom/contracts';
import { assertProcessors } from '@ecom/pipeline';
import { WORKER_MODULES } from '../../tools/in-process';

interface ComposeService {
  command?: string | string[];
  environment?: Record<string, unknown> | string[];
}

/** The app a compose service runs (dist/apps/<app>/src/main.js in its command), if any. */
function appOf(service: ComposeService): string | undefined {
  const command = Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');
  return /dist\/apps\/([^/]+)\/src\/main\.js/.exec(command)?.[1];
}

function envOf(service: ComposeService, name: string): string | undefined {
  const env = service.environment;
  if (Array.isArray(env)) return env.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1);
  const value = env?.[name];
  return value === undefined || value === null ? undefined : String(value);
}

describe('the stage registry (libs/contracts STAGE_REGISTRY) and what is derived from or checked against it', () => {
  const config = loadConfig({ env: {} });

  it('gives every stage its own app, queue and metrics port; the queue and entry-job maps are read from it', () => {
    for (const stage of STAGES) {
      expect(QUEUES[stage]).toBe(STAGE_REGISTRY[stage].queue);
      expect(ENTRY_JOB[stage]).toBe(STAGE_REGISTRY[stage].entryJob);
    }
    const entries = STAGES.map((stage) => STAGE_REGISTRY[stage]);
    expect(new Set(entries.map((e) => e.app)).size).toBe(STAGES.length);
    expect(new Set(entries.map((e) => e.queue)).size).toBe(STAGES.length);
    const ports = Object.values(WORKER_METRICS_PORTS);
    expect(new Set(ports).size).toBe(WORKER_APPS.length);
    expect(ports).not.toContain(config.port);
  });

  it("gives config the registry's metrics ports unless the file or an override names another", () => {
    expect(config.metrics.workerPorts).toEqual(WORKER_METRICS_PORTS);
    const moved = loadConfig({ env: {}, overrides: { metrics: { workerPorts: { ingestor: 9202 } } } });
    expect(moved.metrics.workerPorts).toEqual({ ...WORKER_METRICS_PORTS, ingestor: 9202 });
  });

  it.each(WORKER_APPS.map((app) => [app]))('%s: has its app folder, boots under its registry name and holds one processor per queue it owns', (app) => {
    const main = join(repoRoot(), 'apps', app, 'src', 'main.ts');
    expect(existsSync(main)).toBe(true);
    expect(readFileSync(main, 'utf8')).toContain(`bootstrapWorker('${app}'`);
    const declared = assertProcessors(app, [WORKER_MODULES[app](config)], queuesOfApp(app));
    expect(declared.map((d) => d.queue).sort()).toEqual([...queuesOfApp(app)].sort());
  });

  it('docker-compose.yml has a service for the api and each worker app, none for an app the registry does not know', () => {
    const compose = parse(readFileSync(join(repoRoot(), 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
    const byApp = new Map<string, string[]>();
    for (const [name, service] of Object.entries(compose.services)) {
      const app = appOf(service);
      if (app) byApp.set(app, [...(byApp.get(app) ?? []), name]);
    }
    const known = [API_APP, ...WORKER_APPS];
    expect([...byApp.keys()].filter((app) => !known.includes(app))).toEqual([]);
    expect(known.filter((app) => !byApp.has(app))).toEqual([]);
    // A service's fixed metrics port is the registry's, so a scrape config written from the registry finds it.
    for (const app of WORKER_APPS) {
      for (const name of byApp.get(app)!) {
        const port = envOf(compose.services[name], 'METRICS_PORT');
        if (port !== undefined) expect(`${name}: ${port}`).toBe(`${name}: ${WORKER_METRICS_PORTS[app]}`);
      }
    }
  });
});
