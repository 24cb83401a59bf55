import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { realRoots, resolveInputFiles } from '@ecom/config';
import { ENTITIES, noInputFileMessage, parseInputFileName, type Entity } from '@ecom/contracts';
import { StageFailure } from '@ecom/pipeline';

export interface InputFile {
  entity: Entity;
  part: number;
  sourceFile: string;
  path: string;
}

export interface InputFolder {
  files: InputFile[];
  /** Files that are not pipeline input (notes, other exports): left alone, but reported. */
  ignored: string[];
}

async function listFolder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StageFailure(`input folder ${dir} does not exist`);
    if (code === 'ENOTDIR') throw new StageFailure(`input folder ${dir} is not a folder`);
    throw new StageFailure(`cannot read input folder ${dir}: ${(error as Error).message}`);
  }
}

async function isRegularFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/**
 * The input files of one batch folder (not recursive), in entity order then part order.
 * Any non-empty subset of the four entities is a batch (docs/operations.md): a folder of new
 * orders only is a delta against production, and rows whose parents are neither in production
 * nor in the folder are rejected one by one in the transform, not refused here. A folder holding
 * both `x.csv` and `x.part-NNNN.csv` is refused, since loading both would land the same rows twice.
 *
 * Every input file is read by its real path, which must lie inside one of `allowedRoots`: the api
 * refuses a folder whose files link elsewhere before the run starts, and this check (made before
 * any file is opened) holds for a link swapped in since, or a run recorded another way.
 */
export async function readInputFolder(inputDir: string, allowedRoots: readonly string[]): Promise<InputFolder> {
  const dir = resolve(inputDir);
  const names = (await listFolder(dir)).sort();
  const recognisedNames = names.filter((name) => parseInputFileName(name));
  const { files: resolved, problems } = await resolveInputFiles(dir, recognisedNames, await realRoots(allowedRoots));
  if (problems.length > 0) throw new StageFailure(`input folder ${dir}: ${problems.join('; ')}`);
  const realPaths = new Map(resolved.map((f) => [f.name, f.path]));

  const files: InputFile[] = [];
  const ignored: string[] = [];
  for (const name of names) {
    const recognised = parseInputFileName(name);
    const path = realPaths.get(name);
    if (recognised && path !== undefined && (await isRegularFile(path))) {
      files.push({ entity: recognised.entity, part: recognised.part, sourceFile: name, path });
    } else {
      ignored.push(name);
    }
  }

  // The api checks this before it starts a run; a folder emptied since then still fails plainly.
  if (files.length === 0) throw new StageFailure(noInputFileMessage(dir));
  for (const entity of ENTITIES) {
    const parts = files.filter((f) => f.entity === entity).map((f) => f.part);
    const whole = parts.includes(0) && parts.length > 1;
    const repeated = new Set(parts).size !== parts.length;
    if (whole || repeated) {
      const names = files.filter((f) => f.entity === entity).map((f) => f.sourceFile);
      throw new StageFailure(`${dir} holds overlapping ${entity} files (${names.join(', ')}): keep one whole file or numbered parts`);
    }
  }

  files.sort((a, b) => ENTITIES.indexOf(a.entity) - ENTITIES.indexOf(b.entity) || a.part - b.part);
  return { files, ignored };
}
