import { type Assistant, listAssistants, saveCrmCheck } from '../db/assistants.js';
import { leadCountsByAssistant } from '../db/leads.js';
import { getChannelOfOrg } from '../db/org-setup.js';
import type { OrgRow } from '../db/orgs.js';
import { loadSealedTokens } from '../db/tokens.js';
import type { AppDeps } from './deps.js';
import { connectionOf } from '../db/orgs.js';
import { WORKED_MODULES } from '../domain/modules.js';

import type { AssistantDetails, CrmDetailsStatus, OrgHealthView } from '../contract/settings.js';

export type { AssistantDetails, CrmDetailsStatus };

/** What each status means and what to do about it, shown beside it in the settings tab. */
export const STATUS_HELP: Record<CrmDetailsStatus, { meaning: string; action: string }> = {
  ASSISTANT_NOT_YET_CREATED: {
    meaning: 'No assistant has been created yet.',
    action: 'Create an assistant: give it a name, a mailbox address and a default context.',
  },
  ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM: {
    meaning: "No active Zoho CRM user has the assistant's email address, so records cannot be assigned to it.",
    action: "Add a Zoho CRM user with the assistant's email address (Setup › Users), then press Refresh.",
  },
  ASSISTANT_EXISTS_AS_USER_IN_CRM: {
    meaning: "A Zoho CRM user with the assistant's email exists; the assistant is ready.",
    action: 'Assign a Lead, Contact or Deal to that user to start.',
  },
  ALL_WORKING_WELL: {
    meaning: 'Records are assigned to the assistant and it is working them.',
    action: 'Nothing to do.',
  },
};

function describe(assistant: Assistant, records: { working: number; total: number } = { working: 0, total: 0 }): AssistantDetails {
  const status: CrmDetailsStatus = assistant.crm_status ?? 'ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM';
  return {
    assistantId: assistant.id,
    name: assistant.name,
    email: assistant.mailbox_email,
    zohoUserId: assistant.zoho_user_id,
    status,
    ...STATUS_HELP[status],
    ownedRecords: assistant.crm_owned_records,
    records,
    checkedAt: assistant.crm_checked_at === null ? null : new Date(assistant.crm_checked_at).toISOString(),
    archived: assistant.archived_at !== null,
  };
}

/** What CRM Details shows for each of the org's assistants (or that there is none yet). */
export async function crmDetails(deps: AppDeps, org: OrgRow): Promise<AssistantDetails[]> {
  const assistants = await listAssistants(deps.db, org.id);
  if (assistants.length === 0) {
    return [{ assistantId: null, name: null, email: null, zohoUserId: null, status: 'ASSISTANT_NOT_YET_CREATED', ...STATUS_HELP.ASSISTANT_NOT_YET_CREATED, ownedRecords: null, records: { working: 0, total: 0 }, checkedAt: null, archived: false }];
  }
  const counts = await leadCountsByAssistant(deps.db, org.id);
  return assistants.map((assistant) => describe(assistant, counts.get(assistant.id)));
}

/**
 * Re-checks every assistant against Zoho: is there an active user with its email, and does that
 * user own any Lead, Contact or Deal (one COQL row per module is enough to know).
 */
export async function refreshCrmDetails(deps: AppDeps, org: OrgRow): Promise<AssistantDetails[]> {
  const connection = connectionOf(org);
  const users = await deps.gateway.listUsers(connection, 'ActiveUsers');
  const now = deps.clock.now();
  for (const assistant of await listAssistants(deps.db, org.id)) {
    const user = users.find((candidate) => candidate.email.toLowerCase() === assistant.mailbox_email.toLowerCase());
    if (!user) {
      await saveCrmCheck(deps.db, org.id, assistant.id, { zohoUserId: null, status: 'ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM', ownedRecords: 0 }, now);
      continue;
    }
    let owned = 0;
    for (const module of WORKED_MODULES) {
      const rows = await deps.gateway.coql(connection, `select id from ${module} where Owner = '${user.id}' limit 1`);
      owned += rows.length;
    }
    await saveCrmCheck(deps.db, org.id, assistant.id, { zohoUserId: user.id, status: owned > 0 ? 'ALL_WORKING_WELL' : 'ASSISTANT_EXISTS_AS_USER_IN_CRM', ownedRecords: owned }, now);
  }
  return crmDetails(deps, org);
}

/** Org health for the settings tab: authorization, data centre, token age, channel, last event. */
export async function orgHealth(deps: AppDeps, org: OrgRow): Promise<OrgHealthView> {
  const tokens = await loadSealedTokens(deps.db, org.id);
  const channel = await getChannelOfOrg(deps.db, org.id);
  const unconfirmed = await deps.engine.unconfirmedEmails(org.id);
  const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
  const now = deps.clock.now();
  return {
    zohoOrgId: org.zoho_org_id,
    name: org.name,
    authorization: org.status,
    authorizationProblem: org.status_reason,
    dataCentre: org.dc,
    apiDomain: org.api_domain,
    authorizedBy: org.authorized_by_email,
    authorizedAt: iso(org.authorized_at),
    tokenAgeSeconds: tokens ? Math.round((now - tokens.created_at) / 1000) : null,
    accessTokenRefreshedAt: iso(tokens?.refreshed_at),
    notificationChannel: channel ? { channelId: channel.channel_id, expiresAt: iso(channel.expires_at), expired: channel.expires_at <= now } : null,
    lastNotificationAt: iso(org.last_notification_at),
    /** Emails a crash left unconfirmed (handed to SMTP, not recorded as sent; never sent again): for a person to check. */
    unconfirmedEmails: unconfirmed.map((row) => ({ ...row, at: iso(row.at) })),
    /** Whether replies can arrive through POST /webhooks/inbound (INBOUND_WEBHOOK_TOKEN is set; the demo's mail view uses it). */
    inboundWebhook: deps.config.inboundToken !== undefined,
  };
}
