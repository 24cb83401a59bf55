import { Module } from '@nestjs/common';
import { FileLandingService } from './file-landing.service';
import { IngestProcessor } from './ingest.processor';
import { LandingRepository } from './landing.repository';
import { MappedSourceService } from '../mapping/mapped-source.service';

@Module({
  providers: [IngestProcessor, FileLandingService, LandingRepository, MappedSourceService],
  exports: [FileLandingService],
})
export class IngestModule {}
