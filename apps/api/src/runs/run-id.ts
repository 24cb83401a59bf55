import { randomBytes } from 'node:crypto';
import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { RUN_ID_PATTERN } from '@ecom/contracts';

/**
 * `20261127-101500-a1b2c3`: UTC time first so ids sort by creation, a random suffix so two runs
 * started in the same second do not collide.
 */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Refuses a malformed run id before it reaches a query. */
@Injectable()
export class RunIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!RUN_ID_PATTERN.test(value)) {
      throw new BadRequestException(`run id "${value}" is not valid: use 1-64 letters, digits, _ or -`);
    }
    return value;
  }
}
