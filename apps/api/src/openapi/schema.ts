import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

export type Schema = SchemaObject | ReferenceObject;

/** A property the interface marks optional (`key?:`): left out of `required`. */
export interface OptionalProperty {
  readonly optionalSchema: Schema;
}

export const optional = (schema: Schema): OptionalProperty => ({ optionalSchema: schema });

/**
 * One schema per property of T: the compiler refuses a missing or unknown property, and a
 * required one wrapped in optional() or an optional one not wrapped, so a response schema cannot
 * drift from the interface the handler returns (the types of the values are checked by the
 * contract spec, against real answers).
 */
export type PropertiesOf<T> = { [K in keyof T]-?: object extends Pick<T, K> ? OptionalProperty : Schema };

const isOptional = (value: Schema | OptionalProperty): value is OptionalProperty => 'optionalSchema' in value;

/** A closed object schema for T: an undocumented field in an answer fails the contract spec. */
export function objectOf<T>(properties: PropertiesOf<T>, description?: string): SchemaObject {
  const entries = Object.entries(properties as Record<string, Schema | OptionalProperty>);
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties: Object.fromEntries(entries.map(([key, value]) => [key, isOptional(value) ? value.optionalSchema : value])),
    required: entries.filter(([, value]) => !isOptional(value)).map(([key]) => key),
    additionalProperties: false,
  };
}

export const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });
export const str = (description?: string): SchemaObject => ({ type: 'string', ...(description ? { description } : {}) });
export const int = (description?: string): SchemaObject => ({ type: 'integer', ...(description ? { description } : {}) });
export const num = (description?: string): SchemaObject => ({ type: 'number', ...(description ? { description } : {}) });
export const bool = (description?: string): SchemaObject => ({ type: 'boolean', ...(description ? { description } : {}) });
export const dateTime = (description?: string): SchemaObject => ({ ...str(description), format: 'date-time' });
export const oneOf = (values: readonly (string | number)[], description?: string): SchemaObject => ({
  type: typeof values[0] === 'number' ? 'integer' : 'string',
  enum: [...values],
  ...(description ? { description } : {}),
});
export const arrayOf = (items: Schema, description?: string): SchemaObject => ({ type: 'array', items, ...(description ? { description } : {}) });
/** A free-form object (parameters, details): its keys are not part of the contract. */
export const anyObject = (description?: string): SchemaObject => ({ type: 'object', additionalProperties: true, ...(description ? { description } : {}) });
export const mapOf = (values: Schema, description?: string): SchemaObject => ({ type: 'object', additionalProperties: values, ...(description ? { description } : {}) });

/** OpenAPI 3.0 has no `null` type: a nullable schema carries `nullable: true`. */
export function nullable(schema: Schema): Schema {
  if ('$ref' in schema) return { allOf: [schema], nullable: true } as SchemaObject;
  return { ...schema, nullable: true };
}
