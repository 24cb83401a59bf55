import { IsBoolean, IsOptional } from 'class-validator';

/** Body of POST /retention/run. */
export class RunRetentionRequest {
  /** true: only list what would go. */
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
