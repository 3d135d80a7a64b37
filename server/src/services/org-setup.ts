import { randomInt } from 'node:crypto';
import { LEAD_STATES } from '../domain/lead-states.js';
import { type FieldRole, channelsExpiringBefore, getChannelOfOrg, listOrgFields, saveChannel, saveOrgField, setWidgetKeyHash } from '../db/org-setup.js';
import { connectionOf, getOrg, type OrgRow } from '../db/orgs.js';
import { WORKED_MODULES } from '../domain/modules.js';
import { listSequences } from '../db/sequences.js';
import { runExclusive } from '../db/leases.js';
import { KeyedLock } from '../lib/keyed-lock.js';
import { randomToken, sha256 } from '../lib/token-cipher.js';
import type { AppDeps } from './deps.js';
import type { NewField } from '../zoho/gateway.js';

/** The modules the assistant works on, and the fields it needs on each (7Targets' labels). */

export const FIELD_LABELS: Record<FieldRole, string> = {
  context: '7Targets Context',
  sequence: '7Targets Sequence',
  status: '7Targets Lead Connection Status',
};

/** Channels live a week at most; renew well before, so a missed renewal run costs nothing. */
export const CHANNEL_LIFETIME_MS = 6 * 24 * 60 * 60 * 1000;
export const CHANNEL_RENEW_BEFORE_MS = 2 * 24 * 60 * 60 * 1000;


export interface SetupStep {
  step: 'fields' | 'notifications' | 'widget_key';
  ok: boolean;
  detail: string;
}

async function fieldSpec(deps: AppDeps, org: OrgRow, role: FieldRole): Promise<NewField> {
  if (role === 'context') return { label: FIELD_LABELS.context, dataType: 'textarea', length: 2000 };
  if (role === 'status') return { label: FIELD_LABELS.status, dataType: 'picklist', picklistValues: ['-None-', ...LEAD_STATES] };
  const names = (await listSequences(deps.db, org.id)).map((sequence) => sequence.name);
  return { label: FIELD_LABELS.sequence, dataType: 'picklist', picklistValues: ['-None-', ...(names.length > 0 ? names : ['Recommended'])] };
}

/**
 * Makes sure the three fields exist on Leads, Contacts and Deals, creating missing ones, and
 * records the API names Zoho reports for them (never assumed from the label).
 */
export async function ensureFields(deps: AppDeps, org: OrgRow): Promise<SetupStep> {
  const connection = connectionOf(org);
  const created: string[] = [];
  for (const module of WORKED_MODULES) {
    let fields = await deps.gateway.listFields(connection, module);
    const missing = (Object.keys(FIELD_LABELS) as FieldRole[]).filter(
      (role) => !fields.some((field) => field.label.toLowerCase() === FIELD_LABELS[role].toLowerCase()),
    );
    if (missing.length > 0) {
      const specs: NewField[] = [];
      for (const role of missing) specs.push(await fieldSpec(deps, org, role));
      await deps.gateway.createFields(connection, module, specs);
      created.push(...missing.map((role) => `${module}.${FIELD_LABELS[role]}`));
      fields = await deps.gateway.listFields(connection, module);
    }
    for (const role of Object.keys(FIELD_LABELS) as FieldRole[]) {
      const field = fields.find((candidate) => candidate.label.toLowerCase() === FIELD_LABELS[role].toLowerCase());
      if (!field) throw new Error(`Zoho did not report the field "${FIELD_LABELS[role]}" on ${module} after creating it`);
      await saveOrgField(deps.db, { org_id: org.id, module, role, api_name: field.apiName, field_label: field.label, data_type: field.dataType });
    }
  }
  return { step: 'fields', ok: true, detail: created.length > 0 ? `created ${created.join(', ')}` : 'all fields were already there' };
}

/** Subscribes (or renews) the org's channel for record changes on Leads, Contacts and Deals. */
export async function ensureChannel(deps: AppDeps, org: OrgRow): Promise<SetupStep> {
  const existing = await getChannelOfOrg(deps.db, org.id);
  const channelId = existing?.channel_id ?? `${Date.now()}${String(randomInt(100000, 999999))}`.slice(0, 18);
  // A token sealed under a key we no longer hold is replaced by a new one.
  const token = (existing && deps.cipher.tryDecrypt(existing.token_sealed, `${org.id}:channel_token`)) || randomToken(24);
  const events = WORKED_MODULES.flatMap((module) => [`${module}.create`, `${module}.edit`, `${module}.delete`]);
  const now = deps.clock.now();
  const subscription = await deps.gateway.watch(connectionOf(org), {
    channelId,
    events,
    notifyUrl: `${deps.config.publicUrl}/webhooks/zoho`,
    token,
    expiresAt: now + CHANNEL_LIFETIME_MS,
    // Owner changes and Email_Opt_Out (Leads and Contacts have it) matter; our own status updates must not wake us up.
    editFields: Object.fromEntries(WORKED_MODULES.map((module) => [module, module === 'Deals' ? ['Owner'] : ['Owner', 'Email_Opt_Out']])),
  });
  await saveChannel(deps.db, {
    org_id: org.id,
    channel_id: channelId,
    token_sealed: deps.cipher.encrypt(token, `${org.id}:channel_token`),
    events: JSON.stringify(events),
    expires_at: subscription.expiresAt,
    renewed_at: now,
  });
  return { step: 'notifications', ok: true, detail: `channel ${channelId} until ${new Date(subscription.expiresAt).toISOString()}` };
}

const rotations = new KeyedLock();

/**
 * A fresh widget key: the raw key goes to the org variable, only its hash stays here. One rotation
 * per org at a time, so Zoho and we always end on the same key: queued in this process (the
 * lease's holder is the process, so its own rotations must take turns before it), and a lease in
 * the database against the other processes.
 */
export function rotateWidgetKey(deps: AppDeps, org: OrgRow): Promise<SetupStep> {
  return rotations.run(org.id, () => runExclusive(deps.db, `widget-key:${org.id}`, () => deps.clock.now(), async () => {
    const key = randomToken(32);
    await deps.gateway.setVariable(connectionOf(org), { apiName: deps.config.widgetKeyVariable, name: 'Widget Key', value: key });
    await deps.gateway.setVariable(connectionOf(org), { apiName: deps.config.backendUrlVariable, name: 'Backend URL', value: deps.config.publicUrl });
    await setWidgetKeyHash(deps.db, org.id, sha256(key), deps.clock.now());
    return { step: 'widget_key', ok: true, detail: `written to the org variables ${deps.config.widgetKeyVariable} and ${deps.config.backendUrlVariable}` };
  }));
}

/** Every setup step, each allowed to fail on its own; the report says what to do next. */
export async function setUpOrgInZoho(deps: AppDeps, org: OrgRow): Promise<SetupStep[]> {
  const steps: SetupStep[] = [];
  for (const [step, run] of [
    ['fields', ensureFields],
    ['notifications', ensureChannel],
    ['widget_key', rotateWidgetKey],
  ] as const) {
    try {
      steps.push(await run(deps, org));
    } catch (error) {
      deps.logger.warn('org setup step failed', { orgId: org.id, step, error });
      steps.push({ step, ok: false, detail: error instanceof Error ? error.message : String(error) });
    }
  }
  return steps;
}

/** Renews one org's channel when it expires within CHANNEL_RENEW_BEFORE_MS (the engine's hourly job). */
export async function renewChannelIfExpiring(deps: AppDeps, orgId: string): Promise<boolean> {
  const channel = await getChannelOfOrg(deps.db, orgId);
  const org = await getOrg(deps.db, orgId);
  if (!channel || !org || org.status !== 'active' || channel.expires_at >= deps.clock.now() + CHANNEL_RENEW_BEFORE_MS) return false;
  await ensureChannel(deps, org);
  return true;
}

/** Renews channels that expire within CHANNEL_RENEW_BEFORE_MS; answers how many were renewed. */
export async function renewExpiringChannels(deps: AppDeps): Promise<{ renewed: number; failed: number }> {
  let renewed = 0;
  let failed = 0;
  for (const channel of await channelsExpiringBefore(deps.db, deps.clock.now() + CHANNEL_RENEW_BEFORE_MS)) {
    const org = await getOrg(deps.db, channel.org_id);
    if (!org) continue;
    try {
      await ensureChannel(deps, org);
      renewed += 1;
    } catch (error) {
      failed += 1;
      deps.logger.warn('channel renewal failed', { orgId: org.id, error });
    }
  }
  return { renewed, failed };
}

/** The fields the org's setup recorded. */
export async function fieldsOf(deps: AppDeps, orgId: string) {
  return listOrgFields(deps.db, orgId);
}
