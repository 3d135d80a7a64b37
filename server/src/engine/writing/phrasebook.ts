/**
 * What a language's phrasebook writes with: the facts of the record, the offer's sentences (from the
 * context, in this language) and the proof points (from the nurture table). Each step's phrases
 * name the company or the person, so two leads' emails never share a sentence, and each step says
 * something the earlier ones did not.
 */
export interface Facts {
  first: string | null;
  last: string | null;
  company: string | null;
  title: string | null;
  city: string | null;
  /** The industry as Zoho names it (a picklist value such as "Manufacturing"). */
  industry: string | null;
}

/** One language's way of writing each step. Every function answers the body's paragraphs. */
export interface Phrasebook {
  greeting(facts: Facts): string;
  subject(facts: Facts): string;
  /**
   * A sentence of the context about the person, turned to them ("Pierre runs the Lyon plant" →
   * "From what I hear, you run the Lyon plant."); null when it cannot be said to them.
   */
  toYou(sentence: string, facts: Facts): string | null;
  /** Why we write to this person, what we offer (one sentence of the context), one easy question. */
  opening(facts: Facts, offer: string | null, aboutThem: string | null): string[];
  /** Value: the next sentence of the offer and one proof point; refers to the email quoted below. */
  value(facts: Facts, offer: string | null, proof: string | null): string[];
  /** A relevant question: who owns the problem today. */
  question(facts: Facts): string[];
  /** A case from the nurture table (the n-th case email of a long sequence). */
  example(facts: Facts, proof: string | null, offer: string | null, n: number): string[];
  /** A short break-up: the last note for now. */
  breakUp(facts: Facts): string[];
  /** The line above a quoted earlier email. */
  wrote(sender: string): string;
}

/** A sentence that follows a colon: its first word is lowered when it is a pronoun ("We cut …" → "we cut …"). */
export function afterColon(sentence: string, pronouns: readonly string[]): string {
  const first = sentence.split(/\s+/)[0] ?? '';
  return pronouns.includes(first) ? sentence.charAt(0).toLowerCase() + sentence.slice(1) : sentence;
}

/** A sentence ends with its stop: the offer's own, or a full stop. */
export const ended = (sentence: string) => (/[.!?…]$/.test(sentence.trim()) ? sentence.trim() : `${sentence.trim()}.`);
