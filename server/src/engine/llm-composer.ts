import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import { type ComposeInput, type ComposedEmail, type Composer, frameEmail } from './composer.js';

export interface LlmComposerOptions {
  baseUrl: string;
  model: string;
  apiKey: string | undefined;
  timeoutMs?: number;
}

const answer = z.object({ choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1) });
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
    const response = await fetch(`${this.options.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}) },
      body: JSON.stringify({ model: this.options.model, temperature: 0.7, messages: [{ role: 'system', content: 'You write concise, honest sales emails.' }, { role: 'user', content: prompt }] }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
    });
    if (!response.ok) throw new Error(`LLM endpoint answered ${response.status}`);
    const content = answer.parse(await response.json()).choices[0]!.message.content;
    const json = content.slice(content.indexOf('{'), content.lastIndexOf('}') + 1);
    return email.parse(JSON.parse(json));
  }
}
