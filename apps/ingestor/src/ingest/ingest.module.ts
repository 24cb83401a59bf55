import { Module } from '@nestjs/common';
import { FileLandingService } from './file-landing.service';
import { IngestProcessor } from './ingest.processor';
import { LandingRepository } from './landing.repository';

@Module({
  providers: [IngestProcessor, FileLandingService, LandingRepository],
  exports: [FileLandingService],
})
export class IngestModule {}
