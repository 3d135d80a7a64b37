import type { AssistantDetails, AssistantView, CrmDetailsAnswer, CrmDetailsStatus, OrgHealthView, SequenceView } from '../../server/src/contract/settings.js';

/**
 * The settings tab's fake backend answers, typed by the server's contract: when the server's
 * answer changes shape, these stop compiling, and the widget tests with them.
 */

export const org: OrgHealthView = {
  zohoOrgId: '900001',
  name: 'Acme',
  authorization: 'active',
  authorizationProblem: null,
  dataCentre: 'eu',
  apiDomain: 'https://www.zohoapis.eu',
  authorizedBy: 'ann@acme.test',
  authorizedAt: '2026-11-21T10:00:00.000Z',
  tokenAgeSeconds: 60,
  accessTokenRefreshedAt: null,
  notificationChannel: null,
  lastNotificationAt: null,
  unconfirmedEmails: [],
  inboundWebhook: false,
};

export const row = (status: CrmDetailsStatus): AssistantDetails => ({
  assistantId: 'a1',
  name: 'Nova',
  email: 'nova@acme.test',
  zohoUserId: null,
  status,
  meaning: `meaning of ${status}`,
  action: `action for ${status}`,
  ownedRecords: 0,
  records: { working: 0, total: 0 },
  checkedAt: null,
  archived: false,
});

export const details = (status: CrmDetailsStatus): CrmDetailsAnswer => ({ org, assistants: [row(status)], statuses: {} as CrmDetailsAnswer['statuses'] });

export const assistant = (patch: Partial<AssistantView> = {}): AssistantView => ({
  id: 'a1',
  org_id: 'o1',
  name: 'Nova',
  mailbox_email: 'nova@acme.test',
  default_context: 'We make CNC machines.',
  signature: 'Nova, Acme',
  default_sequence_id: null,
  time_zone: 'Europe/Berlin',
  business_hours: { start: '09:00', end: '17:00' },
  off_days: ['sat', 'sun'],
  daily_cap: 200,
  default_owner_id: null,
  nurture_lines: [],
  postal_address: '',
  brochure_url: '',
  bounce_threshold: 0.05,
  other_languages: {},
  approval: 'auto',
  draft_expiry_days: 3,
  zoho_user_id: null,
  crm_status: null,
  crm_owned_records: null,
  crm_checked_at: null,
  sending_paused_at: null,
  sending_paused_reason: null,
  mailbox_configured: false,
  archived_at: null,
  created_at: 0,
  updated_at: 0,
  ...patch,
});

export const sequence = (patch: Partial<SequenceView> & { days?: number[] } = {}): SequenceView => {
  const { days = [0, 3], ...rest } = patch;
  return { id: 's1', org_id: 'o1', name: 'Recommended', is_default: true, created_at: 0, updated_at: 0, steps: days.map((after_days) => ({ after_days, mode: 'generated', subject: null, body: null })), ...rest };
};

/** GET answers by path, with empty defaults for the sections a test does not look at. */
export function answers(table: Record<string, unknown | (() => unknown)>) {
  const defaults: Record<string, unknown> = {
    '/crm-details': details('ALL_WORKING_WELL'),
    '/assistants': { assistants: [assistant()] },
    '/sequences': { sequences: [sequence()] },
    '/reply-phrases': { phrases: [] },
    '/connector': { settings: null },
    '/connector/segments': { segments: [] },
    '/connector/runs?limit=10': { runs: [] },
    '/send-plan?days=14': { from: '2026-11-23T09:00:00.000Z', until: '2026-12-07T09:00:00.000Z', emails: [], held: [] },
  };
  return async <T,>(path: string): Promise<T> => {
    const found = path in table ? table[path] : defaults[path];
    if (found === undefined) throw new Error(`the fake backend has no answer for GET ${path}`);
    return (typeof found === 'function' ? (found as () => unknown)() : found) as T;
  };
}
