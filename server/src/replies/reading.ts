import type { ReplyIntent } from '../domain/reply-intents.js';
import type { MeetingTime } from './dates.js';
import type { Language } from './language.js';
import type { InboundMessage } from './message.js';

/** What a reading of a reply is: shared by the classifier, the safety rules, examples and the refiner. */

export interface Referral {
  name: string | null;
  email: string | null;
}

export interface BounceInfo {
  recipient: string | null;
  /** Permanent (5.x.x): the address is dead. Temporary (4.x.x): the server will retry. */
  hard: boolean;
  status: string | null;
  diagnostic: string | null;
}

export interface Classification {
  intent: ReplyIntent;
  /** 0–1: how sure the classifier is. */
  confidence: number;
  /** The rule, example or model reading behind the result, readable by a person. */
  reason: string;
  /** What decided: an exact rule, the org's own examples, the shipped model, or the optional refiner. */
  source: 'rule' | 'example' | 'model' | 'refiner';
  /** YYYY-MM-DD: the return date (OutOfOffice) or when to reconnect (ConnectLater). */
  date?: string;
  language: Language;
  /** What the person wrote, without quotes, signature or our own text (at most 2,000 characters). */
  excerpt: string;
  referral?: Referral;
  bounce?: BounceInfo;
  /** The proposed meeting time, when the reply names a day and a time. */
  meeting?: MeetingTime;
  /** The sender's own words that ask to stop ("please remove me"): the only thing that can opt a lead out. */
  optOut?: string;
  /** Both an opt-out and a positive answer: a person decides. */
  mixed?: boolean;
  /** The model's next readings, for a person correcting it. */
  alternatives: { intent: ReplyIntent; probability: number }[];
}

/** An org's own phrase → intent mapping ("teach your assistant"); kept as an example of the phrase kind. */
export interface TaughtPhrase {
  phrase: string;
  intent: ReplyIntent;
}

/** A second opinion for low-confidence readings (the optional OpenAI-compatible refiner). */
export interface ReplyRefiner {
  refine(message: InboundMessage, first: Classification): Promise<Classification>;
}
