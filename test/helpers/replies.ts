import { buildReply } from '../../server/src/replies/reply-message.js';
import type { CapturedMail } from './smtp-sink.js';

let counter = 0;

/** A reply to one of our emails as a mail client writes it: threaded, with the original quoted below. */
export function replyTo(mail: CapturedMail, body: string, options: { at: number; from?: string; headers?: Record<string, string>; threaded?: boolean } = { at: Date.now() }): string {
  counter += 1;
  return buildReply({
    from: options.from ?? mail.to[0]!,
    to: mail.headers.from!,
    subject: mail.headers.subject!,
    messageId: `<reply-${counter}-${options.at}@prospect.test>`,
    inReplyTo: options.threaded === false ? null : mail.headers['message-id']!,
    at: options.at,
    body,
    quote: { text: mail.body, author: mail.headers.from!, at: options.at - 3_600_000 },
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

/** A delivery status notification (RFC 3464) for one of our emails, as a receiving MTA returns it. */
export function bounceFor(mail: CapturedMail, options: { at: number; status?: string; action?: 'failed' | 'delayed' }): string {
  counter += 1;
  const status = options.status ?? '5.1.1';
  const action = options.action ?? 'failed';
  const recipient = mail.to[0]!;
  const boundary = `dsn-${counter}`;
  const originalHeaders = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n'));
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.prospect.test>',
    `To: ${mail.headers.from}`,
    `Subject: ${action === 'failed' ? 'Undelivered Mail Returned to Sender' : 'Delayed Mail (still being retried)'}`,
    `Date: ${new Date(options.at).toUTCString()}`,
    `Message-ID: <dsn-${counter}-${options.at}@mx.prospect.test>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    `This is the mail system at host mx.prospect.test. Your message could not be delivered to ${recipient}.`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.prospect.test',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; ${status.startsWith('5') ? '550' : '451'} ${status} ${status.startsWith('5') ? 'User unknown' : 'Try again later'}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    originalHeaders,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n');
}
