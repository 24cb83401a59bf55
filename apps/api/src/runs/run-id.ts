import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { RUN_ID_PATTERN } from '@ecom/contracts';

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
