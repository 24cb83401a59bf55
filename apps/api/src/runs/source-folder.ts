import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { BadRequestException } from '@nestjs/common';
import { isInsideRoot, realRoots, repoRoot, resolveInputFiles } from '@ecom/config';
import { noInputFileMessage, parseInputFileName } from '@ecom/contracts';

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

/**
 * Resolves a user-supplied `source` to the real folder the ingestor will read. Real paths are
 * compared, so a symlink inside an allowed root that points elsewhere is refused, and so is a
 * folder whose input files are links leading out of the roots (checked without opening them:
 * resolveInputFiles). The folder must hold at least one of the four input files (any subset is a
 * batch: docs/operations.md); one with none is refused here, before a run exists, rather than as
 * a failed run at ingest.
 */
export async function resolveSourceFolder(source: string, sourceRoots: readonly string[]): Promise<string> {
  const requested = isAbsolute(source) ? source : resolve(repoRoot(), source);
  const roots = await realRoots(sourceRoots);
  const outside = () =>
    new BadRequestException(`source ${source} is outside the allowed folders: ${sourceRoots.join(', ')}`);

  const real = await realpathOrUndefined(requested);
  if (real === undefined) {
    // Only say "does not exist" for paths the caller may look at; elsewhere reveal nothing.
    if (!sourceRoots.some((root) => isInsideRoot(root, requested))) throw outside();
    throw new BadRequestException(`source ${source} does not exist`);
  }
  if (!roots.some((root) => isInsideRoot(root, real))) throw outside();
  if (!(await stat(real)).isDirectory()) {
    throw new BadRequestException(`source ${source} is not a directory`);
  }
  const entries = await readdir(real, { withFileTypes: true });
  const inputNames = entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && parseInputFileName(e.name)).map((e) => e.name);
  if (inputNames.length === 0) throw new BadRequestException(noInputFileMessage(source));
  const { problems } = await resolveInputFiles(real, inputNames.sort(), roots);
  if (problems.length > 0) {
    throw new BadRequestException(`source ${source}: ${problems.join('; ')}; copy the files into the folder instead of linking them`);
  }
  return real;
}
