import { type Language, isLanguage } from '../domain/languages.js';
import { detectLanguage } from '../replies/language.js';
import { normalise } from '../replies/reply-text.js';
import type { ComposeInput } from './composer.js';

/** A model's email is at most this long (words of the body), and at least this. */
export const MAX_WORDS = 180;
const MIN_WORDS = 12;

/** Left-over template slots: {{first_name}}, [Name], <COMPANY>, XXX, TBD, lorem ipsum. */
const PLACEHOLDER = /\{\{|\}\}|\[[A-Za-z][^\]\n]{0,40}\]|<[A-Z][A-Z_ ]{1,30}>|\bX{3,}\b|\bTBD\b|lorem ipsum/i;
const LINK = /\bhttps?:\/\/[^\s<>()"']+|\bwww\.[^\s<>()"']+/gi;
/** A figure someone could hold us to: a percentage, an amount of money, or any number of two or more digits. */
const FIGURE = /(?:[$€£]\s?)?\d+(?:[.,]\d+)*\s?%?/g;

/** The language an email to this lead is written in: the record's, else the language the context is written in. */
export function languageFor(input: Pick<ComposeInput, 'lead'>): Language {
  const known = input.lead.language;
  if (known && isLanguage(known)) return known;
  return detectLanguage(input.lead.context, normalise(input.lead.context));
}

const hostOf = (url: string) => {
  try {
    return new URL(url.startsWith('www.') ? `https://${url}` : url).hostname.toLowerCase();
  } catch {
    return '';
  }
};

const digitsOf = (text: string) => new Set((text.match(/\d+(?:[.,]\d+)*/g) ?? []).map((figure) => figure.replace(/[.,](?=\d{3}\b)/g, '')));

/**
 * Why a model's email cannot go out, or null when it can: too long or too short, a placeholder
 * left in, a link that is not ours (the brochure, the unsubscribe page), a figure that neither the
 * context, the nurture table, the record nor the thread holds (an invented claim), or another
 * language than the lead's.
 */
export function refusalOf(written: { subject: string; body: string }, input: ComposeInput): string | null {
  const words = written.body.split(/\s+/).filter(Boolean).length;
  if (words > MAX_WORDS) return `too long (${words} words; at most ${MAX_WORDS})`;
  if (words < MIN_WORDS) return `too short (${words} words)`;
  const placeholder = PLACEHOLDER.exec(`${written.subject}\n${written.body}`);
  if (placeholder) return `a placeholder was left in ("${placeholder[0]}")`;

  const ours = new Set([hostOf(input.unsubscribeUrl), ...(input.assistant.brochure_url ? [hostOf(input.assistant.brochure_url)] : [])].filter(Boolean));
  const foreign = (`${written.subject}\n${written.body}`.match(LINK) ?? []).find((link) => !ours.has(hostOf(link)));
  if (foreign) return `a link that is not ours (${foreign})`;

  const { lead, assistant, thread = [] } = input;
  const pitches = Object.values(assistant.other_languages ?? {}).flatMap((pitch) => [pitch.context, ...pitch.nurture_lines]);
  const known = digitsOf([lead.context, ...assistant.nurture_lines, ...pitches, lead.company ?? '', lead.title ?? '', lead.city ?? '', ...thread.map((email) => email.text)].join('\n'));
  for (const figure of `${written.subject}\n${written.body}`.match(FIGURE) ?? []) {
    const digits = figure.replace(/[^\d.,]/g, '').replace(/[.,](?=\d{3}\b)/g, '');
    const isClaim = figure.includes('%') || /[$€£]/.test(figure) || digits.replace(/\D/g, '').length >= 2;
    if (isClaim && !known.has(digits)) return `a claim that is not in the context or the nurture table ("${figure.trim()}")`;
  }

  const expected = languageFor(input);
  const language = detectLanguage(written.body, normalise(written.body));
  if (language !== expected) return `written in ${language}, not the lead's language (${expected})`;
  return null;
}
