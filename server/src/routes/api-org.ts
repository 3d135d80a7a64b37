import { Hono } from 'hono';
import { deleteChannelOfOrg, deleteWidgetKey, getChannelOfOrg, listOrgFields } from '../db/org-setup.js';
import { getOrg, setOrgStatus } from '../db/orgs.js';
import { transaction } from '../db/store.js';
import { deleteTokens } from '../db/tokens.js';
import { requireAdmin, zohoCall } from '../http/auth.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { appErrors } from '../http/errors.js';
import type { CrmDetailsAnswer } from '../contract/settings.js';
import { crmDetails, orgHealth, refreshCrmDetails, STATUS_HELP } from '../services/crm-details.js';
import { rotateWidgetKey, setUpOrgInZoho } from '../services/org-setup.js';
import { connectionOf } from '../db/orgs.js';

/** CRM Details, org health and the org's connection: /api/crm-details and /api/org. */
export function orgApi(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const activeOrg = async (orgId: string) => {
    const org = (await getOrg(deps.db, orgId))!;
    if (org.status !== 'active') throw appErrors.orgNotAuthorized(org.status);
    return org;
  };

  app.get('/crm-details', async (c) => {
    const { org } = c.get('caller');
    return c.json({ org: await orgHealth(deps, org), assistants: await crmDetails(deps, org), statuses: STATUS_HELP } satisfies CrmDetailsAnswer);
  });

  app.post('/crm-details/refresh', async (c) => {
    requireAdmin(c);
    const org = await activeOrg(c.get('caller').org.id);
    const assistants = await zohoCall(() => refreshCrmDetails(deps, org));
    return c.json({ org: await orgHealth(deps, (await getOrg(deps.db, org.id))!), assistants, statuses: STATUS_HELP } satisfies CrmDetailsAnswer);
  });

  app.get('/org', async (c) => {
    const { org } = c.get('caller');
    return c.json({ ...(await orgHealth(deps, org)), fields: (await listOrgFields(deps.db, org.id)).map(({ module, role, api_name, field_label }) => ({ module, role, apiName: api_name, label: field_label })) });
  });

  app.post('/org/setup', async (c) => {
    requireAdmin(c);
    const org = await activeOrg(c.get('caller').org.id);
    const steps = await zohoCall(() => setUpOrgInZoho(deps, org));
    return c.json({ steps });
  });

  app.post('/org/widget-key/rotate', async (c) => {
    requireAdmin(c);
    const org = await activeOrg(c.get('caller').org.id);
    const step = await zohoCall(() => rotateWidgetKey(deps, org));
    return c.json({ step });
  });

  /**
   * Revokes our access at Zoho, then forgets the tokens; when Zoho cannot be reached nothing is
   * forgotten (503) and the admin tries again. Assistants and sequences stay for a later re-authorization.
   */
  app.post('/org/disconnect', async (c) => {
    requireAdmin(c);
    const org = (await getOrg(deps.db, c.get('caller').org.id))!;
    const channel = await getChannelOfOrg(deps.db, org.id);
    if (channel && org.status === 'active') {
      await deps.gateway.unwatch(connectionOf(org), channel.channel_id).catch((error: unknown) => c.get('logger').warn('unsubscribing the channel failed', { orgId: org.id, error }));
    }
    const refresh = await deps.vault.refreshTokenOf(org.id);
    // Forgetting a token Zoho still honours would leave it alive and out of our reach: revoke first.
    if (refresh) await zohoCall(() => deps.oauth.revoke(org.accounts_server, refresh));
    await transaction(deps.db, async (tx) => {
      await deleteTokens(tx, org.id);
      await deleteChannelOfOrg(tx, org.id);
      await deleteWidgetKey(tx, org.id);
      await setOrgStatus(tx, org.id, 'disconnected', 'disconnected by an administrator', deps.clock.now());
    });
    c.get('logger').info('zoho org disconnected', { orgId: org.id });
    return c.json({ status: 'disconnected' });
  });

  return app;
}
