import { findOrgByZohoId, type OrgRow, upsertAuthorizedOrg } from '../db/orgs.js';
import { ensureRecommendedSequence } from '../db/sequences.js';
import { transaction } from '../db/store.js';
import type { AppDeps } from './deps.js';
import { ZohoApiError, ZohoAuthorizationError, ZohoOAuthError } from '../zoho/errors.js';
import type { ZohoOrgInfo, ZohoUser } from '../zoho/gateway.js';
import { ZOHO_DATA_CENTRES, type TrustedHost, isDataCentre, trustedAccountsServer, trustedApiDomain } from '../zoho/hosts.js';
import type { TokenSet } from '../zoho/oauth-client.js';
import { type SetupStep, setUpOrgInZoho } from './org-setup.js';

/** The scopes the product asks Zoho for: what it uses, no more. */
export const ZOHO_SCOPES = [
  'ZohoCRM.modules.leads.ALL',
  'ZohoCRM.modules.contacts.ALL',
  'ZohoCRM.modules.deals.ALL',
  'ZohoCRM.modules.accounts.ALL',
  'ZohoCRM.modules.notes.ALL',
  'ZohoCRM.modules.tasks.ALL',
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

/** An administrator signing in to the settings tab needs only to be identified. */
export const ADMIN_LOGIN_SCOPES = ['ZohoCRM.users.READ', 'ZohoCRM.org.READ'];

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

interface CallbackInput {
  code: string;
  accountsServer: string | undefined;
  location: string | undefined;
  redirectUri: string;
}

interface Identified {
  accounts: TrustedHost;
  apiDomain: TrustedHost;
  tokens: TokenSet;
  user: ZohoUser;
  org: ZohoOrgInfo;
}

/**
 * The part of both callbacks that talks to Zoho: trust the accounts server only if it is Zoho's (or
 * the sandbox's) and agrees with `location`, exchange the code there, check the API domain, learn
 * who signed in and for which org, and require an administrator. Any failure after the exchange
 * revokes the fresh token, so nothing is left alive.
 */
async function exchangeAndIdentify(deps: AppDeps, input: CallbackInput): Promise<Identified> {
  const accounts = trustedAccountsServer(input.accountsServer ?? deps.config.zohoAccountsUrl, deps.config.zohoSandboxUrl);
  if (!accounts) {
    throw new ConnectError('Unknown Zoho accounts server', `The callback named "${input.accountsServer}", which is not one of Zoho's accounts servers.`);
  }
  if (input.location !== undefined && (!isDataCentre(input.location) || input.location !== accounts.dc)) {
    throw new ConnectError('Zoho data centres disagree', `The callback said data centre "${input.location}" but accounts server ${accounts.url}.`);
  }
  const tokens = await deps.oauth.exchangeCode(accounts.url, input.code, input.redirectUri);
  const issued = tokens.refreshToken ?? tokens.accessToken;
  try {
    const apiDomain = trustedApiDomain(tokens.apiDomain ?? ZOHO_DATA_CENTRES[accounts.dc].api, deps.config.zohoSandboxUrl);
    if (!apiDomain || apiDomain.dc !== accounts.dc) {
      throw new ConnectError('Unknown Zoho API domain', `Zoho named "${tokens.apiDomain}" as the API domain, which is not its ${accounts.dc.toUpperCase()} API domain.`);
    }
    const { user, org } = await deps.gateway.identify({ apiDomain: apiDomain.url, accountsServer: accounts.url }, tokens.accessToken);
    if (!user.isAdmin) {
      throw new ConnectError(
        'A Zoho CRM administrator must authorize',
        `${user.email} is not an administrator of ${org.companyName || 'this Zoho org'}. Ask an administrator to open the settings tab and authorize.`,
      );
    }
    return { accounts, apiDomain, tokens, user, org };
  } catch (error) {
    await deps.oauth.revoke(accounts.url, issued).catch(() => undefined);
    if (error instanceof ConnectError) throw error;
    if (error instanceof ZohoAuthorizationError || error instanceof ZohoApiError) {
      throw new ConnectError('Zoho did not let us read the org', 'Zoho refused to say who signed in. Check that the consent screen was accepted with every permission, then try again.');
    }
    throw error;
  }
}

/** The connect callback: store the org and its sealed tokens, then set it up in Zoho. */
export async function completeAuthorization(deps: AppDeps, input: CallbackInput): Promise<ConnectResult> {
  const { accounts, apiDomain, tokens, user, org: zohoOrg } = await exchangeAndIdentify(deps, input);
  if (!tokens.refreshToken) {
    await deps.oauth.revoke(accounts.url, tokens.accessToken).catch(() => undefined);
    throw new ConnectError('No offline access', 'Zoho did not grant offline access (no refresh token). Start the authorization again from the settings tab.');
  }
  const refreshToken = tokens.refreshToken;
  const now = deps.clock.now();
  const previous = await findOrgByZohoId(deps.db, zohoOrg.zgid);
  // A token sealed under a key we no longer hold cannot be revoked; it is simply replaced.
  const previousRefresh = previous ? await deps.vault.refreshTokenOf(previous.id) : undefined;
  // The org, its tokens and its first sequence are stored together, or not at all.
  const org = await transaction(deps.db, async (tx) => {
    const row = await upsertAuthorizedOrg(
      tx,
      {
        zohoOrgId: zohoOrg.zgid,
        name: zohoOrg.companyName || zohoOrg.zgid,
        dc: accounts.dc,
        accountsServer: accounts.url,
        apiDomain: apiDomain.url,
        userId: user.id,
        userEmail: user.email,
        scopes: tokens.scope ?? ZOHO_SCOPES.join(' '),
      },
      now,
    );
    await deps.vault.storeNewTokens(row.id, { refreshToken, accessToken: tokens.accessToken, expiresAt: now + tokens.expiresInMs }, tx);
    await ensureRecommendedSequence(tx, row.id, now);
    return row;
  });
  deps.logger.info('zoho org authorized', { orgId: org.id, zohoOrgId: org.zoho_org_id, dc: accounts.dc, reauthorized: Boolean(previous) });

  // Zoho keeps at most 20 refresh tokens per user; do not leave the replaced one alive.
  if (previous && previousRefresh && previousRefresh !== refreshToken) {
    await deps.oauth.revoke(previous.accounts_server, previousRefresh).catch((error: unknown) => deps.logger.warn('revoking the replaced refresh token failed', { orgId: org.id, error }));
  }
  const setup = await setUpOrgInZoho(deps, org);
  // The polling fallback starts with the org, so no assignment waits on notifications alone.
  await deps.engine.startOrg(org.id);
  return { org, reauthorized: Boolean(previous), setup };
}

/** The admin sign-in callback: a Zoho administrator of a connected org, proven by Zoho's own login. */
export async function completeAdminLogin(deps: AppDeps, input: CallbackInput): Promise<{ org: OrgRow; user: ZohoUser }> {
  const { accounts, tokens, user, org: zohoOrg } = await exchangeAndIdentify(deps, input);
  // The sign-in token has done its job; it is not kept.
  await deps.oauth.revoke(accounts.url, tokens.refreshToken ?? tokens.accessToken).catch(() => undefined);
  const org = await findOrgByZohoId(deps.db, zohoOrg.zgid);
  if (!org || org.status === 'disconnected') {
    throw new ConnectError('This Zoho org is not connected', `Authorize ${zohoOrg.companyName || 'the org'} first, from the settings tab.`);
  }
  return { org, user };
}

export { ZohoOAuthError };
