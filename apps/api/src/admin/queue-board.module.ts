import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@ecom/config';
import { OPS_QUEUES, QUEUES, STAGES } from '@ecom/contracts';
import type { NextFunction, Request, Response } from 'express';
import { requireApiKey } from '../auth/api-key.middleware';
import { rejectNulInRequest } from '../http/request-edge';
import { QueueBoardAdapter } from './queue-board-adapter';

export const QUEUE_BOARD_ROUTE = '/admin/queues';

/** Every queue the board shows: the six stage queues, then the api's operations queues. */
export const BOARD_QUEUES: readonly string[] = [...STAGES.map((stage) => QUEUES[stage]), ...Object.values(OPS_QUEUES)];

/** The key first (a refusal says nothing else), then the input checks Nest's pipes make elsewhere. */
function boardEdge(apiKey: string | undefined) {
  const keyCheck = requireApiKey(apiKey);
  return (request: Request, response: Response, next: NextFunction): void =>
    keyCheck(request, response, (error?: unknown) => (error ? next(error) : rejectNulInRequest(request, response, next)));
}

/**
 * Bull Board over every stage and operations queue, behind the API key when one is configured.
 * Its adapter works on both queue backends (bull-board 9.10 reads PostgreSQL-backed BullMQ 6
 * queues; its server panel shows PostgreSQL's version and connections instead of Redis's INFO).
 */
@Module({})
export class QueueBoardModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: QueueBoardModule,
      imports: [
        BullBoardModule.forRoot({ route: QUEUE_BOARD_ROUTE, adapter: ExpressAdapter, middleware: boardEdge(config.apiKey) }),
        BullBoardModule.forFeature(...BOARD_QUEUES.map((name) => ({ name, adapter: QueueBoardAdapter }))),
      ],
    };
  }
}
