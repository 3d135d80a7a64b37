import type { ReplyIntent } from '../../../server/src/contract/record-widget.js';

/** Reply classes in words a salesperson reads at a glance: one vocabulary for the widget and the settings tab. */
export const INTENT_LABELS: Record<ReplyIntent, string> = {
  OutOfOffice: 'Out of office',
  Deactivated: 'Not interested',
  AgreedToMeet: 'Agreed to meet',
  BrochureSent: 'Asked for material',
  ConnectLater: 'Asked to connect later',
  Unsubscribed: 'Unsubscribed',
  InterestedToProceed: 'Wants to go ahead',
  ReferredSomeone: 'Referred someone',
  MovedOut: 'Left the company',
  Retired: 'Retired',
  SeekingMoreInfo: 'Asked questions',
  SupportAutoResponse: 'Help desk auto-reply',
  Bounce: 'Bounced',
  AutoReply: 'Auto-reply',
  Unclassified: 'Replied',
};

/** What a person may say a reply was: every reading but a bounce (bounces are known by their structure). */
export const CORRECTABLE_INTENTS = (Object.keys(INTENT_LABELS) as ReplyIntent[]).filter((intent) => intent !== 'Bounce');

const isLabelled = (intent: string): intent is ReplyIntent => Object.hasOwn(INTENT_LABELS, intent);

export const intentLabel = (intent: string | null | undefined) => (intent ? (isLabelled(intent) ? INTENT_LABELS[intent] : intent) : 'unread');
