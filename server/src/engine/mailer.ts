import nodemailer, { type Transporter } from 'nodemailer';

export interface OutgoingEmail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
  headers: Record<string, string>;
}

/** Sends email; answers once the SMTP server has accepted the message (250). */
export interface Mailer {
  send(email: OutgoingEmail): Promise<void>;
}

/** Nodemailer over SMTP (`SMTP_URL`), with our own Message-ID so replies thread and match. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(smtpUrl: string) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transport.sendMail({
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      messageId: email.messageId,
      ...(email.inReplyTo ? { inReplyTo: email.inReplyTo } : {}),
      ...(email.references?.length ? { references: email.references } : {}),
      headers: email.headers,
    });
  }

  close(): void {
    this.transport.close();
  }
}

/** Without SMTP_URL nothing can be sent: emails wait in the outbox (retried) until it is configured. */
export class UnconfiguredMailer implements Mailer {
  async send(): Promise<void> {
    throw new Error('SMTP_URL is not configured');
  }
}
