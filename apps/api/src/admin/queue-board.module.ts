import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { QUEUES, STAGES } from '@ecom/contracts';
import type { NextFunction, Request, Response } from 'express';
import { requireApiKey } from '../auth/api-key.middleware';
import { rejectNulInRequest } from '../http/request-edge';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/** The key first (a refusal says nothing else), then the input checks Nest's pipes make elsewhere. */
function boardEdge(apiKey: string | undefined) {
  const keyCheck = requireApiKey(apiKey);
  return (request: Request, response: Response, next: NextFunction): void =>
    keyCheck(request, response, (error?: unknown) => (error ? next(error) : rejectNulInRequest(request, response, next)));
}

/** Bull Board over every stage queue, behind the API key when one is configured. */
@Module({})
export class QueueBoardModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: QueueBoardModule,
      imports: [
        BullBoardModule.forRoot({ route: QUEUE_BOARD_ROUTE, adapter: ExpressAdapter, middleware: boardEdge(config.apiKey) }),
        BullBoardModule.forFeature(...STAGES.map((stage) => ({ name: QUEUES[stage], adapter: BullMQAdapter }))),
      ],
    };
  }
}
