import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@ecom/config';
import { prepare } from '@ecom/pipeline';

/** Every process `npm start` runs; each is also its own docker-compose service. */
export const APPS = ['api', 'generator', 'ingestor', 'validator', 'transformer', 'warehouse-loader', 'analytics'] as const;

function prefixLines(name: string, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) out.write(`[${name.padEnd(16)}] ${line}\n`);
  });
  stream.on('end', () => {
    if (buffered) out.write(`[${name.padEnd(16)}] ${buffered}\n`);
  });
}

/**
 * `npm start`: migrates once, then runs the api and the six workers as child processes with
 * prefixed output. Ctrl-C (or SIGTERM) stops them all and waits for their graceful shutdown.
 * If one dies, the rest are stopped too: a pipeline missing a stage would silently stall.
 */
async function main(): Promise<void> {
  const config = await prepare('start');
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  let exitCode = 0;

  const stopAll = (reason: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\nstopping all (${reason})...\n`);
    for (const child of children.values()) child.kill('SIGTERM');
    setTimeout(() => {
      for (const child of children.values()) child.kill('SIGKILL');
    }, 15000).unref();
  };

  // The children write into pipes, so they cannot see the terminal themselves: pass on whether
  // a person is reading, or every line arrives as JSON.
  const childEnv = { ...process.env, LOG_FORMAT: process.env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json') };
  for (const app of APPS) {
    const child = spawn(process.execPath, [join(repoRoot(), 'dist', 'apps', app, 'src', 'main.js')], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(app, child);
    prefixLines(app, child.stdout!, process.stdout);
    prefixLines(app, child.stderr!, process.stderr);
    child.on('exit', (code, signal) => {
      children.delete(app);
      if (!stopping) {
        exitCode = 1;
        stopAll(`${app} exited with ${signal ?? code}`);
      }
      if (children.size === 0) {
        process.stdout.write('all stopped\n');
        process.exit(exitCode);
      }
    });
  }
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  process.stdout.write(
    `started ${APPS.length} processes; API on http://127.0.0.1:${config.port} (Bull Board at /admin/queues). Ctrl-C stops all.\n`,
  );
}

void main().catch((error: Error) => {
  process.stderr.write(`start: ${error.message}\n`);
  process.exit(1);
});
