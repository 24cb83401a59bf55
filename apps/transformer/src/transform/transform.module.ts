import { Module } from '@nestjs/common';
import { ProductionRepository } from './production.repository';
import { TransformProcessor } from './transform.processor';
import { TransformService } from './transform.service';

@Module({
  providers: [ProductionRepository, TransformService, TransformProcessor],
  exports: [TransformService],
})
export class TransformModule {}
