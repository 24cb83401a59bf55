import { ApiProperty, DECORATORS, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import { DATE_MAX, DATE_MIN } from '@ecom/contracts';

type Derived = Record<string, unknown>;

/**
 * What each class-validator decorator the api's DTOs use says in OpenAPI terms. A DTO using a
 * validator missing here makes building the document throw, so the document cannot quietly say
 * less than the validation does.
 */
const VALIDATORS: Record<string, (constraints: unknown[]) => Derived> = {
  isOptional: () => ({ required: false }),
  isInt: () => ({ type: 'integer' }),
  isNumber: () => ({ type: 'number' }),
  isString: () => ({ type: 'string' }),
  isBoolean: () => ({ type: 'boolean' }),
  isIn: ([values]) => {
    const list = [...(values as unknown[])];
    return { type: list.every((v) => typeof v === 'number') ? 'number' : 'string', enum: list };
  },
  min: ([value]) => ({ minimum: value }),
  max: ([value]) => ({ maximum: value }),
  minLength: ([value]) => ({ type: 'string', minLength: value }),
  maxLength: ([value]) => ({ type: 'string', maxLength: value }),
  isLength: ([min, max]) => ({ type: 'string', minLength: min, ...(max === undefined ? {} : { maxLength: max }) }),
  matches: ([pattern]) => ({ type: 'string', pattern: (pattern as RegExp).source }),
  isApiDate: () => ({ type: 'string', format: 'date', description: `A calendar date YYYY-MM-DD between ${DATE_MIN} and ${DATE_MAX}.` }),
  isCronPattern: () => ({ type: 'string', description: 'A cron pattern, UTC: five fields (minute hour day-of-month month day-of-week).' }),
};

function validationsOf(type: abstract new (...args: never[]) => unknown): ValidationMetadata[] {
  return getMetadataStorage().getTargetValidationMetadatas(type, '', true, false);
}

export function hasValidators(type: unknown): type is new () => object {
  return typeof type === 'function' && validationsOf(type as new () => object).length > 0;
}

/**
 * Describes a DTO's properties (swagger's @ApiProperty metadata) from the class-validator
 * decorators the ValidationPipe enforces: type, enum, bounds, pattern, required, and the default
 * the class initialises. An explicit @ApiProperty adds the words (description, example); where
 * both say the same thing, the validator wins, because it is what the endpoint does. Once per
 * class (a second app in the same process finds it done).
 */
const described = new WeakSet<object>();

export function describeFromValidators(type: new () => object): void {
  if (described.has(type)) return;
  described.add(type);
  const byProperty = new Map<string, Derived>();
  for (const meta of validationsOf(type)) {
    const map = VALIDATORS[meta.name ?? ''];
    if (!map) {
      throw new Error(`openapi: no mapping for validator ${meta.name ?? meta.type} on ${type.name}.${meta.propertyName}; add it to VALIDATORS`);
    }
    const derived = map(meta.constraints ?? []);
    byProperty.set(meta.propertyName, { required: true, ...byProperty.get(meta.propertyName), ...derived });
  }
  const defaults = new type() as Record<string, unknown>;
  for (const [property, derived] of byProperty) {
    if (defaults[property] !== undefined) derived.default = defaults[property];
    const explicit = (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, type.prototype, property) ?? {}) as Derived;
    const description = [explicit.description, derived.description].filter(Boolean).join(' ') || undefined;
    const merged = { ...explicit, ...derived, ...(description ? { description } : {}) };
    ApiProperty(merged as ApiPropertyOptions)(type.prototype, property);
  }
}
