import { Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, type Job } from 'bullmq';
import { ALERT_DELIVERY_JOB, OPS_QUEUES, type AlertDeliveryJobData, type ScheduledJobData } from '@ecom/contracts';
import { AlertDeliveryService, MonitoringService, SchedulesService } from '@ecom/ops';

/** Consumes the 'monitoring' queue: each tick of the monitoring schedule evaluates and alerts. */
@Processor(OPS_QUEUES.monitoring)
export class MonitoringProcessor extends WorkerHost {
  constructor(
    private readonly monitoring: MonitoringService,
    private readonly schedules: SchedulesService,
  ) {
    super();
  }

  async process(job: Job<ScheduledJobData>): Promise<string> {
    if (job.name !== 'monitoring') throw new UnrecoverableError(`queue ${OPS_QUEUES.monitoring} has no handler for job ${job.name} (${job.id})`);
    const report = await this.monitoring.evaluateAndAlert();
    const outcome = `${report.status} (score ${report.score}); alerts opened ${report.opened.length}, resolved ${report.resolved.length}, open ${report.openAlerts.length}`;
    await this.schedules.recordFiring('monitoring', outcome);
    return outcome;
  }
}

/** Consumes the 'alerts' queue: one job per alert event and channel. */
@Processor(OPS_QUEUES.alerts)
export class AlertDeliveryProcessor extends WorkerHost {
  constructor(private readonly delivery: AlertDeliveryService) {
    super();
  }

  async process(job: Job<AlertDeliveryJobData>): Promise<string> {
    if (job.name !== ALERT_DELIVERY_JOB) throw new UnrecoverableError(`queue ${OPS_QUEUES.alerts} has no handler for job ${job.name} (${job.id})`);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return this.delivery.deliver(job.data, lastAttempt);
  }
}
