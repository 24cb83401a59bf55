import { lstat, readlink, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

const outsideProblem = (name: string) => `${name} leads outside the allowed folders through a symbolic link`;

/** Whether `candidate` is `root` or below it (both absolute, compared as given). */
export function isInsideRoot(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The roots' real paths; a root that does not exist (yet) holds nothing and is left out. */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  const resolved = await Promise.all(roots.map((root) => realpath(root).catch(() => undefined)));
  return resolved.filter((root): root is string => root !== undefined);
}

export interface ResolvedInputFile {
  name: string;
  /** The file's real path: no symbolic link left in it, inside one of the roots. */
  path: string;
}

export interface InputFileResolution {
  files: ResolvedInputFile[];
  /** One line per file refused, naming it but never where its link points. */
  problems: string[];
}

/**
 * Resolves files of an input folder to their real paths and keeps only those inside a root.
 * realpath and lstat read directory entries and links, never the file: a link to /etc/passwd or
 * to a FIFO elsewhere is refused without being opened. The target of a refused link is not
 * named, so the answer tells a caller nothing about the server's files outside the roots.
 */
export async function resolveInputFiles(dir: string, names: readonly string[], roots: readonly string[]): Promise<InputFileResolution> {
  const files: ResolvedInputFile[] = [];
  const problems: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    let real: string;
    try {
      real = await realpath(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const target = await lstat(path).then((s) => (s.isSymbolicLink() ? readlink(path) : undefined), () => undefined);
      // A dangling link out of the roots gets the same answer as a live one, or the message
      // would tell whether a file exists outside them.
      if (target !== undefined && !roots.some((root) => isInsideRoot(root, resolve(dir, target)))) problems.push(outsideProblem(name));
      else problems.push(target !== undefined ? `${name} is a symbolic link to nothing (${code})` : `${name} cannot be resolved (${code})`);
      continue;
    }
    if (!roots.some((root) => isInsideRoot(root, real))) {
      problems.push(outsideProblem(name));
      continue;
    }
    files.push({ name, path: real });
  }
  return { files, problems };
}


/** Roots sorted longest first, so the innermost root that holds a path is the one it is shown under. */
function innermostFirst(roots: readonly string[]): string[] {
  return [...new Set(roots)].filter((root) => isAbsolute(root)).sort((a, b) => b.length - a.length);
}

/**
 * A server path as a caller may see it: relative to the innermost root that holds it (pass the
 * roots' real paths too, for paths stored after realpath), or only its last component when no
 * root does. Run reports use it so that they never show where the server keeps its files.
 */
export function pathForDisplay(path: string, roots: readonly string[]): string {
  if (!path || !isAbsolute(path)) return path;
  const holder = innermostFirst(roots).find((root) => isInsideRoot(root, path));
  if (holder !== undefined) return relative(holder, path) || '.';
  return path.split(sep).filter(Boolean).pop() ?? '.';
}

/** `text` (a stored error message) with every path under one of the roots shown relative to it. */
export function pathsForDisplayIn(text: string, roots: readonly string[]): string {
  let shown = text;
  for (const root of innermostFirst(roots)) shown = shown.split(`${root}${sep}`).join('');
  return shown;
}
