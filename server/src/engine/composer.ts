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
  assistant: Pick<Assistant, 'name' | 'signature' | 'nurture_lines' | 'postal_address'> & Partial<Pick<Assistant, 'brochure_url'>>;
  step: SequenceStep;
  stepIndex: number;
  stepsTotal: number;
  unsubscribeUrl: string;
  /** The emails of the thread so far, oldest first. */
  thread?: readonly { subject: string; text: string }[];
}

/** Writes one email of a sequence. The built-in one uses templates; an LLM-backed one may follow. */
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

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => values[key] ?? '');
}

const OPENERS = [
  { subject: 'A quick question for {{company_or_you}}', body: 'Hi {{first_name}},\n\n{{context}}\n\nWould it be worth a short call to see whether this fits {{company_or_your_team}}?' },
  { subject: 'Re: A quick question for {{company_or_you}}', body: 'Hi {{first_name}},\n\nFollowing up on my note below, in case it got buried. {{context}}\n\nIs this something you are looking at this quarter?' },
  { subject: 'Re: A quick question for {{company_or_you}}', body: 'Hi {{first_name}},\n\nOne more thought: teams like {{company_or_yours}} usually start small and see results within weeks.\n\nShall I send over a few times for a call?' },
  { subject: 'Re: A quick question for {{company_or_you}}', body: "Hi {{first_name}},\n\nI don't want to crowd your inbox, so this is my last note for now. If the timing is better later, just reply and I'll pick it up from there." },
];

/**
 * Puts a written body into our frame: the signature, the P.S. (one nurture line per step) and the
 * compliance footer with the unsubscribe link and postal address. Every composer uses it, so no
 * email ever goes out without the footer.
 */
export function frameEmail(body: string, input: Pick<ComposeInput, 'assistant' | 'stepIndex' | 'unsubscribeUrl'>): string {
  const { assistant, stepIndex } = input;
  const proof = assistant.nurture_lines.length > 0 ? assistant.nurture_lines[stepIndex % assistant.nurture_lines.length]! : null;
  const parts = [body.trim(), assistant.signature.trim() || assistant.name];
  if (proof) parts.push(`P.S. ${proof}`);
  const footer = [`To stop these emails, unsubscribe: ${input.unsubscribeUrl}`];
  if (assistant.postal_address) footer.push(assistant.postal_address);
  parts.push(`--\n${footer.join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}

/** The default composer: the step's own text for custom steps, built-in templates otherwise. */
export class TemplateComposer implements Composer {
  async compose(input: ComposeInput): Promise<ComposedEmail> {
    const { lead, assistant, step, stepIndex, stepsTotal } = input;
    const values: Record<string, string> = {
      first_name: lead.first_name || 'there',
      last_name: lead.last_name ?? '',
      company: lead.company ?? '',
      company_or_you: lead.company || 'you',
      company_or_your_team: lead.company || 'your team',
      company_or_yours: lead.company || 'yours',
      context: lead.context.trim(),
      assistant_name: assistant.name,
    };
    const template = stepIndex === stepsTotal - 1 && stepIndex > 0 ? OPENERS[3]! : OPENERS[Math.min(stepIndex, 2)]!;
    const subject = step.mode === 'custom' && step.subject ? fill(step.subject, values) : fill(template.subject, values);
    const body = step.mode === 'custom' && step.body ? fill(step.body, values) : fill(template.body, values);
    return { subject, text: frameEmail(body, input) };
  }
}
