import { type AddressObject, type HeaderValue, simpleParser } from 'mailparser';

/** An inbound email as the reply pipeline reads it, from raw RFC 822 bytes. */
export interface InboundMessage {
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  from: { address: string; name: string } | null;
  /** To, Cc, Delivered-To and X-Original-To addresses, lower case. */
  recipients: string[];
  subject: string;
  date: Date | null;
  /** The sender's clock: minutes east of UTC in the Date header ("-0500" → -300), null when it says none. */
  dateOffset: number | null;
  /** The topmost Authentication-Results header: the receiving server's verdict (IMAP). */
  authenticationResults: string | null;
  /** The body as text (from the HTML part when there is no text part). */
  text: string;
  /** Lower-cased header name → value, for the headers auto-replies are known by. */
  headers: Record<string, string>;
  /** `report-type` of a multipart/report (delivery-status, disposition-notification), if any. */
  reportType: string | null;
  /** Text of attached delivery reports and returned originals (DSNs). */
  attachedText: string;
  /** Every address in the Cc header, with display names (referrals often Cc the person). */
  cc: { address: string; name: string }[];
}

function ids(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((item) => item.match(/<[^<>\s]+>/g) ?? []).map((id) => id.toLowerCase());
}

function addresses(value: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value])
    .flatMap((group) => group.value)
    .flatMap((entry) => (entry.group ? entry.group : [entry]))
    .filter((entry) => entry.address)
    .map((entry) => ({ address: entry.address!.toLowerCase(), name: entry.name ?? '' }));
}

/** "Tue, 17 Nov 2026 09:02:11 -0500" → -300; "GMT"/"UT"/"Z" → 0; anything else → null. */
export function offsetOf(dateHeader: string | undefined): number | null {
  if (!dateHeader) return null;
  const header = dateHeader.slice(0, 200).trim();
  const numeric = header.match(/([+-])(\d{2}):?(\d{2})(\s*\([^)]*\))?\s*$/);
  if (numeric) return (numeric[1] === '-' ? -1 : 1) * (Number(numeric[2]) * 60 + Number(numeric[3]));
  return /\b(gmt|ut|utc|z)\s*$/i.test(header) ? 0 : null;
}

function headerText(value: HeaderValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
  if (typeof value === 'object' && 'value' in value && typeof value.value === 'string') return value.value;
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  return JSON.stringify(value);
}

/** Header values and body text the rules read are capped: a reply's meaning is at its top, and caps keep every regex linear in practice. */
export const MAX_HEADER_CHARS = 1_000;
export const MAX_TEXT_CHARS = 100_000;

/** Addresses in a header value, found by splitting (no backtracking regex over attacker-sized input). */
export function addressesIn(value: string): string[] {
  return value
    .slice(0, MAX_HEADER_CHARS)
    .split(/[\s<>,;"]+/)
    .filter((token) => /^[^@]+@[^@]+\.[^@]+$/.test(token));
}

/** Parses raw RFC 822 bytes. Never throws on odd mail: what cannot be read is left empty. */
export async function parseMessage(raw: Buffer | string): Promise<InboundMessage> {
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch {
    // Structure mailparser refuses (e.g. thousands of MIME parts): keep what a person could read.
    return unreadable(Buffer.isBuffer(raw) ? raw.toString('utf8') : raw);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of parsed.headers) headers[name.toLowerCase()] = headerText(value).slice(0, MAX_HEADER_CHARS);
  const contentType = parsed.headers.get('content-type');
  const reportType =
    typeof contentType === 'object' && contentType && 'value' in contentType && contentType.value === 'multipart/report'
      ? String((contentType as { params?: Record<string, string> }).params?.['report-type'] ?? '').toLowerCase() || null
      : null;
  const attachedText = parsed.attachments
    .filter((attachment) => /^(message\/|text\/rfc822-headers)/i.test(attachment.contentType))
    .map((attachment) => attachment.content.toString('utf8'))
    .join('\n');
  const deliveredTo = ['delivered-to', 'x-original-to', 'envelope-to']
    .map((name) => headers[name])
    .filter((value): value is string => Boolean(value))
    .flatMap((value) => addressesIn(value));
  const cc = addresses(parsed.cc);
  const from = addresses(parsed.from)[0] ?? null;
  return {
    messageId: parsed.messageId ? parsed.messageId.toLowerCase() : null,
    inReplyTo: ids(parsed.inReplyTo),
    references: ids(parsed.references),
    from,
    recipients: [...new Set([...addresses(parsed.to), ...cc].map((entry) => entry.address).concat(deliveredTo.map((value) => value.toLowerCase())))],
    subject: parsed.subject ?? '',
    date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
    dateOffset: offsetOf(parsed.headerLines.find((line) => line.key === 'date')?.line.replace(/^date:\s*/i, '')),
    authenticationResults: parsed.headerLines.find((line) => line.key === 'authentication-results')?.line.replace(/^authentication-results:\s*/i, '').slice(0, 2_000) ?? null,
    text: (parsed.text ?? '').slice(0, MAX_TEXT_CHARS),
    headers,
    reportType,
    attachedText: attachedText.slice(0, MAX_TEXT_CHARS),
    cc,
  };
}

/** A message mailparser could not read: its headers as far as they go, and the start of the body as text. */
function unreadable(text: string): InboundMessage {
  const split = text.search(/\r?\n\r?\n/);
  const head = (split < 0 ? text : text.slice(0, split)).slice(0, 64 * 1024).replace(/\r?\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] ??= line.slice(colon + 1).trim().slice(0, MAX_HEADER_CHARS);
  }
  const from = addressesIn(headers.from ?? '')[0];
  const date = headers.date ? new Date(headers.date) : null;
  return {
    messageId: headers['message-id']?.match(/<[^<>\s]+>/)?.[0]?.toLowerCase() ?? null,
    inReplyTo: ids(headers['in-reply-to']),
    references: ids(headers.references),
    from: from ? { address: from.toLowerCase(), name: '' } : null,
    recipients: [...new Set(['to', 'cc', 'delivered-to', 'x-original-to'].flatMap((name) => addressesIn(headers[name] ?? '')).map((address) => address.toLowerCase()))],
    subject: headers.subject ?? '',
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    dateOffset: offsetOf(headers.date),
    authenticationResults: headers['authentication-results'] ?? null,
    text: split < 0 ? '' : text.slice(split).slice(0, 20_000),
    headers,
    reportType: null,
    attachedText: '',
    cc: [],
  };
}

