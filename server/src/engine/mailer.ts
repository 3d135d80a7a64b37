import MailComposer from 'nodemailer/lib/mail-composer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

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

/**
 * Sends email; answers once the SMTP server has accepted the message (250). `claim` is called once
 * the server is ready to take the message (connected, greeted, signed in): it records that the
 * email is being sent (a database write, so it is async), and answers false when it must not go
 * after all (nothing is sent then).
 * So the window in which a crash leaves an email unconfirmed is only the message transfer itself.
 */
export interface Mailer {
  send(email: OutgoingEmail, claim: () => Promise<boolean>): Promise<void>;
}

const TIMEOUT_MS = 30_000;
/** After DATA a server may take minutes to answer (RFC 5321 allows 10): giving up sooner would send twice. */
const SOCKET_TIMEOUT_MS = 10 * 60_000;

/** Over SMTP (`SMTP_URL`) with nodemailer's composer and connection, with our own Message-ID so replies thread and match. */
export class SmtpMailer implements Mailer {
  private readonly options: NonNullable<ConstructorParameters<typeof SMTPConnection>[0]>;
  private readonly auth: { user: string; pass: string } | undefined;

  constructor(smtpUrl: string) {
    const url = new URL(smtpUrl);
    const secure = url.protocol === 'smtps:';
    this.options = {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    };
    this.auth = url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined;
  }

  async send(email: OutgoingEmail, claim: () => Promise<boolean>): Promise<void> {
    const raw = await new MailComposer({
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      messageId: email.messageId,
      ...(email.inReplyTo ? { inReplyTo: email.inReplyTo } : {}),
      ...(email.references?.length ? { references: email.references } : {}),
      headers: email.headers,
    })
      .compile()
      .build();
    const auth = this.auth;
    const connection = new SMTPConnection(this.options);
    const step = <T>(run: (done: (error: Error | null, value?: T) => void) => void) =>
      new Promise<T>((resolve, reject) => {
        run((error, value) => (error ? reject(error) : resolve(value as T)));
      });
    const failed = new Promise<never>((_, reject) => connection.once('error', reject));
    try {
      await Promise.race([step<void>((done) => connection.connect((error?: Error | null) => done(error ?? null))), failed]);
      if (auth) await Promise.race([step((done) => connection.login(auth, (error) => done(error ?? null))), failed]);
      if (!(await claim())) return;
      await Promise.race([step((done) => connection.send({ from: email.from.address, to: [email.to] }, raw, (error, info) => done(error ?? null, info))), failed]);
    } finally {
      try {
        connection.quit();
      } catch {
        connection.close();
      }
    }
  }

  close(): void {
    // One connection per message: nothing stays open.
  }
}

/** Without SMTP_URL nothing can be sent: emails wait in the outbox (retried) until it is configured. */
export class UnconfiguredMailer implements Mailer {
  async send(): Promise<void> {
    throw new Error('SMTP_URL is not configured');
  }
}
