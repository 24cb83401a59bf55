import { Injectable, NotFoundException } from '@nestjs/common';
import { ANALYSES, isAnalysisName, type AnalysisResult } from '@ecom/contracts';
import type { AnalysisListing } from './analytics.dto';
import { AnalyticsRepository } from './analytics.repository';

@Injectable()
export class AnalyticsService {
  constructor(private readonly analytics: AnalyticsRepository) {}

  async listAnalyses(): Promise<AnalysisListing> {
    const latest = await this.analytics.latestRunPerAnalysis();
    return {
      analyses: ANALYSES.map((name) => ({
        name,
        latestRunId: latest.get(name) ?? null,
        links: { json: `/analytics/${name}`, csv: `/analytics/${name}?format=csv` },
      })),
    };
  }

  /** A named result of one run, or of the newest succeeded run when no run is given. */
  async result(name: string, runId: string | undefined): Promise<AnalysisResult> {
    if (!isAnalysisName(name)) {
      throw new NotFoundException(`analysis ${name} does not exist; valid names: ${ANALYSES.join(', ')}`);
    }
    const row = runId ? await this.analytics.resultOfRun(runId, name) : await this.analytics.latestSucceededResult(name);
    if (!row) {
      throw new NotFoundException(
        runId ? `run ${runId} has no result for analysis ${name}` : `no succeeded run has a result for analysis ${name} yet`,
      );
    }
    return { runId: row.run_id, analysis: row.analysis, columns: row.columns, rows: row.rows };
  }
}
