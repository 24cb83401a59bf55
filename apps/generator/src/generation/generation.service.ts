import { Injectable } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import type { GenerateParams } from '@ecom/contracts';
import { StageFailure, type PlannedTask, type RunRecord, type StageContext, type StageCounts } from '@ecom/pipeline';
import { AppConfig } from '@ecom/config';
import { InvalidGenerateParams, datasetModel, type DatasetModel } from './model';
import { planParts, partTaskKey, type GeneratePart } from './part-plan';
import { writeGeneratedPart } from './write-part';

/** The generate stage: plans one task per file part, and writes a part's CSV files. */
@Injectable()
export class GenerationService {
  constructor(private readonly config: AppConfig) {}

  /** Tasks for every part of every entity; the folder is created here so parts never race on it. */
  async planRun(run: RunRecord): Promise<PlannedTask[]> {
    const params = this.generateParams(run);
    this.model(run.run_id, params);
    await mkdir(run.params.inputDir, { recursive: true });
    return planParts(params, this.config.generator.partSize).map((part) => ({
      key: partTaskKey(part),
      payload: { entity: part.entity, part: part.part, parts: part.parts, first: part.first, count: part.count },
    }));
  }

  /** Writes one part's files; counts are data rows over all its files (nothing is ever rejected). */
  async writePart(ctx: StageContext, part: GeneratePart): Promise<StageCounts> {
    const model = this.model(ctx.runId, this.generateParams(ctx.run));
    const key = partTaskKey(part);
    const written = await writeGeneratedPart(model, ctx.run.params.inputDir, part, ({ recordsDone, records }) =>
      ctx.progress({ task: key, recordsDone, records }),
    );
    return { rowsIn: written.rows, rowsOut: written.rows, rowsRejected: 0, detail: { files: written.files } };
  }

  private generateParams(run: RunRecord): GenerateParams {
    const params = run.params.generate;
    if (run.params.mode !== 'generate' || !params) {
      throw new StageFailure(`run ${run.run_id} has no generate parameters (mode ${run.params.mode})`);
    }
    if (!run.params.inputDir) throw new StageFailure(`run ${run.run_id} has no inputDir to generate into`);
    return params;
  }

  private model(runId: string, params: GenerateParams): DatasetModel {
    try {
      return datasetModel(params);
    } catch (error) {
      if (error instanceof InvalidGenerateParams) throw new StageFailure(`run ${runId}: ${error.message}`);
      throw error;
    }
  }
}
