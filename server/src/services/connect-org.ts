import { findOrgByZohoId, type OrgRow, upsertAuthorizedOrg } from '../db/orgs.js';
import { ensureRecommendedSequence } from '../db/sequences.js';
import type { AppDeps } from '../http/context.js';
import { ZOHO_DATA_CENTRES, type DataCentre, isAllowedAccountsServer, isAllowedApiDomain, stripTrailingSlash } from '../zoho/hosts.js';
import { type SetupStep, setUpOrgInZoho } from './org-setup.js';

/** The scopes the product asks Zoho for: what it uses, no more. */
export const ZOHO_SCOPES = [
  'ZohoCRM.modules.leads.ALL',
  'ZohoCRM.modules.contacts.ALL',
  'ZohoCRM.modules.deals.ALL',
  'ZohoCRM.modules.accounts.ALL',
  'ZohoCRM.modules.notes.ALL',
  'ZohoCRM.users.READ',
  'ZohoCRM.org.READ',
  'ZohoCRM.settings.fields.ALL',
  'ZohoCRM.settings.modules.READ',
  'ZohoCRM.settings.related_lists.READ',
  'ZohoCRM.settings.variables.ALL',
  'ZohoCRM.notifications.ALL',
  'ZohoCRM.coql.READ',
  'ZohoCRM.change_owner.CREATE',
  'ZohoSearch.securesearch.READ',
];

/** Why an authorization could not complete, said so an admin knows what to do. */
export class ConnectError extends Error {
  constructor(
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ConnectResult {
  org: OrgRow;
  reauthorized: boolean;
  setup: SetupStep[];
}

/**
 * The rest of the OAuth callback once state is checked: trust the accounts server only if it is
 * Zoho's (or the sandbox's), exchange the code there, learn who and which org, require an admin,
 * store the tokens sealed, then set the org up in Zoho.
 */
export async function completeAuthorization(
  deps: AppDeps,
  input: { code: string; accountsServer: string | undefined; location: string | undefined; redirectUri: string },
): Promise<ConnectResult> {
  const accountsServer = stripTrailingSlash(input.accountsServer ?? deps.config.zohoAccountsUrl);
  if (!isAllowedAccountsServer(accountsServer, deps.config.zohoSandboxUrl)) {
    throw new ConnectError('Unknown Zoho accounts server', `The callback named "${accountsServer}", which is not one of Zoho's accounts servers. Nothing was stored.`);
  }
  const tokens = await deps.oauth.exchangeCode(accountsServer, input.code, input.redirectUri);
  if (!tokens.refreshToken) {
    throw new ConnectError('No offline access', 'Zoho did not grant offline access (no refresh token). Start the authorization again from the settings tab.');
  }
  const dc = (input.location && input.location in ZOHO_DATA_CENTRES ? input.location : 'us') as DataCentre;
  const apiDomain = stripTrailingSlash(tokens.apiDomain ?? ZOHO_DATA_CENTRES[dc].api);
  if (!isAllowedApiDomain(apiDomain, deps.config.zohoSandboxUrl)) {
    await deps.oauth.revoke(accountsServer, tokens.refreshToken).catch(() => undefined);
    throw new ConnectError('Unknown Zoho API domain', `Zoho named "${apiDomain}" as the API domain, which is not one of Zoho's. Nothing was stored.`);
  }
  const { user, org: zohoOrg } = await deps.gateway.identify({ apiDomain, accountsServer }, tokens.accessToken);
  if (!user.isAdmin) {
    await deps.oauth.revoke(accountsServer, tokens.refreshToken).catch(() => undefined);
    throw new ConnectError(
      'A Zoho CRM administrator must authorize',
      `${user.email} is not an administrator of ${zohoOrg.companyName || 'this Zoho org'}. Ask an administrator to open the settings tab and authorize.`,
    );
  }

  const now = deps.clock.now();
  const previous = findOrgByZohoId(deps.db, zohoOrg.zgid);
  const previousRefresh = previous ? deps.vault.refreshTokenOf(previous.id) : undefined;
  const org = deps.db.transaction(() => {
    const row = upsertAuthorizedOrg(
      deps.db,
      {
        zohoOrgId: zohoOrg.zgid,
        name: zohoOrg.companyName || zohoOrg.zgid,
        dc,
        accountsServer,
        apiDomain,
        userId: user.id,
        userEmail: user.email,
        scopes: tokens.scope ?? ZOHO_SCOPES.join(' '),
      },
      now,
    );
    deps.vault.storeNewTokens(row.id, { refreshToken: tokens.refreshToken!, accessToken: tokens.accessToken, expiresAt: now + tokens.expiresInMs });
    ensureRecommendedSequence(deps.db, row.id, now);
    return row;
  })();
  deps.logger.info('zoho org authorized', { orgId: org.id, zohoOrgId: org.zoho_org_id, dc, reauthorized: Boolean(previous) });

  // Zoho keeps at most 20 refresh tokens per user; do not leave the replaced one alive.
  if (previous && previousRefresh && previousRefresh !== tokens.refreshToken) {
    await deps.oauth.revoke(previous.accounts_server, previousRefresh).catch((error: unknown) => deps.logger.warn('revoking the replaced refresh token failed', { orgId: org.id, error }));
  }
  const setup = await setUpOrgInZoho(deps, org);
  return { org, reauthorized: Boolean(previous), setup };
}
