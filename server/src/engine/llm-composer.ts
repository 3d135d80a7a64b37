import { z } from 'zod';
import { type ChatEndpoint, askForJson } from '../lib/chat-completion.js';
import type { Logger } from '../lib/logger.js';
import { type ComposeInput, type ComposedEmail, type Composer, frameEmail, stepPurpose } from './composer.js';
import { MAX_WORDS, languageFor, refusalOf } from './email-checks.js';
import { pitchFor } from './writing/writer.js';

export type LlmComposerOptions = ChatEndpoint;
const email = z.object({ subject: z.string().trim().min(1).max(200), body: z.string().trim().min(1).max(5000) });

const LANGUAGE_NAMES = { en: 'English', de: 'German', es: 'Spanish', fr: 'French', pt: 'Portuguese' } as const;

/**
 * Writes emails with any OpenAI-compatible chat endpoint (a hosted provider or a local model
 * server). The model gets the step's purpose, the context as information, the record's fields and
 * the thread so far; its answer is checked (email-checks.ts) and, on any failure — an error, a
 * timeout, an unusable or refused answer — the built-in composer writes instead, and the email says
 * why (`fallback`, shown on the lead's timeline). The footer (unsubscribe, address) and the P.S.
 * are always ours.
 */
export class LlmComposer implements Composer {
  constructor(
    private readonly options: LlmComposerOptions,
    private readonly fallback: Composer,
    private readonly logger: Logger,
  ) {}

  async compose(input: ComposeInput): Promise<ComposedEmail> {
    if (input.step.mode === 'custom') return this.fallback.compose(input);
    let why: string;
    try {
      const written = await this.ask(input);
      const refusal = refusalOf(written, input);
      if (!refusal) return { subject: written.subject, text: frameEmail(written.body, input, { language: languageFor(input) }) };
      why = `the model's email was refused: ${refusal}`;
    } catch (error) {
      why = `the model could not be used: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.logger.warn('LLM composer not used; the built-in composer wrote the email', { why });
    return { ...(await this.fallback.compose(input)), fallback: why };
  }

  private async ask(input: ComposeInput): Promise<{ subject: string; body: string }> {
    const { lead, assistant, step, stepIndex, stepsTotal, thread = [] } = input;
    // The assistant's pitch in the lead's language when it has one (the model need not translate).
    const pitch = pitchFor(input);
    const fields = [
      ['Name', [lead.first_name, lead.last_name].filter(Boolean).join(' ')],
      ['Title', lead.title],
      ['Company', lead.company],
      ['Industry', lead.industry],
      ['City', lead.city],
      ['Country', lead.country],
    ].filter((pair): pair is [string, string] => typeof pair[1] === 'string' && pair[1] !== '');
    const prompt = [
      `Write email ${stepIndex + 1} of ${stepsTotal} of a short B2B sales sequence from ${assistant.name}${stepIndex > 0 ? ', a follow-up in the same thread' : ''}.`,
      `Its purpose: ${stepPurpose(stepIndex, stepsTotal).brief}`,
      `Write it in ${LANGUAGE_NAMES[languageFor(input)]}, as a native speaker would.`,
      `The recipient, from the CRM record:\n${fields.map(([label, value]) => `- ${label}: ${value}`).join('\n')}`,
      `Background (information about our offer and about the person; do not quote it, do not address the person in the third person):\n${pitch.context}`,
      pitch.proofs.length > 0 ? `Proof points you may use (only these; invent no other figures, customers or results):\n${pitch.proofs.map((line) => `- ${line}`).join('\n')}` : 'Invent no figures, customers or results.',
      thread.length > 0 ? `The emails already sent in this thread (repeat none of their sentences):\n${thread.map((previous, index) => `--- Email ${index + 1}: ${previous.subject}\n${previous.text}`).join('\n')}` : '',
      `Plain text, at most ${Math.min(MAX_WORDS, 120)} words, start with a greeting, no signature, no placeholders, no links. Days since the previous email: ${step.after_days}.`,
      'Answer with JSON only: {"subject": "...", "body": "..."}',
    ].filter(Boolean);
    return askForJson(this.options, 'You write concise, honest sales emails.', prompt.join('\n\n'), email, 0.7);
  }
}
