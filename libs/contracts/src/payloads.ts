import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Min, validateSync } from 'class-validator';
import { ENTITIES, type Entity } from './csv-columns';

/** A run id: what job payloads, the REST api and the CLI accept (generated ids: newRunId in the api). */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A job about a whole run at one stage (validate, transform, warehouse, analytics, and plan jobs). */
export class RunJobPayload {
  @IsString()
  @Matches(RUN_ID_PATTERN, { message: 'runId must be 1-64 letters, digits, _ or -' })
  runId!: string;
}

/** One part of the generator's fan-out: a slice of one entity's rows. */
export class GeneratePartPayload extends RunJobPayload {
  @IsIn(ENTITIES)
  entity!: Entity;

  @IsInt()
  @Min(0)
  part!: number;
}

/** One input file (or file part) for the ingestor to land in staging. */
export class IngestPartPayload extends RunJobPayload {
  @IsIn(ENTITIES)
  entity!: Entity;

  @IsString()
  @IsNotEmpty()
  sourceFile!: string;

  @IsString()
  @IsNotEmpty()
  path!: string;
}

export class InvalidPayloadError extends Error {
  override name = 'InvalidPayloadError';
}

/** Validates a job's data against its payload class; a malformed job fails once, without retries. */
export function parsePayload<T extends object>(cls: new () => T, data: unknown, where: string): T {
  const instance = plainToInstance(cls, data ?? {});
  const errors = validateSync(instance as object, { whitelist: true, forbidNonWhitelisted: false });
  if (errors.length > 0) {
    const detail = errors
      .map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`)
      .join('; ');
    throw new InvalidPayloadError(`invalid ${cls.name} in ${where}: ${detail}`);
  }
  return instance;
}
