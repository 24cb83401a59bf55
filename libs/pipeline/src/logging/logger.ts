import { AsyncLocalStorage } from 'node:async_hooks';
import type { LoggerService } from '@nestjs/common';
import { pino, stdTimeFunctions, type DestinationStream, type Level, type Logger as Pino } from 'pino';
import pretty from 'pino-pretty';
import { redactSecrets, type AppConfig } from '@ecom/config';

/** What every log line written while a job is in hand carries. */
export interface JobLogContext {
  runId?: string;
  stage: string;
  jobId?: string;
}

const jobContext = new AsyncLocalStorage<JobLogContext>();

/**
 * Runs `work` with `context` attached to every log line it writes, however deep (the runtime,
 * services, repositories), without passing a logger around.
 */
export function withJobLogContext<T>(context: JobLogContext, work: () => Promise<T>): Promise<T> {
  return jobContext.run(context, work);
}

/** A log field with every string in it redacted (objects and arrays copied, a few levels deep). */
function redactFields(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (depth > 6 || value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item) => redactFields(item, depth + 1));
  // An Error's message and stack are not enumerable: the err serializer below takes care of them.
  if (value instanceof Error) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactFields(item, depth + 1)]));
}

/**
 * Secrets never reach a log line: the message, every field and a logged error's message and
 * stack go through redactSecrets (URL passwords, password=/apiKey: pairs, and every secret the
 * configuration holds), whatever code wrote the line (a library's error echoing its URL included).
 */
const redactingOptions = {
  hooks: {
    logMethod(this: Pino, args: Parameters<Pino['info']>, method: (...args: unknown[]) => void) {
      method.apply(this, args.map((arg: unknown) => redactFields(arg)));
    },
  },
  serializers: { err: (error: Error) => redactFields(pino.stdSerializers.err(error)) },
};

export interface AppLoggerOptions {
  /** Written on every line as `app`. */
  app?: string;
  /** Where lines go (tests); stdout otherwise. */
  destination?: DestinationStream;
}

/**
 * The process's pino logger: JSON lines (level as a word, ISO time, app, and runId / stage /
 * jobId while a job is in hand), or pino-pretty's readable lines when logFormat asks for them
 * or is `auto` on a terminal.
 */
export function createPinoLogger(config: AppConfig, options: AppLoggerOptions = {}): Pino {
  const readable = !options.destination && (config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true));
  const base = options.app ? { app: options.app, pid: process.pid } : { pid: process.pid };
  const mixin = () => ({ ...jobContext.getStore() });
  if (readable) {
    const stream = pretty({ sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
    return pino({ level: config.logLevel, base, mixin, ...redactingOptions }, stream);
  }
  return pino(
    {
      level: config.logLevel,
      base,
      mixin,
      ...redactingOptions,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}

/**
 * Nest's LoggerService over pino, so Nest's own messages and every `new Logger(name)` of the apps
 * come out as the same structured lines. Nest appends the logger's name as the last argument;
 * it becomes `context`. Errors keep their stack under `err`.
 */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const rest = [...params];
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    // Nest's error(message, stack, context): the stack is the remaining string.
    const stack = level === 'error' || level === 'fatal' ? rest.find((p): p is string => typeof p === 'string') : undefined;
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (message !== null && typeof message === 'object') {
      this.pino[level]({ ...fields, ...(message as object) });
    } else {
      this.pino[level](stack ? { ...fields, err: { stack } } : fields, String(message));
    }
  }
}

/** The Nest logger of an app: pino lines as described at createPinoLogger. */
export function createAppLogger(config: AppConfig, options: AppLoggerOptions = {}): PinoNestLogger {
  return new PinoNestLogger(createPinoLogger(config, options));
}
