import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, redactSecrets } from '@ecom/config';
import type { AlertDeliveryJobData } from '@ecom/contracts';
import { emailMessage, webhookPayload } from './alert-message';
import { sendEmail } from './alert-email';
import { MonitoringRepository } from './monitoring.repository';

const WEBHOOK_TIMEOUT_MS = 10_000;

/** Webhook URLs (Slack's above all) carry their secret in the path: errors show the origin only. */
function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the webhook';
  }
}

/** Sends one alert event on one channel; the alerts queue retries it with exponential backoff. */
@Injectable()
export class AlertDeliveryService {
  private readonly logger = new Logger(AlertDeliveryService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly monitoring: MonitoringRepository,
  ) {}

  async deliver(data: AlertDeliveryJobData, lastAttempt: boolean): Promise<'sent' | 'already sent' | 'gone'> {
    const delivery = await this.monitoring.delivery(data);
    // Deleted by retention since it was queued, or a duplicate job of a delivery that went out.
    if (!delivery) return 'gone';
    if (delivery.delivery_status === 'sent') return 'already sent';
    try {
      await this.send(data, delivery);
    } catch (error) {
      // Stored and served at GET /monitoring/alerts: an SMTP or HTTP library may echo credentials.
      const message = redactSecrets((error as Error).message);
      await this.monitoring.recordDeliveryAttempt(data, lastAttempt ? 'failed' : 'pending', message);
      this.logger.warn(`alert ${data.alertId} ${data.event} via ${data.channel}: ${message}${lastAttempt ? ' (giving up)' : ' (will retry)'}`);
      throw error;
    }
    await this.monitoring.recordDeliveryAttempt(data, 'sent', null);
    return 'sent';
  }

  private async send(data: AlertDeliveryJobData, alert: Parameters<typeof webhookPayload>[0]): Promise<void> {
    const { webhookUrl, email, publicUrl } = this.config.alerts;
    if (data.channel === 'webhook') {
      if (!webhookUrl) throw new Error('no alerts.webhookUrl is configured any more');
      let response: Response;
      try {
        response = await fetch(webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(webhookPayload(alert, data.event, publicUrl)),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
      } catch (error) {
        throw new Error(`webhook ${webhookOrigin(webhookUrl)} unreachable: ${(error as Error).cause ?? (error as Error).message}`);
      }
      if (!response.ok) {
        const body = (await response.text().catch(() => '')).slice(0, 200);
        throw new Error(`webhook ${webhookOrigin(webhookUrl)} answered ${response.status}${body ? `: ${body}` : ''}`);
      }
      return;
    }
    if (!email) throw new Error('no alerts.email is configured any more');
    await sendEmail(email, emailMessage(alert, data.event, publicUrl));
  }
}
