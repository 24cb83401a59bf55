import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { PostgresQueueBackend, type Queue } from 'bullmq';

type QueueWorker = NonNullable<Awaited<ReturnType<BullMQAdapter['getWorkers']>>>[number];
type AdapterOptions = ConstructorParameters<typeof BullMQAdapter>[1];

interface WorkerSession {
  pid: number;
  application_name: string;
  addr: string;
  age: number;
}

/**
 * Bull Board's BullMQ adapter, with the worker list working on the postgres queue backend too.
 * The adapter lists workers from Redis's CLIENT LIST, whose lines carry an address; BullMQ's
 * PostgreSQL stand-in gives only names, so the board took every PostgreSQL worker for "could not
 * ask" (no worker panel, no "has workers" mark). Here they come from pg_stat_activity instead:
 * the workers' LISTEN sessions, named `<schema>:<queue>` (libs/pipeline queue-store.ts).
 */
export class QueueBoardAdapter extends BullMQAdapter {
  private readonly bullQueue: Queue;

  constructor(queue: Queue, options?: AdapterOptions) {
    super(queue, options);
    this.bullQueue = queue;
  }

  override async getWorkers(): Promise<QueueWorker[] | null> {
    const backend: unknown = this.bullQueue.getBackend();
    if (!(backend instanceof PostgresQueueBackend)) return super.getWorkers();
    const name = this.bullQueue.getBackend().clientName();
    const { rows } = await backend.connection.pool.query<WorkerSession>(
      `SELECT pid, application_name,
              coalesce(host(client_addr) || ':' || client_port, 'local') AS addr,
              extract(epoch FROM now() - backend_start)::int AS age
         FROM pg_stat_activity
        WHERE datname = current_database() AND (application_name = $1 OR starts_with(application_name, $1 || ':w:'))
        ORDER BY backend_start`,
      [name],
    );
    return rows.map((row) => ({
      id: String(row.pid),
      name: row.application_name.startsWith(`${name}:w:`) ? row.application_name.slice(name.length + 3) : null,
      addr: row.addr,
      age: row.age,
    }));
  }
}
