import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Mapping } from './mapping';
import { isInsideRoot, realRoots } from './source-paths';

/** The files of a mapped source: what the api checks before a run and the converter reads. */

export class MappingSourceError extends Error {
  override name = 'MappingSourceError';
}

export interface SourceFile {
  name: string;
  path: string;
}

/** The files a mapping reads from `from`, in name order. */
export async function selectSourceFiles(mapping: Mapping, from: string, allowedRoots?: readonly string[]): Promise<SourceFile[]> {
  let info;
  try {
    info = await stat(from);
  } catch {
    throw new MappingSourceError(`source ${from} does not exist`);
  }
  let files: SourceFile[];
  if (info.isFile()) {
    files = [{ name: basename(from), path: from }];
  } else {
    const patterns = mapping.source.files.map(globToRegex);
    const entries = await readdir(from, { withFileTypes: true });
    files = entries
      .filter((e) => (e.isFile() || e.isSymbolicLink()) && patterns.some((p) => p.test(e.name)))
      .map((e) => ({ name: e.name, path: join(from, e.name) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (files.length === 0) {
      throw new MappingSourceError(`source ${from} holds no file the mapping ${mapping.name} reads (source.files: ${mapping.source.files.join(', ')})`);
    }
  }
  if (allowedRoots) {
    const roots = await realRoots(allowedRoots);
    for (const file of files) {
      const real = await realpath(file.path).catch(() => undefined);
      if (real === undefined || !roots.some((root) => isInsideRoot(root, real))) {
        throw new MappingSourceError(`source file ${file.name} leads outside the allowed folders; copy it into the folder instead of linking it`);
      }
      file.path = real;
    }
  }
  return files;
}


/** A file-name glob (`*`, `?`) as a regular expression over the whole name. */
export function globToRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('')}$`);
}
