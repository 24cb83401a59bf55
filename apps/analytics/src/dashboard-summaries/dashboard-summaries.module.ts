import { Module } from '@nestjs/common';
import { DashboardSummariesRepository } from './dashboard-summaries.repository';

/** The dashboard's summaries (sql/migrations/0009, 0013), refreshed by every analytics stage. */
@Module({
  providers: [DashboardSummariesRepository],
  exports: [DashboardSummariesRepository],
})
export class DashboardSummariesModule {}
