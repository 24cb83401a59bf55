import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { ProcessorCheckError, assertProcessors, declaredProcessors } from './processor-check';

@Processor('transform')
class TransformA extends WorkerHost {
  async process(): Promise<void> {}
}

@Processor('transform')
class TransformB extends WorkerHost {
  async process(): Promise<void> {}
}

@Processor('monitoring')
class MonitoringJobs extends WorkerHost {
  async process(): Promise<void> {}
}

class NotAProcessor {}

@Module({ providers: [TransformA, NotAProcessor] })
class FeatureA {}

@Module({ imports: [FeatureA] })
class AppA {}

@Module({})
class Empty {}

describe('assertProcessors: the boot-time check of the processors a process declares', () => {
  it('finds the processors of imported and dynamic modules, without instantiating them', () => {
    const dynamic = { module: Empty, imports: [AppA], providers: [{ provide: 'x', useClass: MonitoringJobs }] };
    expect(declaredProcessors([dynamic])).toEqual([
      { queue: 'monitoring', processor: 'MonitoringJobs' },
      { queue: 'transform', processor: 'TransformA' },
    ]);
  });

  it('passes with exactly one processor per queue the process owns', () => {
    expect(assertProcessors('transformer', [AppA], ['transform'])).toEqual([{ queue: 'transform', processor: 'TransformA' }]);
  });

  it('refuses a stage without a processor, naming the stage', () => {
    expect(() => assertProcessors('transformer', [Empty], ['transform'])).toThrow(
      new ProcessorCheckError('transformer refuses to start: stage transform (queue transform) has no processor'),
    );
  });

  it('refuses a stage with two processors, naming both', () => {
    const both = { module: Empty, providers: [TransformA, TransformB] };
    expect(() => assertProcessors('the in-process pipeline', [both], ['transform'])).toThrow(
      'the in-process pipeline refuses to start: stage transform (queue transform) has 2 processors (TransformA, TransformB)',
    );
  });

  it('refuses a processor of a queue the process does not own', () => {
    expect(() => assertProcessors('api', [{ module: Empty, providers: [MonitoringJobs] }], [])).toThrow(
      'api refuses to start: MonitoringJobs consumes queue monitoring, which api does not own',
    );
  });
});
