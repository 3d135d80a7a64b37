import type { ReplyIntent } from '../domain/reply-intents.js';
import { extractDate } from './dates.js';
import { type InboundMessage, addressesIn } from './message.js';
import { AUTO_SUBJECT, PHRASES, SUPPORT_PATTERNS } from './phrases.js';
import { type Language, guessLanguage, normalise, readableReply } from './reply-text.js';

export interface Referral {
  name: string | null;
  email: string | null;
}

export interface BounceInfo {
  recipient: string | null;
  /** Permanent (5.x.x): the address is dead. Temporary (4.x.x): the server will retry. */
  hard: boolean;
  status: string | null;
  diagnostic: string | null;
}

export interface Classification {
  intent: ReplyIntent;
  /** 0–1: how sure the classifier is. */
  confidence: number;
  /** The rule or phrase behind the result, readable by a person. */
  reason: string;
  /** YYYY-MM-DD: the return date (OutOfOffice) or when to reconnect (ConnectLater). */
  date?: string;
  language: Language;
  /** What the person wrote, above the quoted history (at most 2,000 characters). */
  excerpt: string;
  referral?: Referral;
  bounce?: BounceInfo;
  /** The sentence proposing a meeting time, for the handback summary. */
  meeting?: string;
}

/** An org's own phrase → intent mapping ("teach your assistant"). */
export interface TaughtPhrase {
  phrase: string;
  intent: ReplyIntent;
}

export interface ClassifyOptions {
  taught?: readonly TaughtPhrase[];
  /** Our own mailbox addresses: never a referral, never "the sender". */
  ourAddresses?: readonly string[];
  /** Used when the message has no Date header. */
  now?: Date;
}

const MAX_RULE_CHARS = 20_000;

/** Taught phrases win when they match at or above this confidence. */
export const TAUGHT_MIN_CONFIDENCE = 0.9;

/** Human intents in the order they win ties: the most consequential first. */
const PRIORITY: ReplyIntent[] = [
  'Unsubscribed',
  'Retired',
  'MovedOut',
  'OutOfOffice',
  'ReferredSomeone',
  'BrochureSent',
  'ConnectLater',
  'AgreedToMeet',
  'InterestedToProceed',
  'Deactivated',
  'SeekingMoreInfo',
];

const BOUNCE_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|mail delivery (system|subsystem))\b/i;
const BOUNCE_SUBJECT =
  /(undeliver|undelivered|delivery status notification|delivery (has )?failed|delivery failure|failure notice|returned mail|mail delivery failed|returning message to sender|could not be delivered|couldn'?t be delivered|unzustellbar|nicht zugestellt|non remis|non distribu|no se pudo entregar|no entregado|mensagem nao entregue|nao entregue|delivery delayed|delivery incomplete|message not delivered|warning: message)/i;
const TEMPORARY = /\b(delay(ed)?|still (undelivered|not delivered|trying)|will (retry|continue|keep trying)|temporar(y|ily)|verzogert|retarde|retrasad|atrasad)\b/i;

function isAutomatic(message: InboundMessage): boolean {
  const h = message.headers;
  const autoSubmitted = (h['auto-submitted'] ?? '').toLowerCase();
  if (autoSubmitted && autoSubmitted !== 'no') return true;
  if (h['x-autoreply'] || h['x-autorespond'] || h['x-autoresponder'] || h['x-auto-reply']) return true;
  if (/^(auto_reply|auto-reply|bulk|junk)$/i.test((h['precedence'] ?? '').trim())) return true;
  if ((h['x-auto-response-suppress'] ?? '') && /oof|autoreply/i.test(h['x-ms-exchange-inbox-rules-loop'] ?? '')) return true;
  return AUTO_SUBJECT.test(normalise(message.subject).replace(/^((re|aw|antw|wg|fw|fwd|tr|rv|sv)\s?:\s*)+/, ''));
}

function bounceOf(message: InboundMessage): BounceInfo | null {
  const fromLocal = `${message.from?.address ?? ''} ${message.from?.name ?? ''}`;
  const isReport = message.reportType === 'delivery-status';
  const looksLikeBounce = BOUNCE_SENDER.test(message.from?.address ?? '') || BOUNCE_SENDER.test(message.from?.name ?? '') || /mailer-daemon|postmaster/i.test(fromLocal);
  if (!isReport && !(looksLikeBounce && BOUNCE_SUBJECT.test(normalise(message.subject))) && !(BOUNCE_SUBJECT.test(normalise(message.subject)) && /\b[45]\.\d{1,3}\.\d{1,3}\b/.test(message.text))) return null;
  const report = `${message.attachedText.slice(0, MAX_RULE_CHARS)}\n${message.text.slice(0, MAX_RULE_CHARS)}`;
  const recipient =
    report.match(/final-recipient:\s*rfc822;\s*<?([^\s<>]+@[^\s<>]+)>?/i)?.[1] ??
    report.match(/original-recipient:\s*rfc822;\s*<?([^\s<>]+@[^\s<>]+)>?/i)?.[1] ??
    addressesIn(message.headers['x-failed-recipients'] ?? '')[0] ??
    bodyRecipient(message.text.slice(0, MAX_RULE_CHARS));
  const action = report.match(/^action:\s*(\w+)/im)?.[1]?.toLowerCase() ?? null;
  // Status codes from the report, or an SMTP reply ("550 5.1.1", "#5.1.10"); never a bare version number.
  const status = report.match(/^status:\s*([245]\.\d{1,3}\.\d{1,3})/im)?.[1] ?? report.match(/\b[245]\d\d[ -]#?([245]\.\d{1,3}\.\d{1,3})\b/)?.[1] ?? report.match(/#([45]\.\d{1,3}\.\d{1,3})\b/)?.[1] ?? null;
  const diagnostic = report.match(/^diagnostic-code:\s*(.+)$/im)?.[1]?.trim() ?? null;
  const hard = action ? action === 'failed' : status ? status.startsWith('5') : !TEMPORARY.test(`${message.subject}\n${message.text}`);
  return { recipient: recipient?.toLowerCase() ?? null, hard: hard && !(status?.startsWith('4') ?? false), status, diagnostic };
}

/** Old-style bounces name the failed address in prose: "<jane@x>: host … said: 550 …". */
function bodyRecipient(text: string): string | null {
  const match =
    text.match(/<([^\s<>@]+@[^\s<>]+)>\s*:/) ??
    text.match(/\b(?:to|an|a|para)\s+<?([^\s<>@]+@[^\s<>,;]+?)>?\s+(?:could not|couldn'?t|konnte|n'a pas|no se|nao)/i) ??
    // An address alone on an indented line, as Postfix and many MTAs list failed recipients.
    text.match(/^[ \t]{1,20}<?([^\s<>@]{1,64}@[^\s<>@]{1,255}?)>?[ \t]*$/m);
  if (match?.[1]) return match[1].toLowerCase();
  // The returned original's To header.
  const to = text.split(/\r?\n/).find((line) => /^to:/i.test(line));
  return to ? (addressesIn(to.slice(3))[0]?.toLowerCase() ?? null) : null;
}

interface Match {
  intent: ReplyIntent;
  weight: number;
  phrase: string;
}

function phraseMatches(text: string): Match[] {
  const matches: Match[] = [];
  for (const intent of PRIORITY) {
    let best: Match | null = null;
    for (const rule of PHRASES[intent] ?? []) {
      const found = text.match(rule.pattern);
      if (found && (!best || rule.weight > best.weight)) best = { intent, weight: rule.weight, phrase: found[0].trim() };
    }
    if (best) matches.push(best);
  }
  return matches;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function taughtMatch(text: string, taught: readonly TaughtPhrase[]): { phrase: TaughtPhrase; confidence: number } | null {
  for (const entry of taught) {
    const phrase = normalise(entry.phrase).trim();
    if (!phrase) continue;
    if (new RegExp(`(^|[^a-z0-9])${escapeRegExp(phrase)}($|[^a-z0-9])`).test(text)) return { phrase: entry, confidence: 0.95 };
    // Every word of the phrase present, in any order: a weaker match that does not take precedence.
    const words = phrase.split(/\s+/).filter((word) => word.length > 2);
    if (words.length > 1 && words.every((word) => new RegExp(`\\b${escapeRegExp(word)}\\b`).test(text))) return { phrase: entry, confidence: 0.75 };
  }
  return null;
}

const EMAIL = /(?<![a-z0-9._%+-])[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,8}\.[a-z]{2,24}\b/gi;
const NAME = /((?:[A-ZÀ-Ý][a-zà-ÿ'’-]{0,40})(?:[ \t]{1,3}(?:(?:de|da|do|dos|van|von|der|del|la|le)[ \t]{1,3})?[A-ZÀ-Ý][A-Za-zà-ÿ'’-]{0,40}){1,3})/;

/** The person a reply points to: an address in the reply (not the sender's, not ours), or a Cc. */
function referralOf(message: InboundMessage, reply: string, ours: readonly string[]): Referral | null {
  const excluded = new Set([...(message.from ? [message.from.address] : []), ...ours.map((address) => address.toLowerCase())]);
  const senderDomain = message.from?.address.split('@')[1];
  const lines = reply.split('\n');
  for (const [index, fullLine] of lines.entries()) {
    const line = fullLine.slice(0, 1_000);
    for (const match of line.matchAll(EMAIL)) {
      const email = match[0].toLowerCase().replace(/\.$/, '');
      if (excluded.has(email)) continue;
      // A generic mailbox in the sender's own signature block is not a person we were pointed to.
      if (/^(info|sales|office|contact|hello|support|noreply|no-reply)@/.test(email) && email.split('@')[1] === senderDomain && index > lines.length - 4) continue;
      const before = line.slice(Math.max(0, match.index - 120), match.index).replace(/[(<[:\s-]{1,20}$/, '');
      const near = before.match(new RegExp(`${NAME.source}[^A-Za-zÀ-ÿ]*$`))?.[1] ?? line.slice(match.index + match[0].length).match(NAME)?.[1] ?? lines[index - 1]?.trim().match(new RegExp(`^${NAME.source}$`))?.[1];
      const name = nameMatchingAddress(reply, email) ?? cleanName(near ?? null) ?? nameFromAddress(email);
      return { name, email };
    }
  }
  const cc = message.cc.find((entry) => !excluded.has(entry.address));
  if (cc) return { name: cc.name || nameFromAddress(cc.address), email: cc.address };
  const named = reply.match(new RegExp(`(?:contact|reach out to|speak (?:to|with)|talk (?:to|with)|get in touch with|write to|con|a|an|com|avec|mit)\\s+${NAME.source}`));
  return named ? { name: cleanName(named[1]!), email: null } : null;
}

const NOT_NAMES = /^(Hi|Hello|Dear|Thanks|Thank|Best|Regards|Kind|Please|Hola|Bonjour|Hallo|Olá|Ola|Sehr|Estimado|Cordialement|Saludos|Obrigado|Grüße|Gruesse|Mit|Our|The|She|He|They|You|Try|Contact|Talk|Ask|Email|Write|Reach|Frau|Herr|Herrn|Mme|Madame|Monsieur|Sr|Sra|Dr|Mr|Mrs|Ms|Facilities|Procurement|Energy|Operations|Purchasing)\b\.?\s*/;

function cleanName(name: string | null): string | null {
  if (!name) return null;
  let clean = name.trim();
  while (NOT_NAMES.test(clean)) clean = clean.replace(NOT_NAMES, '');
  return clean.split(/\s+/).length >= 2 || /^[A-ZÀ-Ý]/.test(clean) ? clean || null : null;
}

/** A capitalised name in the text whose surname (and first name or initial) the address spells. */
function nameMatchingAddress(text: string, email: string): string | null {
  const local = normalise(email.split('@')[0] ?? '').replace(/[^a-z]/g, '');
  let best: { name: string; score: number } | null = null;
  for (const match of text.matchAll(new RegExp(NAME.source, 'g'))) {
    const full = cleanName(match[1]!)?.split(/\s+/) ?? [];
    // "Procurement Manager Gregory Olsen": the name is some tail of the capitalised run.
    for (let start = 0; start <= full.length - 2; start += 1) {
      const name = full.slice(start).join(' ');
      const words = normalise(name).replace(/[^a-z ]/g, '').split(/\s+/).filter(Boolean);
      const last = words[words.length - 1]!;
      const first = words[0]!;
      if (words.length < 2 || !local.includes(last)) continue;
      const score = (local.includes(first) ? 2 : local.startsWith(first[0]!) ? 1 : 0) + words.length / 10;
      if (!best || score > best.score) best = { name, score };
    }
  }
  return best?.name ?? null;
}

function nameFromAddress(email: string): string | null {
  const local = email.split('@')[0] ?? '';
  const parts = local.split(/[._-]+/).filter((part) => /^[a-z]{2,}$/i.test(part));
  if (parts.length < 2) return null;
  return parts.map((part) => part[0]!.toUpperCase() + part.slice(1).toLowerCase()).join(' ');
}

const TIME = /\b(\d{1,2}([:.]\d{2})?\s?(am|pm|h|uhr)\b|\d{1,2}:\d{2})/i;
const DAY_WORDS = /\b(monday|tuesday|wednesday|thursday|friday|tomorrow|next week|lunes|martes|miercoles|jueves|viernes|lundi|mardi|mercredi|jeudi|vendredi|montag|dienstag|mittwoch|donnerstag|freitag|segunda|terca|quarta|quinta|sexta)\b/i;

function meetingSentence(reply: string): string | undefined {
  const sentences = reply.split(/(?<=[.!?])\s+|\n+/).map((sentence) => sentence.trim()).filter(Boolean);
  return sentences.find((sentence) => TIME.test(sentence) || DAY_WORDS.test(normalise(sentence)))?.slice(0, 300);
}

/** Signals of an automatic acknowledgement that is not an absence or a ticket. */
const AUTO_ACK = /\b(not monitored|unmonitored|do not reply|no-?reply|we (have )?received your (e-?mail|message)|thank you for (your (e-?mail|message)|contacting|reaching out)|thanks for (your (e-?mail|message)|contacting|reaching out)|(will|we'll) (get back|respond|reply) (to you )?(within|as soon)|high volume|verify (that )?you are (a )?human|confirm (that )?you are (a )?(human|real)|your message (has been|was) (received|read)|has been (opened|created|logged|registered|received)|hemos recibido|se ha registrado|foi registrad[ao]|recebemos|nous avons (bien )?recu|wir haben ihre|recebemos a sua|le responderemos|vous repondrons|werden uns .{0,30} melden|responderemos)\b/;

function supportScore(text: string): number {
  return SUPPORT_PATTERNS.filter((pattern) => pattern.test(text)).length;
}

/**
 * Reads one inbound message: bounces first (from the report), then the kind of automatic reply,
 * then what a person wrote, by taught phrases and the built-in phrase rules.
 */
export function classify(message: InboundMessage, options: ClassifyOptions = {}): Classification {
  const sent = message.date ?? options.now ?? new Date();
  // The rules read the first 20,000 characters of what the person wrote: enough for any reply, and a bound on the work.
  const reply = readableReply(message.text, MAX_RULE_CHARS);
  const text = normalise(reply);
  const subject = normalise(message.subject);
  const language = guessLanguage(text);
  const excerpt = reply.slice(0, 2_000);
  const base = { language, excerpt };

  if (message.reportType === 'disposition-notification') {
    return { ...base, intent: 'AutoReply', confidence: 0.98, reason: 'read receipt (disposition notification)' };
  }
  const bounce = bounceOf(message);
  if (bounce) {
    return {
      ...base,
      intent: 'Bounce',
      confidence: message.reportType === 'delivery-status' ? 0.99 : 0.9,
      reason: `${message.reportType === 'delivery-status' ? 'delivery status report' : 'bounce from the mail system'}${bounce.status ? ` (${bounce.status}${bounce.hard ? ', permanent' : ', temporary'})` : bounce.hard ? '' : ' (temporary)'}`,
      bounce,
    };
  }

  const automatic = isAutomatic(message);
  const taught = options.taught?.length ? taughtMatch(text, options.taught) : null;
  if (taught && taught.confidence >= TAUGHT_MIN_CONFIDENCE) {
    return finish({ ...base, intent: taught.phrase.intent, confidence: taught.confidence, reason: `taught phrase "${taught.phrase.phrase}"` });
  }

  const matches = phraseMatches(text);
  const has = (intent: ReplyIntent) => matches.find((match) => match.intent === intent);
  const support = supportScore(`${subject}\n${text}`);
  // A help desk's receipt, with or without automatic-reply headers.
  if (support >= 2 && AUTO_ACK.test(`${subject}\n${text}`) && !has('Retired') && !has('MovedOut')) {
    return finish({ ...base, intent: 'SupportAutoResponse', confidence: automatic ? 0.92 : 0.8, reason: 'help desk acknowledgement (ticket number and support wording)' });
  }

  if (automatic) {
    const departed = has('Retired') ?? has('MovedOut');
    if (departed) return finish({ ...base, intent: departed.intent, confidence: 0.93, reason: `automatic reply: "${departed.phrase}"` });
    if (support >= 2) return finish({ ...base, intent: 'SupportAutoResponse', confidence: 0.9, reason: 'automatic reply from a help desk (ticket or support wording)' });
    const away = has('OutOfOffice');
    if (away || /out of (the )?office|abwesen|absence|ausente|vacation|urlaub|conge|ferias|vacaciones|ooo\b/.test(subject)) {
      return finish({ ...base, intent: 'OutOfOffice', confidence: away ? 0.95 : 0.85, reason: `automatic reply: ${away ? `"${away.phrase}"` : 'absence subject'}` });
    }
    return finish({ ...base, intent: 'AutoReply', confidence: 0.85, reason: 'automatic reply (Auto-Submitted, X-Autoreply, Precedence or subject)' });
  }

  if (matches.length === 0) {
    if (support >= 2 && AUTO_ACK.test(text)) return finish({ ...base, intent: 'SupportAutoResponse', confidence: 0.75, reason: 'help desk acknowledgement wording' });
    if (AUTO_ACK.test(text)) return finish({ ...base, intent: 'AutoReply', confidence: 0.7, reason: 'automatic acknowledgement wording' });
    if (taught) return finish({ ...base, intent: taught.phrase.intent, confidence: taught.confidence, reason: `taught phrase "${taught.phrase.phrase}" (partial match)` });
    return { ...base, intent: 'Unclassified', confidence: text.length > 0 ? 0.5 : 0.3, reason: text.length > 0 ? 'no known phrase' : 'empty reply' };
  }
  const ranked = [...matches].sort((a, b) => b.weight - a.weight || PRIORITY.indexOf(a.intent) - PRIORITY.indexOf(b.intent));
  const top = ranked[0]!;
  const rival = ranked[1];
  const confidence = rival && top.weight - rival.weight < 0.05 ? top.weight - 0.15 : top.weight;
  return finish({ ...base, intent: top.intent, confidence: Math.round(confidence * 100) / 100, reason: `phrase "${top.phrase}"${rival ? ` (also: ${rival.intent} "${rival.phrase}")` : ''}` });

  function finish(result: Classification): Classification {
    if (result.intent === 'OutOfOffice' || result.intent === 'ConnectLater') {
      const date = extractDate(text, sent, language, result.intent === 'OutOfOffice' ? 'return' : 'later');
      if (date) result.date = date;
    }
    if (result.intent === 'ReferredSomeone' || result.intent === 'MovedOut' || result.intent === 'Retired') {
      const referral = referralOf(message, reply, options.ourAddresses ?? []);
      if (referral) result.referral = referral;
    }
    if (result.intent === 'AgreedToMeet' || result.intent === 'InterestedToProceed') {
      const meeting = meetingSentence(reply);
      if (meeting) result.meeting = meeting;
    }
    return result;
  }
}
