import { PHRASES } from './phrases.js';
import { normalise } from './reply-text.js';

/**
 * What the reply model reads of a message: language-agnostic word and character n-grams of the
 * sender's own words and of the subject, plus a few facts about the message. The built-in phrase
 * rules of earlier releases become features too ("rule:AgreedToMeet"): the model learns how far to
 * trust each, instead of the rules deciding.
 */
export interface FeatureInput {
  /** The sender's own words (quotes, signatures and our own text removed). */
  text: string;
  subject: string;
  /** Auto-Submitted / X-Autoreply / Precedence said the message is automatic. */
  automatic: boolean;
  /** A Cc other than us. */
  hasCc: boolean;
}

/** The model reads at most this much of the sender's words: meaning is at the top, and it bounds the work. */
export const MAX_FEATURE_CHARS = 4_000;

const SUBJECT_PREFIX = /^((re|aw|antw|wg|fw|fwd|tr|rv|sv|res|ref|réf)\s?(\[\d+\])?\s?:\s*)+/i;
const EMAIL = /[a-z0-9._%+-]{1,64}@[a-z0-9.-]{1,255}\.[a-z]{2,24}/g;
const URL = /https?:\/\/\S{1,500}/g;
const TIME = /\b\d{1,2}([:.h]\d{2})?\s?(am|pm|h|uhr|hs|horas|heures)\b|\b\d{1,2}:\d{2}\b/g;
const TICKET = /(#|\b(ticket|case|request|incident|caso|chamado|solicitud|demande|anfrage|vorgang|protocolo)\b\D{0,12})\d{3,}/;

function words(normal: string): string[] {
  return normal
    .replace(URL, ' xurl ')
    .replace(EMAIL, ' xemail ')
    .replace(TIME, ' xtime ')
    .replace(/\d+/g, '0')
    .split(/[^a-z0-9']+/)
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter(Boolean);
}

/**
 * Each intent's phrase rules as one alternation per set of flags: a single scan answers whether any
 * of them matches, which is all a feature needs (the same answer as testing them one by one).
 */
const RULE_GROUPS: [string, RegExp[]][] = Object.entries(PHRASES).map(([intent, rules]) => {
  const byFlags = new Map<string, string[]>();
  for (const rule of rules ?? []) byFlags.set(rule.pattern.flags, [...(byFlags.get(rule.pattern.flags) ?? []), `(?:${rule.pattern.source})`]);
  return [intent, [...byFlags.entries()].map(([flags, sources]) => new RegExp(sources.join('|'), flags))];
});

function ruleHits(normal: string): string[] {
  return RULE_GROUPS.filter(([, patterns]) => patterns.some((pattern) => pattern.test(normal))).map(([intent]) => `rule:${intent}`);
}

export function featuresOf(input: FeatureInput): string[] {
  const normal = normalise(input.text.slice(0, MAX_FEATURE_CHARS));
  const features = new Set<string>();
  const tokens = words(normal);
  for (let index = 0; index < tokens.length; index += 1) {
    const word = tokens[index]!;
    features.add(`w:${word}`);
    if (index + 1 < tokens.length) features.add(`b:${word}_${tokens[index + 1]}`);
    if (word.length >= 3 && word.length <= 30) {
      const padded = `<${word}>`;
      for (let n = 3; n <= 4; n += 1) for (let start = 0; start + n <= padded.length; start += 1) features.add(`c:${padded.slice(start, start + n)}`);
    }
  }
  for (const word of words(normalise(input.subject.replace(SUBJECT_PREFIX, '').slice(0, 300)))) features.add(`s:${word}`);
  for (const hit of ruleHits(normal)) features.add(hit);
  const length = tokens.length;
  features.add(`len:${length === 0 ? 0 : length <= 3 ? 1 : length <= 12 ? 2 : length <= 40 ? 3 : length <= 120 ? 4 : 5}`);
  if (normal.includes('?')) features.add('has:question');
  if (tokens.includes('xemail')) features.add('has:email');
  if (tokens.includes('xtime')) features.add('has:time');
  if (TICKET.test(normal)) features.add('has:ticket');
  if (input.automatic) features.add('has:auto-header');
  if (input.hasCc) features.add('has:cc');
  features.add('bias');
  return [...features];
}
