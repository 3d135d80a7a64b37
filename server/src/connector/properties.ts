import type { Entity, PropertyType } from '../contract/connector.js';
import { LEAD_STATES } from '../domain/lead-states.js';
import { REPLY_INTENTS } from '../domain/reply-intents.js';
import { assistantNames, emailsSentPerLead, leadsNewestFirst, repliesPerLead, sequenceNames } from '../db/connector-properties.js';
import type { LeadsRow } from '../db/schema.js';
import type { Db } from '../db/store.js';

/**
 * What we know, as properties the connector can sync: per lead (→ a Zoho Contact) and per account
 * (the lead's company, keyed by its email domain → a Zoho Account). Computed ones included.
 */
export type { Entity, PropertyType };

export interface PropertyDefinition {
  name: string;
  type: PropertyType;
  /** The values an enum property takes (checked against a picklist). */
  values?: readonly string[];
  /** The property in a person's words, as the settings tab shows it. */
  label: string;
  /** The longest value (checked against a text field's length). */
  maxLength?: number;
  description: string;
}


/** A stored entity name as an Entity (segments and sync records keep it as text). */
export function entityOf(value: string): Entity {
  if (value === 'contact' || value === 'account') return value;
  throw new Error(`unknown connector entity: ${value}`);
}

export const CONTACT_PROPERTIES: readonly PropertyDefinition[] = [
  { name: 'email', label: 'Email', type: 'email', maxLength: 100, description: "The lead's email address (the match key)" },
  { name: 'first_name', label: 'First name', type: 'string', maxLength: 40, description: 'First name' },
  { name: 'last_name', label: 'Last name', type: 'string', maxLength: 80, description: 'Last name' },
  { name: 'phone', label: 'Phone', type: 'phone', maxLength: 30, description: 'Phone (as Zoho had it)' },
  { name: 'company', label: 'Company', type: 'string', maxLength: 200, description: 'Company' },
  { name: 'lead_state', label: 'Lead state', type: 'enum', values: LEAD_STATES, description: "The assistant's lead state (Hot, Warm, …)" },
  { name: 'status', label: 'Assistant status', type: 'enum', values: ['active', 'paused', 'handed_back', 'stopped'], description: 'Whether the assistant works the lead' },
  { name: 'assistant', label: 'Assistant', type: 'string', maxLength: 80, description: 'The assistant working the lead' },
  { name: 'sequence', label: 'Sequence', type: 'string', maxLength: 80, description: 'The sequence' },
  { name: 'emails_sent', label: 'Emails sent', type: 'integer', description: 'Emails sent to the lead' },
  { name: 'replies', label: 'Replies', type: 'integer', description: 'Replies from the lead (auto-replies excluded)' },
  { name: 'last_reply_intent', label: 'Last reply meant', type: 'enum', values: REPLY_INTENTS, description: 'What the last reply meant' },
  { name: 'meeting_requested', label: 'Agreed to meet', type: 'boolean', description: 'The lead agreed to meet' },
  { name: 'engagement_score', label: 'Engagement score', type: 'integer', description: 'Engagement, 0–100, from the state, replies and emails' },
  { name: 'assigned_at', label: 'Assigned on', type: 'datetime', description: 'When the assistant took the record' },
  { name: 'last_email_at', label: 'Last email on', type: 'datetime', description: 'When the last email went out' },
  { name: 'last_reply_at', label: 'Last reply on', type: 'datetime', description: 'When the lead last replied' },
];

export const ACCOUNT_PROPERTIES: readonly PropertyDefinition[] = [
  { name: 'domain', label: 'Email domain', type: 'string', maxLength: 253, description: "The company's email domain (our account ID)" },
  { name: 'name', label: 'Company name', type: 'string', maxLength: 200, description: 'Company name' },
  { name: 'leads', label: 'Leads', type: 'integer', description: 'Leads at the company' },
  { name: 'emails_sent', label: 'Emails sent', type: 'integer', description: 'Emails sent to the company' },
  { name: 'hot_leads', label: 'Hot leads', type: 'integer', description: 'Leads that agreed to meet or want to proceed' },
  { name: 'engagement_score', label: 'Best engagement score', type: 'integer', description: "The best engagement score of the company's leads" },
];

export function propertiesOf(entity: Entity): readonly PropertyDefinition[] {
  return entity === 'contact' ? CONTACT_PROPERTIES : ACCOUNT_PROPERTIES;
}

const STATE_SCORE: Record<string, number> = {
  New: 0, Pending: 10, Cold: 5, Engaged: 40, Warm: 60, Hot: 90, Responded: 50, Processed: 20, 'Out of office': 15, Deactivated: 0, Unsubscribed: 0,
};

/** 0–100: the state's weight, plus a little for emails received and replies given; 0 once the lead said stop. */
export function engagementScore(state: string, emailsSent: number, replies: number): number {
  if (state === 'Unsubscribed' || state === 'Deactivated') return 0;
  return Math.min(100, (STATE_SCORE[state] ?? 0) + Math.min(emailsSent * 2, 10) + Math.min(replies * 10, 20));
}

export type PropertyValues = Record<string, string | number | boolean | null>;

export interface ContactRecord {
  /** Our id: the lead's. */
  id: string;
  values: PropertyValues;
  lead: LeadsRow;
}

export interface AccountRecord {
  /** Our account ID: the email domain. */
  id: string;
  values: PropertyValues;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Every lead of the org as contact properties (one per email address: the most recent lead wins). */
export async function contactRecords(db: Db, orgId: string): Promise<ContactRecord[]> {
  const leads = await leadsNewestFirst(db, orgId);
  const names = await assistantNames(db, orgId);
  const sequences = await sequenceNames(db, orgId);
  const sent = await emailsSentPerLead(db, orgId);
  const replies = await repliesPerLead(db, orgId);
  const seen = new Set<string>();
  const records: ContactRecord[] = [];
  for (const lead of leads) {
    const key = (lead.email ?? `no-email:${lead.id}`).toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const emails = sent.get(lead.id) ?? 0;
    const replyCount = replies.get(lead.id) ?? 0;
    records.push({
      id: lead.id,
      lead,
      values: {
        email: lead.email?.toLowerCase() ?? null,
        first_name: lead.first_name,
        last_name: lead.last_name,
        phone: lead.phone,
        company: lead.company,
        lead_state: lead.state,
        status: lead.status,
        assistant: names.get(lead.assistant_id) ?? null,
        sequence: sequences.get(lead.sequence_id) ?? null,
        emails_sent: emails,
        replies: replyCount,
        last_reply_intent: lead.last_intent,
        meeting_requested: lead.last_intent === 'AgreedToMeet',
        engagement_score: engagementScore(lead.state, emails, replyCount),
        assigned_at: iso(lead.created_at),
        last_email_at: iso(lead.last_sent_at),
        last_reply_at: iso(lead.last_reply_at),
      },
    });
  }
  return records;
}

/** Mailbox providers: their domains are people's, not companies'. */
const FREE_MAIL = /^(gmail\.com|googlemail\.com|yahoo\.[a-z.]+|ymail\.com|hotmail\.[a-z.]+|outlook\.[a-z.]+|live\.[a-z.]+|msn\.com|icloud\.com|me\.com|mac\.com|aol\.com|proton\.me|protonmail\.com|pm\.me|gmx\.[a-z.]+|web\.de|t-online\.de|mail\.ru|yandex\.[a-z.]+|qq\.com|163\.com|126\.com|zoho\.com|zohomail\.com|fastmail\.com|hey\.com|orange\.fr|free\.fr|laposte\.net|libero\.it|uol\.com\.br|bol\.com\.br|terra\.com\.br)$/;

export function isCompanyDomain(domain: string): boolean {
  return !FREE_MAIL.test(domain);
}

/** Companies, keyed by the leads' email domain (free-mail domains are no company); the name is the most common company given. */
export function accountRecords(contacts: readonly ContactRecord[]): AccountRecord[] {
  const byDomain = new Map<string, ContactRecord[]>();
  for (const contact of contacts) {
    const domain = typeof contact.values.email === 'string' ? contact.values.email.split('@')[1] : undefined;
    if (!domain || !isCompanyDomain(domain)) continue;
    const members = byDomain.get(domain);
    if (members) members.push(contact);
    else byDomain.set(domain, [contact]);
  }
  return [...byDomain.entries()].map(([domain, members]) => {
    const counts = new Map<string, number>();
    for (const member of members) if (typeof member.values.company === 'string') counts.set(member.values.company, (counts.get(member.values.company) ?? 0) + 1);
    const name = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? domain;
    return {
      id: domain,
      values: {
        domain,
        name,
        leads: members.length,
        emails_sent: members.reduce((sum, member) => sum + Number(member.values.emails_sent ?? 0), 0),
        hot_leads: members.filter((member) => member.values.lead_state === 'Hot').length,
        engagement_score: members.reduce((best, member) => Math.max(best, Number(member.values.engagement_score ?? 0)), 0),
      },
    };
  });
}
