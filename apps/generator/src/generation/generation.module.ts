import { Module } from '@nestjs/common';
import { GenerateProcessor } from './generate.processor';
import { GenerationService } from './generation.service';

@Module({ providers: [GenerationService, GenerateProcessor] })
export class GenerationModule {}
