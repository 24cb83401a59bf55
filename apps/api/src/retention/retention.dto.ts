import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/** Body of POST /retention/run. */
export class RunRetentionRequest {
  /** true: only list what would go. */
  @ApiPropertyOptional({ description: 'true: only list what would go; delete nothing.' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
