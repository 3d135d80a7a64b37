/** A plain-text reply as a mail client writes it: threaded to the email it answers, with that email quoted below. */
export interface ReplyInput {
  from: string;
  to: string;
  subject: string;
  messageId: string;
  /** The Message-ID answered (In-Reply-To and References); absent for an unthreaded message. */
  inReplyTo?: string | null;
  at: number;
  body: string;
  /** The email answered, quoted with "> ", and who wrote it when. */
  quote?: { text: string; author: string; at: number };
  headers?: Record<string, string>;
}

/** "Re: " once, however many times the thread has been answered. */
export function replySubject(subject: string): string {
  return /^re:/i.test(subject) ? subject : `Re: ${subject}`;
}

export function buildReply(input: ReplyInput): string {
  const subject = replySubject(input.subject);
  const lines = [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${subject}`,
    `Date: ${new Date(input.at).toUTCString()}`,
    `Message-ID: ${input.messageId}`,
    ...(input.inReplyTo ? [`In-Reply-To: ${input.inReplyTo}`, `References: ${input.inReplyTo}`] : []),
    ...Object.entries(input.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    input.body.replace(/\r?\n/g, '\r\n'),
    '',
    ...(input.quote ? [`On ${new Date(input.quote.at).toUTCString()}, ${input.quote.author} wrote:`, input.quote.text.split(/\r?\n/).map((line) => `> ${line}`).join('\r\n')] : []),
    '',
  ];
  return lines.join('\r\n');
}
