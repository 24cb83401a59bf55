import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cachedRoot: string | undefined;

/**
 * The repository root, found from this file's location so that compiled code in dist/ and
 * sources under jest both find config/ and sql/ whatever the working directory is.
 */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const name = (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
      if (name === 'ecom-pipeline') {
        cachedRoot = dir;
        return dir;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ecom-pipeline root above ${__dirname}`);
    dir = parent;
  }
}

export function sqlDir(): string {
  return join(repoRoot(), 'sql');
}
