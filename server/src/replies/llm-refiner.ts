import { z } from 'zod';
import { REPLY_INTENTS, type ReplyIntent } from '../domain/reply-intents.js';
import { type ChatEndpoint, askForJson } from '../lib/chat-completion.js';
import type { Logger } from '../lib/logger.js';
import type { Classification, ReplyRefiner } from './reading.js';
import type { InboundMessage } from './message.js';

/** The model may not declare a bounce: those come only from delivery reports (a reply's text cannot fake one). */
const ANSWERABLE = REPLY_INTENTS.filter((intent) => intent !== 'Bounce') as [Exclude<ReplyIntent, 'Bounce'>, ...Exclude<ReplyIntent, 'Bounce'>[]];

const verdict = z.object({
  intent: z.enum(ANSWERABLE),
  confidence: z.number().min(0).max(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
});

/**
 * A second opinion from an OpenAI-compatible model for replies the built-in rules are unsure of.
 * Bounces are never sent to it; any error or unusable answer keeps the built-in result.
 */
export class LlmReplyRefiner implements ReplyRefiner {
  constructor(
    private readonly endpoint: ChatEndpoint,
    private readonly logger: Logger,
  ) {}

  async refine(message: InboundMessage, first: Classification): Promise<Classification> {
    const sent = (message.date ?? new Date()).toISOString().slice(0, 10);
    const prompt = [
      `Classify this reply to a B2B sales email into exactly one intent: ${ANSWERABLE.join(', ')}.`,
      'OutOfOffice and ConnectLater may carry the date (YYYY-MM-DD) the person is back or asked to be contacted.',
      `The reply was sent on ${sent}. Subject: ${message.subject.slice(0, 200)}`,
      `Reply (quoted history removed):\n"""\n${first.excerpt.slice(0, 1_500)}\n"""`,
      'Answer with JSON only: {"intent": "...", "confidence": 0.0-1.0, "date": "YYYY-MM-DD" or null}',
    ].join('\n');
    try {
      const answer = await askForJson(this.endpoint, 'You read replies to sales emails and answer with JSON only.', prompt, verdict, 0);
      if (answer.confidence <= first.confidence) return first;
      // A date belongs only to an absence or a "later"; the model's own date wins.
      const { date: firstDate, ...rest } = first;
      const dated = answer.intent === 'OutOfOffice' || answer.intent === 'ConnectLater';
      const date = dated ? (answer.date ?? (answer.intent === first.intent ? firstDate : undefined)) : undefined;
      return {
        ...rest,
        intent: answer.intent,
        confidence: Math.round(answer.confidence * 100) / 100,
        source: 'refiner',
        reason: `model ${this.endpoint.model} (the built-in reading was ${first.intent}: ${first.reason})`,
        ...(date ? { date } : {}),
      };
    } catch (error) {
      this.logger.warn('reply refiner failed; keeping the built-in classification', { error: error instanceof Error ? error.message : String(error) });
      return first;
    }
  }
}
