import { z } from 'zod';
import { type ChatEndpoint, askForJson } from '../lib/chat-completion.js';
import type { Logger } from '../lib/logger.js';
import { type ComposeInput, type ComposedEmail, type Composer, frameEmail } from './composer.js';

export type LlmComposerOptions = ChatEndpoint;
const email = z.object({ subject: z.string().trim().min(1).max(200), body: z.string().trim().min(20).max(5000) });

/**
 * Writes emails with any OpenAI-compatible chat endpoint (a hosted provider or a local model
 * server). On any error, timeout or unusable answer it falls back to the template composer, so a
 * model outage never stops a sequence. The footer (unsubscribe, address) and the P.S. are always ours.
 */
export class LlmComposer implements Composer {
  constructor(
    private readonly options: LlmComposerOptions,
    private readonly fallback: Composer,
    private readonly logger: Logger,
  ) {}

  async compose(input: ComposeInput): Promise<ComposedEmail> {
    if (input.step.mode === 'custom') return this.fallback.compose(input);
    try {
      const written = await this.ask(input);
      // The model writes the body only; the signature, P.S. and compliance footer are always ours.
      return { subject: written.subject, text: frameEmail(written.body, input) };
    } catch (error) {
      this.logger.warn('LLM composer failed; using the template', { error: error instanceof Error ? error.message : String(error) });
      return this.fallback.compose(input);
    }
  }

  private async ask(input: ComposeInput): Promise<{ subject: string; body: string }> {
    const { lead, step, stepIndex, stepsTotal } = input;
    const prompt = [
      `Write email ${stepIndex + 1} of ${stepsTotal} of a short B2B sales sequence${stepIndex > 0 ? ' (a follow-up in the same thread)' : ''}.`,
      `Recipient: ${[lead.first_name, lead.last_name].filter(Boolean).join(' ') || 'unknown name'}${lead.company ? ` at ${lead.company}` : ''}.`,
      `What we offer and why it matters to them: ${lead.context}`,
      `Keep it under 120 words, plain text, no signature, no placeholders. Days since the previous email: ${step.after_days}.`,
      'Answer with JSON only: {"subject": "...", "body": "..."}',
    ].join('\n');
    return askForJson(this.options, 'You write concise, honest sales emails.', prompt, email, 0.7);
  }
}
