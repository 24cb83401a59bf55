import { WorkerHost } from '@nestjs/bullmq';
import { loadConfig } from '@ecom/config';
import { declaredProcessors } from '@ecom/pipeline';
import { ApiAppModule } from './app.module';

/** The api is HTTP only: every queue consumer runs in a worker app (the stages', apps/ops-worker). */
describe('the api app module', () => {
  it('declares no BullMQ processor and no WorkerHost among the providers of any module it imports', () => {
    const module = ApiAppModule.forRoot(loadConfig({ env: {} }));
    expect(declaredProcessors([module])).toEqual([]);
    const providers: unknown[] = [];
    const seen = new Set<unknown>();
    const walk = (ref: unknown): void => {
      if (!ref || seen.has(ref) || ref instanceof Promise) return;
      seen.add(ref);
      const moduleClass = typeof ref === 'function' ? ref : (ref as { module?: unknown }).module;
      if (typeof moduleClass !== 'function') return;
      providers.push(...((Reflect.getMetadata('providers', moduleClass) as unknown[]) ?? []), ...((ref as { providers?: unknown[] }).providers ?? []));
      for (const imported of [...((Reflect.getMetadata('imports', moduleClass) as unknown[]) ?? []), ...((ref as { imports?: unknown[] }).imports ?? [])]) walk(imported);
    };
    walk(module);
    expect(providers.length).toBeGreaterThan(10);
    const workerHosts = providers.filter((p) => typeof p === 'function' && p.prototype instanceof WorkerHost).map((p) => (p as { name: string }).name);
    expect(workerHosts).toEqual([]);
  });
});
