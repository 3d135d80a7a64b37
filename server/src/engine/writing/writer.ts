import { type Language, isLanguage } from '../../domain/languages.js';
import { detectLanguage } from '../../replies/language.js';
import { normalise } from '../../replies/reply-text.js';
import { type ComposeInput, type ComposedEmail, type Composer, frameEmail, stepPurpose } from '../composer.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import type { Facts, Phrasebook } from './phrasebook.js';
import { pt } from './pt.js';

const PHRASEBOOKS: Record<Language, Phrasebook> = { en, de, es, fr, pt };

const languageOf = (text: string): Language => detectLanguage(text, normalise(text));

/** Sentences of a context: split after a stop that a capital (or a digit) follows. */
export const sentencesOf = (text: string): string[] =>
  text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\d"“«¿¡])/u)
    .map((sentence) => sentence.trim())
    .filter(Boolean);

const PERSON_PRONOUNS = /^(?:He|She|They|His|Her|Their)\b/;

/**
 * What the built-in composer writes from: the language (the record's, else the context's), the
 * context in that language (the record's own when it is written in it, else the assistant's pitch
 * for that language), and the proof points in that language. With no pitch in the record's
 * language the email is written in the context's language: never half in one, half in another.
 */
export function pitchFor(input: Pick<ComposeInput, 'lead' | 'assistant'>): { language: Language; context: string; proofs: readonly string[] } {
  const { lead, assistant } = input;
  const base = assistant.default_context ? languageOf(assistant.default_context) : languageOf(lead.context);
  const written = languageOf(lead.context);
  const wanted = lead.language && isLanguage(lead.language) ? lead.language : written;
  const proofsIn = (language: Language) => (language === base ? assistant.nurture_lines : (assistant.other_languages?.[language]?.nurture_lines ?? []));
  if (written === wanted) return { language: wanted, context: lead.context, proofs: proofsIn(wanted) };
  const other = assistant.other_languages?.[wanted];
  if (other) return { language: wanted, context: other.context, proofs: other.nurture_lines };
  if (wanted === base && assistant.default_context) return { language: wanted, context: assistant.default_context, proofs: assistant.nurture_lines };
  return { language: written, context: lead.context, proofs: proofsIn(written) };
}

/** The body of the previous email (without its footer, its P.S. kept), quoted below a reply to it. */
function quoted(previous: { text: string }, intro: string): string {
  const body = previous.text.split(/\n--\n/)[0]!.split('\n');
  const firstQuote = body.findIndex((line) => line.startsWith('>'));
  const own = (firstQuote === -1 ? body : body.slice(0, Math.max(0, firstQuote - 1))).join('\n').trim();
  return [intro, ...own.split('\n').map((line) => (line ? `> ${line}` : '>'))].join('\n');
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => values[key] ?? '');
}

/**
 * The built-in composer. Each step writes to its purpose (opening, value with one proof, a
 * question, a case, a break-up) in the lead's language, from the context as information: its
 * sentences about the person are said to them (English) or left out, its sentences about the offer
 * are spread over the steps, one each, and the nurture table's proof points go one to an email.
 * Every sentence names the company or the person, so no two leads' emails share one and no email
 * repeats an earlier one; the follow-up that refers to the previous email quotes it below.
 * Custom steps send their own text with {{first_name}}-style fields filled in.
 */
export class TemplateComposer implements Composer {
  async compose(input: ComposeInput): Promise<ComposedEmail> {
    const { lead, assistant, step, stepIndex, stepsTotal, thread = [] } = input;
    const facts: Facts = { first: lead.first_name || null, last: lead.last_name || null, company: lead.company || null, title: lead.title ?? null, city: lead.city ?? null, industry: lead.industry ?? null };
    const { language, context, proofs } = pitchFor(input);
    const book = PHRASEBOOKS[language];
    const subject = step.mode === 'custom' && step.subject ? fill(step.subject, valuesOf(input)) : stepIndex === 0 ? book.subject(facts) : `Re: ${(thread[0]?.subject ?? book.subject(facts)).replace(/^Re:\s*/i, '')}`;
    if (step.mode === 'custom' && step.body) return { subject, text: frameEmail(fill(step.body, valuesOf(input)), input, { language }) };

    const named = [facts.first, facts.last, facts.company].filter((name): name is string => Boolean(name && name.length > 1));
    const aboutPerson = (sentence: string) => PERSON_PRONOUNS.test(sentence) || named.some((name) => new RegExp(`(?<![\\p{L}])${escape(name)}(?![\\p{L}])`, 'u').test(sentence));
    const sentences = sentencesOf(context);
    const offers = sentences.filter((sentence) => !aboutPerson(sentence));
    const aboutThem = sentences.filter(aboutPerson).map((sentence) => book.toYou(sentence, facts)).filter((said): said is string => said !== null);

    const purpose = stepPurpose(stepIndex, stepsTotal).name;
    const caseNumber = Math.max(0, stepIndex - 3);
    const paragraphs =
      purpose === 'opening'
        ? book.opening(facts, offers[0] ?? null, aboutThem.join(' ') || null)
        : purpose === 'value'
          ? book.value(facts, offers[1] ?? null, proofs[0] ?? null)
          : purpose === 'question'
            ? book.question(facts)
            : purpose === 'case'
              ? book.example(facts, proofs[1 + caseNumber] ?? null, offers[2 + caseNumber] ?? null, caseNumber)
              : book.breakUp(facts);
    const body = [book.greeting(facts), ...paragraphs].join('\n\n');
    const previous = thread.at(-1);
    const quote = purpose === 'value' && previous ? quoted(previous, book.wrote(assistant.name)) : undefined;
    return { subject, text: frameEmail(body, input, { postscript: false, quote, language }) };
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function valuesOf({ lead, assistant }: ComposeInput): Record<string, string> {
  return {
    first_name: lead.first_name || 'there',
    last_name: lead.last_name ?? '',
    company: lead.company ?? '',
    company_or_you: lead.company || 'you',
    company_or_your_team: lead.company || 'your team',
    company_or_yours: lead.company || 'yours',
    title: lead.title ?? '',
    city: lead.city ?? '',
    context: lead.context.trim(),
    assistant_name: assistant.name,
  };
}
