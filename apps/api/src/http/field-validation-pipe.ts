import { ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/**
 * Constraints that say a value is not even of the field's type. When one of them fails, the
 * field's bounds fail too (`"many"` becomes NaN, which is neither >= 1 nor <= the maximum), and
 * "transactions must not be greater than 100000000" would tell the caller something false.
 */
const TYPE_CONSTRAINTS = new Set(['isInt', 'isNumber', 'isString', 'isBoolean', 'isArray', 'isObject', 'isDate', 'isDateString']);

function typeErrorsOnly(error: ValidationError): ValidationError {
  const constraints = error.constraints;
  const typeFailures = constraints ? Object.entries(constraints).filter(([name]) => TYPE_CONSTRAINTS.has(name)) : [];
  return {
    ...error,
    constraints: typeFailures.length > 0 ? Object.fromEntries(typeFailures) : constraints,
    children: error.children?.map(typeErrorsOnly),
  };
}

/** Nest's ValidationPipe, with one message per field: its type error alone when it has one. */
export class FieldValidationPipe extends ValidationPipe {
  protected override flattenValidationErrors(validationErrors: ValidationError[]): string[] {
    return super.flattenValidationErrors(validationErrors.map(typeErrorsOnly));
  }
}
