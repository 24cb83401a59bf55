import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '@ecom/testing';
import { EmbeddedPostgres, embeddedServerPid } from '../../tools/embedded-postgres';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The embedded PostgreSQL npm start runs: a real server in a temporary data directory. */
describe('embedded PostgreSQL', () => {
  let root: string;
  let dataDir: string;
  let port: number;
  const lines: string[] = [];
  const servers: EmbeddedPostgres[] = [];
  const embedded = () => {
    const server = new EmbeddedPostgres({ dataDir, port, database: 'postgres', log: (line) => lines.push(line) });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    // Under /tmp (mode 1777): as root the server runs as `postgres`, which must reach the directory.
    root = mkdtempSync(join(tmpdir(), 'ecom-embedded-spec-'));
    chmodSync(root, 0o755);
    dataDir = join(root, 'pg');
    port = await freePort();
  });

  afterAll(async () => {
    for (const server of servers) await server.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  it('initialises a data directory on first start and listens on 127.0.0.1 only, with the password, and room for the apps', async () => {
    const server = embedded();
    const started = await server.start();
    expect(started).toMatchObject({ initialised: true, reused: false });
    expect(started.url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/postgres$`));
    const [settings] = await query<Record<string, string>>(
      started.url,
      `SELECT current_setting('server_version_num') AS version, current_setting('listen_addresses') AS listen,
              current_setting('unix_socket_directories') AS sockets, current_setting('max_connections') AS max_connections,
              current_setting('server_encoding') AS encoding`,
    );
    expect(Number(settings.version)).toBeGreaterThanOrEqual(180000);
    expect(settings).toMatchObject({ listen: '127.0.0.1', sockets: dataDir, max_connections: '200', encoding: 'UTF8' });
    // Over TCP the password is needed.
    await expect(query(`postgres://postgres@127.0.0.1:${port}/postgres`, 'SELECT 1')).rejects.toThrow(/password/);
    await query(started.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)');
    await server.stop();
    expect(embeddedServerPid(dataDir)).toBeUndefined();
  });

  it('starts again on the same data without initdb', async () => {
    const server = embedded();
    const started = await server.start();
    expect(started).toMatchObject({ initialised: false, reused: false });
    expect(await query(started.url, 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
  });

  it('takes over the server a killed launcher left running, and refuses while that launcher still lives', async () => {
    const running = embeddedServerPid(dataDir);
    expect(running).toBeDefined();
    // A live `npm start` owning the data directory: a second one must not take its server.
    const other: ChildProcess = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'dist/tools/start.js'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dataDir, 'ecom-owner.json'), JSON.stringify({ pid: other.pid }));
      await expect(embedded().start()).rejects.toThrow(`another npm start (pid ${other.pid}) runs the embedded PostgreSQL in ${dataDir}: stop it first`);
    } finally {
      other.kill('SIGKILL');
      await new Promise((resolve) => other.once('exit', resolve));
    }
    // Now the owner is dead (kill -9): its server is reused, not started twice.
    lines.length = 0;
    const started = await embedded().start();
    expect(started).toMatchObject({ initialised: false, reused: true });
    expect(embeddedServerPid(dataDir)).toBe(running);
    expect(lines).toEqual([`reusing the embedded PostgreSQL (pid ${running}) left running from ${dataDir}`]);
    expect(JSON.parse(readFileSync(join(dataDir, 'ecom-owner.json'), 'utf8'))).toEqual({ pid: process.pid });
  });

  it('starts over a stale postmaster.pid (the server died with the machine)', async () => {
    const server = embedded();
    await server.start();
    await server.stop();
    // A pid that is not running, as after a reboot.
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.once('exit', resolve));
    writeFileSync(join(dataDir, 'postmaster.pid'), `${dead.pid}\n${dataDir}\n0\n${port}\n${dataDir}\n127.0.0.1\n0 0\nready\n`);
    const started = await embedded().start();
    expect(started).toMatchObject({ initialised: false, reused: false });
    expect(await query(started.url, 'SELECT id FROM kept')).toEqual([{ id: 42 }]);
  });

  it('refuses a data directory it did not make, with what to do', async () => {
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(new EmbeddedPostgres({ dataDir: other, port, database: 'postgres', log: () => undefined }).start()).rejects.toThrow(
      `${other} is not empty and not a PostgreSQL data directory (no PG_VERSION): move it away, or set EMBEDDED_DATA_DIR`,
    );
    writeFileSync(join(other, 'PG_VERSION'), '16\n');
    await expect(new EmbeddedPostgres({ dataDir: other, port, database: 'postgres', log: () => undefined }).start()).rejects.toThrow(
      `${other} holds PostgreSQL 16 data and the embedded server is PostgreSQL 18`,
    );
    // Nothing of ours was written into it.
    expect(readdirSync(other).sort()).toEqual(['PG_VERSION', 'notes.txt']);
  });
});
