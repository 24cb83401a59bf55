import { describeQueueBoard } from './queue-board.cases';

// Whatever QUEUE_BACKEND says: the board's PostgreSQL worker list is code of ours (queue-board-adapter.ts).
describeQueueBoard('api_queue_board_pg', 'postgres');
