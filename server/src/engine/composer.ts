import type { Language } from '../domain/languages.js';
import type { Assistant } from '../db/assistants.js';
import type { SequenceStep } from '../db/sequences.js';
import type { Lead } from '../db/leads.js';

export interface ComposedEmail {
  subject: string;
  text: string;
  /** Set when a model was asked and its email was refused: why the built-in composer wrote instead (for the timeline). */
  fallback?: string;
}

/** What the record says about the person (read at intake); unknown fields are null or absent. */
export type LeadProfile = Partial<Pick<Lead, 'title' | 'industry' | 'city' | 'country' | 'language'>>;

export interface ComposeInput {
  lead: Pick<Lead, 'first_name' | 'last_name' | 'company' | 'context'> & LeadProfile;
  assistant: Pick<Assistant, 'name' | 'signature' | 'nurture_lines' | 'postal_address'> & Partial<Pick<Assistant, 'brochure_url' | 'default_context' | 'other_languages'>>;
  step: SequenceStep;
  stepIndex: number;
  stepsTotal: number;
  unsubscribeUrl: string;
  /** The emails of the thread so far, oldest first. */
  thread?: readonly { subject: string; text: string }[];
}

/** Writes one email of a sequence: the built-in one (writing/writer.ts) or a model's (llm-composer.ts). */
export interface Composer {
  compose(input: ComposeInput): Promise<ComposedEmail>;
}

/** What each email of a sequence is for: the opening, value with one proof, a relevant question, a case from the nurture table, a short break-up. */
export function stepPurpose(stepIndex: number, stepsTotal: number): { name: 'opening' | 'value' | 'question' | 'case' | 'break-up'; brief: string } {
  if (stepIndex === 0) return { name: 'opening', brief: 'open the conversation: why you are writing to this person at this company, what we offer in one sentence, and one easy question.' };
  if (stepIndex === stepsTotal - 1) return { name: 'break-up', brief: 'a short, friendly last note: you will stop writing, and they can reply any time.' };
  if (stepIndex === 1) return { name: 'value', brief: 'one concrete benefit for their kind of company, backed by one proof point.' };
  if (stepIndex === 2) return { name: 'question', brief: 'one relevant question about how they handle the problem today.' };
  return { name: 'case', brief: 'a short case from the proof points, and what it could mean for them.' };
}

/** The footer's line above the unsubscribe link, in the email's language. */
const UNSUBSCRIBE: Record<Language, string> = {
  en: 'To stop these emails, unsubscribe:',
  de: 'Keine weiteren E-Mails erhalten? Hier abmelden:',
  es: 'Para dejar de recibir estos correos, dese de baja aquí:',
  fr: 'Pour ne plus recevoir ces e-mails, désabonnez-vous :',
  pt: 'Para deixar de receber estes emails, cancele aqui:',
};

/**
 * Puts a written body into our frame: the signature, the P.S. (the nurture table's next proof
 * point, never one an earlier email of the thread had), a quoted earlier email, and the compliance
 * footer with the unsubscribe link and postal address. Every composer uses it, so no email ever goes
 * out without the footer.
 */
export function frameEmail(
  body: string,
  input: Pick<ComposeInput, 'assistant' | 'stepIndex' | 'unsubscribeUrl'>,
  options: { postscript?: boolean; quote?: string | undefined; language?: Language } = {},
): string {
  const { assistant, stepIndex } = input;
  const proof = options.postscript !== false && stepIndex < assistant.nurture_lines.length ? assistant.nurture_lines[stepIndex]! : null;
  const parts = [body.trim(), assistant.signature.trim() || assistant.name];
  if (proof) parts.push(`P.S. ${proof}`);
  if (options.quote) parts.push(options.quote);
  const footer = [`${UNSUBSCRIBE[options.language ?? 'en']} ${input.unsubscribeUrl}`];
  if (assistant.postal_address) footer.push(assistant.postal_address);
  parts.push(`--\n${footer.join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}
