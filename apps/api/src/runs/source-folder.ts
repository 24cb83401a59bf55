import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { BadRequestException } from '@nestjs/common';
import { repoRoot } from '@ecom/config';
import { inputEntitiesOf, noInputFileMessage } from '@ecom/contracts';

function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch {
    return undefined;
  }
}

/**
 * Resolves a user-supplied `source` to the real folder the ingestor will read. Real paths are
 * compared, so a symlink inside an allowed root that points elsewhere is refused. The folder must
 * hold at least one of the four input files (any subset is a batch: docs/operations.md); one with
 * none is refused here, before a run exists, rather than as a failed run at ingest.
 */
export async function resolveSourceFolder(source: string, sourceRoots: readonly string[]): Promise<string> {
  const requested = isAbsolute(source) ? source : resolve(repoRoot(), source);
  const roots = (await Promise.all(sourceRoots.map(realpathOrUndefined))).filter((r): r is string => r !== undefined);
  const outside = () =>
    new BadRequestException(`source ${source} is outside the allowed folders: ${sourceRoots.join(', ')}`);

  const real = await realpathOrUndefined(requested);
  if (real === undefined) {
    // Only say "does not exist" for paths the caller may look at; elsewhere reveal nothing.
    if (!sourceRoots.some((root) => isInside(root, requested))) throw outside();
    throw new BadRequestException(`source ${source} does not exist`);
  }
  if (!roots.some((root) => isInside(root, real))) throw outside();
  if (!(await stat(real)).isDirectory()) {
    throw new BadRequestException(`source ${source} is not a directory (${real})`);
  }
  const names = (await readdir(real, { withFileTypes: true })).filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
  if (inputEntitiesOf(names).length === 0) throw new BadRequestException(noInputFileMessage(source));
  return real;
}
