import { createTransport } from 'nodemailer';
import type { AlertEmailConfig } from '@ecom/config';

/** One plain-text alert e-mail over SMTP (smtp:// or smtps://, credentials in the URL). */
export async function sendEmail(email: AlertEmailConfig, message: { subject: string; text: string }): Promise<void> {
  const url = new URL(email.smtpUrl);
  const transport = createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 25,
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({ from: email.from, to: email.to, subject: message.subject, text: message.text });
  } catch (error) {
    throw new Error(`SMTP ${url.host}: ${(error as Error).message}`);
  } finally {
    transport.close();
  }
}
