import type { ReplyIntent } from '../domain/reply-intents.js';
import type { Classification } from './reading.js';

/**
 * What a reading may make the assistant do. A misread must cost at most an early handback: never a
 * lost lead (suppressed, opted out in Zoho, called "not interested") and never an email to someone
 * who said stop. So each consequential intent needs its own confidence, and below it the lead stops
 * and goes to a person as "Unclear, please read".
 */

/** Intents only a machine sends: with RFC 3834 headers, the reading is limited to these. */
export const AUTOMATIC_INTENTS: readonly ReplyIntent[] = ['OutOfOffice', 'AutoReply', 'SupportAutoResponse', 'MovedOut', 'Retired'];

/** Answers that show interest; an opt-out together with these goes to a person. */
export const POSITIVE_INTENTS: readonly ReplyIntent[] = ['AgreedToMeet', 'InterestedToProceed', 'SeekingMoreInfo', 'BrochureSent', 'ConnectLater'];

/** Readings after which the sequence goes on (or resumes later). */
export const CONTINUING_INTENTS: readonly ReplyIntent[] = ['AutoReply', 'SupportAutoResponse', 'OutOfOffice', 'ConnectLater'];

/**
 * An opt-out counts as mixed when, read without the opt-out intents (as positive, "no" or neither),
 * the reply is more positive than not.
 */
export const MIXED_POSITIVE_MIN = 0.5;

/**
 * The confidence each action needs. Why each number:
 * - Unsubscribed 0.85: suppression and Email_Opt_Out are hard to take back and lose the lead; the
 *   opt-out rule (the sender's own words) gives 0.9, so only the rule or a person's example passes.
 * - Deactivated 0.85, MovedOut and Retired 0.8: they suppress the address and close the lead, and a
 *   learned model reads "I'll pass this on" or a curt question as a "no" often enough (0.7–0.8 in
 *   cross-validation) that anything less goes to a person, who loses only a minute.
 * - Bounce 0.9: a bounce by structure is 0.92 or more; anything less is not acted on.
 * - OutOfOffice 0.55, AutoReply and SupportAutoResponse 0.6 (or an automatic-reply header): they keep
 *   or pause the sequence, so a misread would email or ignore a person who answered. ConnectLater 0.4:
 *   it only moves the next email later, and the lead is not lost.
 * - Every other human intent 0.4: the action is a handback either way; below it the note says unclear.
 */
export const MIN_CONFIDENCE: Record<ReplyIntent, number> = {
  Unsubscribed: 0.85,
  Deactivated: 0.85,
  MovedOut: 0.8,
  Retired: 0.8,
  Bounce: 0.9,
  OutOfOffice: 0.55,
  ConnectLater: 0.4,
  AutoReply: 0.6,
  SupportAutoResponse: 0.6,
  AgreedToMeet: 0.4,
  InterestedToProceed: 0.4,
  BrochureSent: 0.4,
  SeekingMoreInfo: 0.4,
  ReferredSomeone: 0.4,
  Unclassified: 0,
};

export type Decision = { kind: 'act'; intent: ReplyIntent } | { kind: 'unclear'; why: string };

/** What the engine may do with a reading. */
export function decide(classification: Classification, automaticHeaders = false): Decision {
  const { intent, confidence } = classification;
  if (intent === 'Unsubscribed') {
    if (!classification.optOut) return { kind: 'unclear', why: 'it reads like an opt-out, but the sender did not ask to stop in their own words' };
    if (classification.mixed) return { kind: 'unclear', why: `the sender asks to stop ("${classification.optOut}") and also sounds interested: please read and decide; the address is not suppressed` };
  }
  // Asked to stop, but read as something else (an example, a taught phrase or the refiner said so):
  // never act on a reading that ignores a request to stop. A person decides.
  if (classification.optOut && intent !== 'Unsubscribed') return { kind: 'unclear', why: `the sender wrote "${classification.optOut}", but the reply reads as ${intent}` };
  if (intent === 'Bounce' && !classification.bounce) return { kind: 'unclear', why: 'it reads like a bounce, but it is not a delivery report' };
  const automaticOk = automaticHeaders && (intent === 'AutoReply' || intent === 'SupportAutoResponse' || intent === 'OutOfOffice');
  if (!automaticOk && confidence < MIN_CONFIDENCE[intent]) {
    return { kind: 'unclear', why: `read as ${intent}, but only ${Math.round(confidence * 100)}% sure (${intent} needs ${Math.round(MIN_CONFIDENCE[intent] * 100)}%)` };
  }
  return { kind: 'act', intent };
}
