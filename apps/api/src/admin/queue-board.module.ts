import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { QUEUES, STAGES } from '@ecom/contracts';
import { requireApiKey } from '../auth/api-key.middleware';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/** Bull Board over every stage queue, behind the API key when one is configured. */
@Module({})
export class QueueBoardModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: QueueBoardModule,
      imports: [
        BullBoardModule.forRoot({ route: QUEUE_BOARD_ROUTE, adapter: ExpressAdapter, middleware: requireApiKey(config.apiKey) }),
        BullBoardModule.forFeature(...STAGES.map((stage) => ({ name: QUEUES[stage], adapter: BullMQAdapter }))),
      ],
    };
  }
}
