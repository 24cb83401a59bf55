import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBody, ApiExtraModels, ApiParam, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { RUN_ID_PATTERN } from '@ecom/contracts';
import { ref } from './schema';

/**
 * The run id every example names. The contract spec creates a run with this id, so the examples
 * of the run routes are sent as they are written here.
 */
export const EXAMPLE_RUN_ID = '20261201-020000-a1b2c3';

/** A source folder every checkout has, inside the default SOURCE_ROOTS (tests/fixtures). */
export const EXAMPLE_SOURCE = 'tests/fixtures/bad-input/01-clean-batch';

export type BodyExamples = Record<string, { summary: string; value: object }>;

/**
 * A JSON body of `type` (its schema comes from the DTO's validators) and examples a caller can
 * send as they are. `optional`: a request without a body is valid too (the contract spec sends
 * one without, and one without a required body must be a 400).
 */
export function JsonBody(type: Type<unknown>, examples: BodyExamples, options: { description?: string; optional?: boolean } = {}): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(type),
    ApiBody({ schema: { $ref: getSchemaPath(type) }, examples, description: options.description, required: !options.optional }),
  );
}

/** A JSON answer of the named response schema (response-schemas.ts). */
export const Returns = (status: number, schema: string, description: string): MethodDecorator =>
  ApiResponse({ status, description, content: { 'application/json': { schema: ref(schema) } } });

/** An answer in another media type than JSON (CSV, HTML, Prometheus text). */
export const ReturnsText = (status: number, description: string, ...types: string[]): MethodDecorator =>
  ApiResponse({ status, description, content: Object.fromEntries(types.map((type) => [type, { schema: { type: 'string' } }])) });

/** A JSON answer that is JSON or CSV by `?format=`. */
export const ReturnsJsonOrCsv = (schema: string, description: string): MethodDecorator =>
  ApiResponse({
    status: 200,
    description,
    content: { 'application/json': { schema: ref(schema) }, 'text/csv': { schema: { type: 'string', description: 'With ?format=csv: RFC 4180, header line first.' } } },
  });

/** An error answer (Nest's shape: statusCode, message, error). */
export const Fails = (status: number, description: string, schema = 'Error'): MethodDecorator =>
  ApiResponse({ status, description, content: { 'application/json': { schema: ref(schema) } } });

export const RunIdParam = (name = 'id'): MethodDecorator =>
  ApiParam({ name, description: 'Run id: 1-64 letters, digits, _ or -.', schema: { type: 'string', pattern: RUN_ID_PATTERN.source, example: EXAMPLE_RUN_ID } });

export const OneOfParam = (name: string, values: readonly string[], description: string, example: string): MethodDecorator =>
  ApiParam({ name, description, schema: { type: 'string', enum: [...values], example } });
