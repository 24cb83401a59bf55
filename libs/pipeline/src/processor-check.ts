import { MODULE_METADATA } from '@nestjs/common/constants';
import type { DynamicModule, Type } from '@nestjs/common';
import { stageOfQueue } from '@ecom/contracts';

/**
 * @nestjs/bullmq's key for @Processor's options (bull.constants, not exported from the package
 * index); `name` is the queue.
 */
const PROCESSOR_METADATA = 'bullmq:processor_metadata';

export interface DeclaredProcessor {
  queue: string;
  processor: string;
}

type ModuleRef = Type<unknown> | DynamicModule;

/** A process that would start with a queue nobody consumes, or consumed twice. */
export class ProcessorCheckError extends Error {
  override name = 'ProcessorCheckError';
}

function isModuleRef(value: unknown): value is ModuleRef {
  return typeof value === 'function' || (typeof value === 'object' && value !== null && 'module' in value && !(value instanceof Promise));
}

/**
 * The @Processor classes a module tree declares, read from the modules' metadata without
 * instantiating anything: the check runs before any worker connects to its queue.
 */
export function declaredProcessors(roots: readonly ModuleRef[]): DeclaredProcessor[] {
  const seen = new Set<unknown>();
  const found = new Map<Type<unknown>, string>();
  const visit = (ref: unknown): void => {
    if (!isModuleRef(ref) || seen.has(ref)) return;
    seen.add(ref);
    const moduleClass = typeof ref === 'function' ? ref : ref.module;
    const dynamic = typeof ref === 'function' ? undefined : ref;
    const providers = [...((Reflect.getMetadata(MODULE_METADATA.PROVIDERS, moduleClass) as unknown[]) ?? []), ...(dynamic?.providers ?? [])];
    for (const provider of providers) {
      const type = typeof provider === 'function' ? provider : (provider as { useClass?: unknown })?.useClass;
      if (typeof type !== 'function') continue;
      const options = Reflect.getMetadata(PROCESSOR_METADATA, type) as { name?: string } | undefined;
      if (options?.name) found.set(type as Type<unknown>, options.name);
    }
    for (const imported of [...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, moduleClass) as unknown[]) ?? []), ...(dynamic?.imports ?? [])]) {
      visit(imported);
    }
  };
  roots.forEach(visit);
  return [...found].map(([type, queue]) => ({ queue, processor: type.name }));
}

function describeQueue(queue: string): string {
  const stage = stageOfQueue(queue);
  return stage ? `stage ${stage} (queue ${queue})` : `queue ${queue}`;
}

/**
 * Refuses to start `what` (an app, or the in-process pipeline) unless each queue it must consume
 * has exactly one processor and it has none for any other queue: a stage without a consumer
 * would leave runs waiting forever, two would race for its jobs. One error naming every offence.
 */
export function assertProcessors(what: string, roots: readonly ModuleRef[], expectedQueues: readonly string[]): DeclaredProcessor[] {
  const declared = declaredProcessors(roots);
  const problems: string[] = [];
  for (const queue of expectedQueues) {
    const consumers = declared.filter((d) => d.queue === queue).map((d) => d.processor);
    if (consumers.length === 0) problems.push(`${describeQueue(queue)} has no processor`);
    if (consumers.length > 1) problems.push(`${describeQueue(queue)} has ${consumers.length} processors (${consumers.join(', ')})`);
  }
  for (const { queue, processor } of declared.filter((d) => !expectedQueues.includes(d.queue))) {
    problems.push(`${processor} consumes ${describeQueue(queue)}, which ${what} does not own`);
  }
  if (problems.length > 0) throw new ProcessorCheckError(`${what} refuses to start: ${problems.join('; ')}`);
  return declared;
}
