import { Injectable } from '@nestjs/common';
import type { Dirent } from 'node:fs';
import { readdir, rm, rmdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { AppConfig } from '@ecom/config';

/** A folder (relative to the data root) and the files in it that retention takes. */
export interface ExpiredFolder {
  path: string;
  files: number;
}

/**
 * The files retention manages under the data root: generated input folders
 * (<dataRoot>/raw/<run>/) and analysis exports (<dataRoot>/processed/analytics/<run>/).
 */
@Injectable()
export class RetentionFiles {
  constructor(private readonly config: AppConfig) {}

  private get rawRoot(): string {
    return join(this.config.dataRoot, 'raw');
  }

  private get exportsRoot(): string {
    return join(this.config.dataRoot, 'processed', 'analytics');
  }

  /**
   * Raw run folders whose newest file is older than the cutoff (a folder is one batch: it goes
   * whole or not at all). Folders named after a run in `keep` stay.
   */
  async rawFolders(cutoff: Date, keep: ReadonlySet<string>, remove: boolean): Promise<ExpiredFolder[]> {
    const expired: ExpiredFolder[] = [];
    for (const folder of await subfolders(this.rawRoot)) {
      if (keep.has(folder)) continue;
      const dir = join(this.rawRoot, folder);
      const files = await filesUnder(dir);
      const newest = files.length > 0 ? Math.max(...files.map((f) => f.mtimeMs)) : (await stat(dir)).mtimeMs;
      if (newest >= cutoff.getTime()) continue;
      if (remove) await rm(dir, { recursive: true, force: true });
      expired.push({ path: relative(this.config.dataRoot, dir), files: files.length });
    }
    return expired;
  }

  /**
   * Analysis export files older than the cutoff, per run folder; a folder left empty goes too.
   * Exports of runs in `keep` stay.
   */
  async analysisExports(cutoff: Date, keep: ReadonlySet<string>, remove: boolean): Promise<ExpiredFolder[]> {
    const expired: ExpiredFolder[] = [];
    for (const folder of await subfolders(this.exportsRoot)) {
      if (keep.has(folder)) continue;
      const dir = join(this.exportsRoot, folder);
      const files = await filesUnder(dir);
      const old = files.filter((f) => f.mtimeMs < cutoff.getTime());
      if (old.length === 0) continue;
      if (remove) {
        for (const file of old) await rm(file.path, { force: true });
        if (old.length === files.length) await rmdir(dir).catch(() => undefined);
      }
      expired.push({ path: relative(this.config.dataRoot, dir), files: old.length });
    }
    return expired;
  }
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as Dirent[];
    throw error;
  });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function filesUnder(dir: string): Promise<Array<{ path: string; mtimeMs: number }>> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Promise.all(files.map(async (path) => ({ path, mtimeMs: (await stat(path)).mtimeMs })));
}
