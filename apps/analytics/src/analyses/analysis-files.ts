import { Injectable } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig } from '@ecom/config';
import { analysisToCsv, type AnalysisResult } from '@ecom/contracts';

/** The export files of a run's analyses: <dataRoot>/processed/analytics/<runId>/<name>.csv|json. */
@Injectable()
export class AnalysisFiles {
  constructor(private readonly config: AppConfig) {}

  dirOf(runId: string): string {
    return join(this.config.dataRoot, 'processed', 'analytics', runId);
  }

  async write(result: AnalysisResult): Promise<void> {
    const dir = this.dirOf(result.runId);
    await mkdir(dir, { recursive: true });
    const { runId, analysis, columns, rows } = result;
    await writeAtomically(join(dir, `${analysis}.csv`), analysisToCsv({ columns, rows }));
    await writeAtomically(join(dir, `${analysis}.json`), `${JSON.stringify({ runId, analysis, columns, rows }, null, 2)}\n`);
  }
}

// A reader (or a crash) never sees half a file: the complete file replaces the old one in one rename.
async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, content, 'utf8');
  await rename(temp, path);
}
