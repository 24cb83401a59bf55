import { Injectable } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { StageFailure, type PlannedTask, type RunRecord, type StageContext, type StageCounts } from '@ecom/pipeline';
import { AppConfig } from '@ecom/config';
import { generatedSource, type DatasetSource } from './dataset-source';
import { deltaSource } from './deltas';
import { InvalidGenerateParams } from './model';
import { planParts, partTaskKey, type GeneratePart } from './part-plan';
import { writeGeneratedPart } from './write-part';

/**
 * The generate stage: plans one task per file part, and writes a part's CSV files. A generate
 * run writes a whole data set; an incremental run the daily delta of its days after the base.
 */
@Injectable()
export class GenerationService {
  constructor(private readonly config: AppConfig) {}

  /** Tasks for every part of every entity; the folder is created here so parts never race on it. */
  async planRun(run: RunRecord): Promise<PlannedTask[]> {
    const source = this.source(run);
    await mkdir(run.params.inputDir, { recursive: true });
    return planParts(source.ranges, this.config.generator.partSize).map((part) => ({
      key: partTaskKey(part),
      payload: { entity: part.entity, part: part.part, parts: part.parts, first: part.first, count: part.count },
    }));
  }

  /** Writes one part's files; counts are data rows over all its files (nothing is ever rejected). */
  async writePart(ctx: StageContext, part: GeneratePart): Promise<StageCounts> {
    const source = this.source(ctx.run);
    const key = partTaskKey(part);
    const written = await writeGeneratedPart(source, ctx.run.params.inputDir, part, ({ recordsDone, records }) =>
      ctx.progress({ task: key, recordsDone, records }),
    );
    return { rowsIn: written.rows, rowsOut: written.rows, rowsRejected: 0, detail: { files: written.files } };
  }

  private source(run: RunRecord): DatasetSource {
    const { mode, generate, incremental, inputDir } = run.params;
    if (!inputDir) throw new StageFailure(`run ${run.run_id} has no inputDir to generate into`);
    const shop = this.config.generator.model;
    try {
      if (mode === 'generate' && generate) return generatedSource(generate, shop);
      if (mode === 'incremental' && generate && incremental) return deltaSource(generate, incremental.fromDate, incremental.toDate, shop);
    } catch (error) {
      if (error instanceof InvalidGenerateParams) throw new StageFailure(`run ${run.run_id}: ${error.message}`);
      throw error;
    }
    throw new StageFailure(`run ${run.run_id} has no generate parameters (mode ${mode})`);
  }
}
