/** What a reply means, as 7Targets names the classes, plus bounces, other auto-replies and "no class". */
export const REPLY_INTENTS = [
  'OutOfOffice',
  'Deactivated',
  'AgreedToMeet',
  'BrochureSent',
  'ConnectLater',
  'Unsubscribed',
  'InterestedToProceed',
  'ReferredSomeone',
  'MovedOut',
  'Retired',
  'SeekingMoreInfo',
  'SupportAutoResponse',
  'Bounce',
  'AutoReply',
  'Unclassified',
] as const;

export type ReplyIntent = (typeof REPLY_INTENTS)[number];

export const isReplyIntent = (value: string): value is ReplyIntent => (REPLY_INTENTS as readonly string[]).includes(value);

/** Intents a person can teach with a phrase ("teach your assistant"); machine classes are not taught. */
export const TEACHABLE_INTENTS: readonly ReplyIntent[] = REPLY_INTENTS.filter((intent) => intent !== 'Bounce');
