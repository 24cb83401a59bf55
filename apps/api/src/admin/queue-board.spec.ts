import { describeQueueBoard } from './queue-board.cases';

describeQueueBoard('api_queue_board');
