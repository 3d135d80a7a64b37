import type { ReplyIntent } from '../domain/reply-intents.js';
import type { TaughtPhrase } from './reading.js';
import { normalise } from './reply-text.js';

/**
 * An org's own examples, which change how its replies are read without retraining the shipped
 * model: a taught phrase ("kindly desist" → Unsubscribed) matches when the sender's words contain
 * it; a reply a person corrected matches replies that share most of its words and word pieces.
 */
export interface ReplyExample {
  kind: 'phrase' | 'reply';
  intent: ReplyIntent;
  /** The phrase, or the corrected reply's own words. */
  text: string;
  /** The features of a corrected reply (features.ts), stored with it. */
  features?: readonly string[];
}

/** A corrected reply decides a new one at this cosine similarity of their feature sets or above. */
export const EXAMPLE_MIN_SIMILARITY = 0.5;
/** Negation words (features.ts word features) in our five languages. */
const NEGATIONS = new Set(['w:not', "w:don't", "w:doesn't", "w:isn't", "w:aren't", "w:won't", 'w:no', 'w:never', 'w:nicht', 'w:kein', 'w:keine', 'w:keinen', 'w:nie', 'w:pas', 'w:jamais', 'w:ne', 'w:nunca', 'w:nao', 'w:nada']);

/** A corrected reply this similar may decide an intent that suppresses or closes the lead. */
export const NEAR_IDENTICAL = 0.85;
/** A taught phrase found in the sender's words. */
export const PHRASE_CONFIDENCE = 0.95;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Only the words and word pieces: `len:`, `has:` and `bias` are shared by too many replies to mean anything. */
const CONTENT = /^(w|b|c|s):/;

function similarity(a: readonly string[], b: ReadonlySet<string>): number {
  const content = a.filter((feature) => CONTENT.test(feature));
  let sizeB = 0;
  for (const feature of b) if (CONTENT.test(feature)) sizeB += 1;
  if (content.length === 0 || sizeB === 0) return 0;
  let shared = 0;
  for (const feature of content) if (b.has(feature)) shared += 1;
  return shared / Math.sqrt(content.length * sizeB);
}

export function matchExample(
  examples: readonly ReplyExample[],
  taught: readonly TaughtPhrase[],
  normalOwn: string,
  features: readonly string[],
): { example: ReplyExample; similarity: number; confidence: number } | null {
  const phrases: ReplyExample[] = [...taught.map((entry) => ({ kind: 'phrase' as const, intent: entry.intent, text: entry.phrase })), ...examples.filter((example) => example.kind === 'phrase')];
  // Longer phrases first: "not interested right now" before "interested".
  for (const example of phrases.sort((a, b) => b.text.length - a.text.length)) {
    const phrase = normalise(example.text).trim();
    if (phrase && new RegExp(`(^|[^a-z0-9])${escapeRegExp(phrase)}($|[^a-z0-9])`).test(normalOwn)) return { example, similarity: 1, confidence: PHRASE_CONFIDENCE };
  }
  const set = new Set(features);
  const negated = (list: Iterable<string>) => [...list].some((feature) => NEGATIONS.has(feature));
  const negatedNow = negated(set);
  let best: { example: ReplyExample; similarity: number } | null = null;
  for (const example of examples) {
    if (example.kind !== 'reply' || !example.features) continue;
    // "We are not interested" and "We are interested" share nearly every word piece: a negation on one side only means they differ.
    if (negated(example.features) !== negatedNow) continue;
    const score = similarity(example.features, set);
    if (score >= EXAMPLE_MIN_SIMILARITY && (!best || score > best.similarity)) best = { example, similarity: score };
  }
  if (!best) return null;
  // Word pieces do not see negation ("we are not interested" / "we are interested"): a corrected reply
  // may make a similar one suppress or close the lead only when they are nearly the same words.
  const closing = ['Unsubscribed', 'Deactivated', 'MovedOut', 'Retired'].includes(best.example.intent);
  const confidence = closing && best.similarity < NEAR_IDENTICAL ? 0.6 : Math.min(0.95, 0.45 + best.similarity / 2);
  return { ...best, confidence };
}
