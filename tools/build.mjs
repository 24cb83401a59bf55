#!/usr/bin/env node
// The build behind `npm run build` and every command that runs compiled code (start, pipeline,
// generate, bench). Transpile-only and incremental: type checking is `npm run typecheck`.
//
// - Server code: every file tsconfig.build.json includes is transpiled by @swc/core, one file at a
//   time, with the options jest uses (jest.preset.js: legacy decorators with metadata, CommonJS),
//   the tsconfig `paths` aliases (@ecom/*) rewritten to relative requires, and a source map. The
//   layout is tsc's: dist/<path of the source>.js.
// - The dashboard's browser bundle (dist/dashboard-web/dashboard.js), from its own project
//   apps/dashboard-web (`nx run dashboard-web:build` runs `--dashboard`), is built by esbuild.
//
// dist/.build-manifest.json records each source's mtime and size (and each bundle input's), so a
// build transpiles only changed or added files, deletes the outputs of deleted sources, and does
// nothing at all when nothing changed. A change of this script, the tsconfig files or the
// compiler version rebuilds everything. `--clean` deletes dist first (a full build from nothing);
// `--dashboard` builds only the browser bundle (what the api and e2e tests need).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const MANIFEST = join(DIST, '.build-manifest.json');
const MANIFEST_VERSION = 1;

const DASHBOARD = {
  entry: 'apps/dashboard-web/src/main.ts',
  outdir: 'dist/dashboard-web',
  // tsconfig files esbuild reads for the bundle's sources.
  tsconfigs: ['apps/dashboard-web/tsconfig.json', 'tsconfig.json', 'tsconfig.base.json'],
};

const args = new Set(process.argv.slice(2));
for (const arg of args) {
  if (!['--clean', '--dashboard', '--verbose'].includes(arg)) {
    process.stderr.write(`build: unknown option ${arg}\nusage: node tools/build.mjs [--clean] [--dashboard] [--verbose]\n`);
    process.exit(2);
  }
}
const verbose = args.has('--verbose');

const toPosix = (p) => p.split(sep).join('/');
/** JSON with the comments and trailing commas tsconfig files may have. */
function parseJsonc(text) {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2);
      if (i < 0) break;
      i++;
    } else if (c === '}' || c === ']') {
      out = out.replace(/,\s*$/, '') + c;
    } else {
      out += c;
    }
  }
  return JSON.parse(out);
}
const readJson = (file) => {
  try {
    return parseJsonc(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${relative(ROOT, file)}: ${error.message}`);
  }
};
const hash = (...parts) => createHash('sha256').update(parts.join('\0')).digest('hex');
const fileText = (rel) => (existsSync(join(ROOT, rel)) ? readFileSync(join(ROOT, rel), 'utf8') : '');
const packageVersion = (name) => readJson(join(ROOT, 'node_modules', name, 'package.json')).version;
const statOf = (file) => {
  try {
    const s = statSync(file);
    return { m: s.mtimeMs, s: s.size };
  } catch {
    return undefined;
  }
};
const sameStat = (a, b) => a !== undefined && b !== undefined && a.m === b.m && a.s === b.s;

/** Writes through a temporary file and a rename, so a process reading it never sees half a file. */
function writeAtomic(file, content) {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content);
  renameSync(tmp, file);
}

function removeOutput(file) {
  rmSync(file, { force: true });
  // Drop directories the removal left empty, up to dist/.
  for (let dir = dirname(file); dir.startsWith(DIST + sep); dir = dirname(dir)) {
    try {
      rmdirSync(dir);
    } catch {
      break;
    }
  }
}

function loadManifest() {
  if (!existsSync(MANIFEST)) return {};
  try {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    return manifest.version === MANIFEST_VERSION ? manifest : {};
  } catch {
    return {};
  }
}

/** tsconfig-style glob (`*`, `**`) to a RegExp over repository-relative posix paths. */
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        i++;
        re += '(?:[^/]+/)*';
      } else {
        re += '.*';
      }
    } else if (c === '*') {
      re += '[^/]*';
    } else if (c === '?') {
      re += '[^/]';
    } else {
      re += c.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** The sources tsconfig.build.json includes, as repository-relative posix paths. */
function listSources(include, exclude) {
  const includes = include.map(globToRegExp);
  const excludes = exclude.map(globToRegExp);
  const found = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (rel.endsWith('.ts') && !rel.endsWith('.d.ts') && includes.some((r) => r.test(rel)) && !excludes.some((r) => r.test(rel))) {
        found.add(rel);
      }
    }
  };
  // Walk only from each pattern's leading directories without a wildcard (apps/, libs/, tools/).
  const fixedPrefix = (glob) => {
    const fixed = [];
    for (const part of glob.split('/').slice(0, -1)) {
      if (/[*?]/.test(part)) break;
      fixed.push(part);
    }
    return fixed.join('/');
  };
  for (const start of new Set(include.map(fixedPrefix))) if (existsSync(join(ROOT, start))) walk(start);
  return [...found].sort();
}

async function buildServer(manifest) {
  const buildConfig = readJson(join(ROOT, 'tsconfig.build.json'));
  const baseConfig = buildConfig.extends ? readJson(join(ROOT, buildConfig.extends)) : {};
  const options = { ...baseConfig.compilerOptions, ...buildConfig.compilerOptions };
  const outDir = resolve(ROOT, options.outDir ?? 'dist');
  const rootDir = resolve(ROOT, options.rootDir ?? '.');
  // A full build deletes the output's top folders (dist/apps, ...): never let that be the sources.
  if (!outDir.startsWith(ROOT + sep)) throw new Error(`outDir must be a folder inside the repository, not ${outDir}`);
  const config = hash(
    fileText('tools/build.mjs'),
    fileText('tsconfig.base.json'),
    fileText('tsconfig.build.json'),
    packageVersion('@swc/core'),
  );

  const sources = listSources(buildConfig.include ?? [], buildConfig.exclude ?? []);
  const outputOf = (src) => join(outDir, relative(rootDir, join(ROOT, src))).replace(/\.ts$/, '.js');
  const previous = manifest.server?.config === config ? manifest.server.files : undefined;
  if (!previous) {
    // Full build: nothing emitted before (by this script or by tsc) is trusted.
    for (const top of new Set(sources.map((src) => relative(outDir, outputOf(src)).split(sep)[0]))) {
      rmSync(join(outDir, top), { recursive: true, force: true });
    }
    rmSync(join(outDir, '.tsbuildinfo'), { force: true });
  }
  const files = {};
  const stale = [];
  for (const src of sources) {
    const stat = statOf(join(ROOT, src));
    if (previous && sameStat(previous[src], stat) && existsSync(outputOf(src))) files[src] = previous[src];
    else stale.push({ src, stat });
  }
  const removed = Object.keys(previous ?? {}).filter((src) => !files[src] && !sources.includes(src));
  for (const src of removed) {
    const out = outputOf(src);
    rmSync(`${out}.map`, { force: true });
    removeOutput(out);
  }

  const failures = [];
  if (stale.length > 0) {
    const swc = (await import('@swc/core')).default;
    const swcOptions = {
      swcrc: false,
      configFile: false,
      sourceMaps: options.sourceMap !== false,
      module: { type: 'commonjs' },
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: String(options.target ?? 'es2022').toLowerCase(),
        baseUrl: resolve(ROOT, options.baseUrl ?? '.'),
        paths: options.paths ?? {},
      },
    };
    await Promise.all(
      stale.map(async ({ src, stat }) => {
        const abs = join(ROOT, src);
        const out = outputOf(src);
        try {
          const result = await swc.transform(readFileSync(abs, 'utf8'), {
            ...swcOptions,
            filename: abs,
            sourceFileName: toPosix(relative(dirname(out), abs)),
          });
          const unresolved = /require\("(@ecom\/[^"]+)"\)/.exec(result.code);
          if (unresolved) throw new Error(`${unresolved[1]} was not rewritten to a relative path (tsconfig paths)`);
          if (result.map) {
            const map = JSON.parse(result.map);
            map.file = basename(out);
            writeAtomic(`${out}.map`, JSON.stringify(map));
            writeAtomic(out, `${result.code}\n//# sourceMappingURL=${basename(out)}.map\n`);
          } else {
            writeAtomic(out, `${result.code}\n`);
          }
          files[src] = stat;
        } catch (error) {
          // swc's message is the code frame, then a Rust backtrace that says nothing more.
          failures.push(`${src}:\n${String(error.message ?? error).split('\n\nCaused by:')[0]}`);
        }
      }),
    );
  }
  manifest.server = { config, files };
  return { built: stale.map((s) => s.src).filter((src) => files[src]), removed, failures, full: !previous };
}

async function buildDashboard(manifest) {
  const config = hash(fileText('tools/build.mjs'), ...DASHBOARD.tsconfigs.map(fileText), packageVersion('esbuild'));
  const previous = manifest.dashboard;
  if (
    previous?.config === config &&
    previous.outputs.every((out) => existsSync(join(ROOT, out))) &&
    Object.entries(previous.inputs).every(([input, stat]) => sameStat(stat, statOf(join(ROOT, input))))
  ) {
    return false;
  }
  const esbuild = (await import('esbuild')).default;
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [DASHBOARD.entry],
    bundle: true,
    minify: true,
    sourcemap: true,
    target: 'es2020',
    logLevel: 'warning',
    outdir: DASHBOARD.outdir,
    entryNames: 'dashboard',
    metafile: true,
    // Written here instead, each through a rename: test suites run this in parallel and serve the
    // bundle, so none may read half a file.
    write: false,
  });
  for (const output of result.outputFiles) writeAtomic(output.path, output.contents);
  // The inputs' stats are taken after the build, so an edit during it may go unseen: rare, and
  // the next edit of that file rebuilds.
  const inputs = {};
  for (const input of Object.keys(result.metafile.inputs)) inputs[input] = statOf(join(ROOT, input));
  manifest.dashboard = { config, inputs, outputs: Object.keys(result.metafile.outputs) };
  return true;
}

async function main() {
  const started = process.hrtime.bigint();
  if (args.has('--clean')) rmSync(DIST, { recursive: true, force: true });
  const manifest = { ...loadManifest(), version: MANIFEST_VERSION };
  const before = JSON.stringify(manifest);
  let dashboardBuilt = false;
  let server;
  try {
    // Both at once: esbuild and swc each use threads of their own.
    const [dashboard, serverResult] = await Promise.allSettled([
      buildDashboard(manifest),
      args.has('--dashboard') ? undefined : buildServer(manifest),
    ]);
    if (dashboard.status === 'rejected') throw dashboard.reason;
    if (serverResult.status === 'rejected') throw serverResult.reason;
    dashboardBuilt = dashboard.value;
    server = serverResult.value;
  } finally {
    if (JSON.stringify(manifest) !== before) writeAtomic(MANIFEST, JSON.stringify(manifest));
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const done = [];
  if (server && (server.built.length > 0 || server.removed.length > 0)) {
    const names = server.built.length <= 5 || verbose ? ` (${server.built.join(', ')})` : '';
    if (server.built.length > 0) done.push(`${server.full ? 'full build, ' : ''}${server.built.length} file(s) transpiled${names}`);
    if (server.removed.length > 0) done.push(`${server.removed.length} removed (${server.removed.join(', ')})`);
  }
  if (dashboardBuilt) done.push('dashboard bundle rebuilt');
  if (done.length > 0 || verbose) process.stderr.write(`build: ${done.join('; ') || 'up to date'} in ${Math.round(ms)} ms\n`);
  if (server?.failures.length) {
    process.stderr.write(`build failed:\n${server.failures.join('\n')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  // esbuild has printed its errors already; its exception only says how many there were.
  process.stderr.write(`build failed: ${(verbose ? error.stack : error.message) ?? error}\n`);
  process.exit(1);
});
