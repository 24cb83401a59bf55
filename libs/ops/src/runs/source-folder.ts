import { readdir, realpath, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { BadRequestException } from '@nestjs/common';
import { MappingError, MappingSourceError, isInsideRoot, loadMapping, mappingsDir, selectSourceFiles, realRoots, repoRoot, resolveInputFiles, resolveMappingFile } from '@ecom/config';
import { noInputFileMessage, parseInputFileName, type MappedSourceParams } from '@ecom/contracts';


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

/**
 * A mapped source (docs/mappings.md): the mapping is checked (400 naming the file, key and what
 * was expected) and the folder must hold at least one file it reads, each really inside the
 * source roots. The mapping is a shipped one by name, or a YAML file inside the source roots: the
 * api reads no other file a caller names.
 */
export async function resolveMappedSource(source: string, mappingRef: string, sourceRoots: readonly string[]): Promise<MappedSourceParams> {
  const file = resolveMappingFile(isAbsolute(mappingRef) || mappingRef.includes('/') ? resolve(repoRoot(), mappingRef) : mappingRef);
  const roots = await realRoots(sourceRoots);
  const realFile = await realpathOrUndefined(file);
  const shipped = realFile !== undefined && isInsideRoot(await realpath(mappingsDir()), realFile);
  if (realFile !== undefined && !shipped && !roots.some((root) => isInsideRoot(root, realFile))) {
    throw new BadRequestException(`mapping ${mappingRef} is neither a shipped mapping nor a file inside the allowed folders: ${sourceRoots.join(', ')}`);
  }
  let mapping;
  try {
    mapping = loadMapping(realFile ?? file);
  } catch (error) {
    if (error instanceof MappingError) throw new BadRequestException(error.message);
    throw error;
  }
  const requested = isAbsolute(source) ? source : resolve(repoRoot(), source);
  const real = await realpathOrUndefined(requested);
  if (real === undefined || !roots.some((root) => isInsideRoot(root, real))) {
    if (real === undefined && sourceRoots.some((root) => isInsideRoot(root, requested))) throw new BadRequestException(`source ${source} does not exist`);
    throw new BadRequestException(`source ${source} is outside the allowed folders: ${sourceRoots.join(', ')}`);
  }
  if (!(await stat(real)).isDirectory()) throw new BadRequestException(`source ${source} is not a directory`);
  try {
    await selectSourceFiles(mapping, real, sourceRoots);
  } catch (error) {
    if (error instanceof MappingSourceError) throw new BadRequestException(error.message.replace(real, source));
    throw error;
  }
  return { name: mapping.name, file: mapping.file, sourceDir: real };
}
