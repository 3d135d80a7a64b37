import { Hono } from 'hono';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AdminSessions } from '../auth/admin-sessions.js';
import { type OAuthPurpose, consumeOAuthState, countLiveOAuthStates, countTicketedStarts, lockOAuthStates, saveOAuthState } from '../db/oauth-states.js';
import { registerWidgetOrigin, widgetOriginsOf } from '../db/orgs.js';
import { transaction } from '../db/store.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { isAllowedOrigin } from '../http/cors.js';
import { type PageInput, page } from '../http/pages.js';
import { randomToken, sha256 } from '../lib/token-cipher.js';
import { ZohoOAuthError, ZohoRateLimitedError, ZohoUnavailableError } from '../zoho/errors.js';
import { ADMIN_LOGIN_SCOPES, ConnectError, ZOHO_SCOPES, completeAdminLogin, completeAuthorization } from '../services/connect-org.js';

const STATE_TTL_MS = 10 * 60 * 1000;
/** Anonymous starts may use this share of the live states (OAUTH_LIVE_STATES); the rest is kept for sign-ins with a ticket from an org's settings tab. */
const ANONYMOUS_SHARE = 0.8;
/** Live sign-ins one org's tickets may hold at once. */
const MAX_TICKETED_STARTS = 20;
const SETTINGS_HINT = 'Go back to the settings tab in Zoho CRM and press Refresh.';

/** One cookie per flow, named after its state, so two tabs can authorize side by side. */
const cookieName = (state: string) => `zsa_oauth_${sha256(state).slice(0, 16)}`;

/**
 * /oauth/zoho/start → Zoho → /oauth/zoho/callback, for two purposes: `connect` (an administrator
 * authorizes the backend for the org) and `admin` (an administrator signs in to the settings tab).
 */
export function oauthRoutes(deps: AppDeps, sessions: AdminSessions, extraOrigins: readonly string[]): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const redirectUri = () => `${deps.config.publicUrl}/oauth/zoho/callback`;
  const secure = () => deps.config.publicUrl.startsWith('https://');
  // Starts cannot fill the database: past this many live states, new ones wait.
  const maxLiveStates = deps.config.rateLimits.oauthLiveStates;
  const anonymousLiveStates = Math.floor(maxLiveStates * ANONYMOUS_SHARE);

  const show = (c: Context<AppEnv>, input: PageInput, status: 200 | 400 | 500 | 503 = 200) => {
    const { html, csp } = page(input);
    c.header('Content-Security-Policy', csp);
    return c.html(html, status);
  };
  const fail = (c: Context<AppEnv>, title: string, message: string, status: 400 | 500 | 503 = 400) =>
    show(c, { title, ok: false, paragraphs: [message, 'Nothing was stored.', 'Start again from the settings tab.'] }, status);

  app.get('/start', async (c) => {
    const purpose: OAuthPurpose = c.req.query('purpose') === 'admin' ? 'admin' : 'connect';
    const opener = c.req.query('origin');
    // Our own /app/ (an externally hosted widget) is a widget origin too.
    const widgetOrigin = opener !== undefined && isAllowedOrigin(opener, [...extraOrigins, new URL(deps.config.publicUrl).origin]);
    if (purpose === 'admin' && !widgetOrigin) {
      return fail(c, 'Sign-in must start from the settings tab', 'The page that asked for this sign-in is not a Zoho CRM widget.');
    }
    if (purpose === 'connect' && opener !== undefined && !widgetOrigin) {
      return fail(c, 'Authorization must start from the settings tab', 'The page that asked for this authorization is not a Zoho CRM widget.');
    }
    const now = deps.clock.now();
    const ticketOrg = sessions.verifyTicket(c.req.query('ticket'));
    const state = randomToken(32);
    const binding = randomToken(32);
    // Counting and storing take turns with other starts (every process's), so the caps hold exactly.
    const stored = await transaction(deps.db, async (tx) => {
      await lockOAuthStates(tx);
      // A ticket lets one org's sign-ins past the anonymous share, a bounded number of times (it is reusable for two minutes).
      const ticketed = ticketOrg !== undefined && (await countTicketedStarts(tx, ticketOrg, now)) < MAX_TICKETED_STARTS;
      if ((await countLiveOAuthStates(tx, now)) >= (ticketed ? maxLiveStates : anonymousLiveStates)) return false;
      await saveOAuthState(tx, {
        state_hash: sha256(state),
        browser_binding_hash: sha256(binding),
        purpose,
        // For `connect`, the settings tab's origin is registered with the org; for `admin`, the session goes only there.
        opener_origin: widgetOrigin ? opener! : null,
        ticket_org_id: ticketed ? ticketOrg! : null,
        created_at: now,
        expires_at: now + STATE_TTL_MS,
      });
      return true;
    });
    if (!stored) return fail(c, 'Too many sign-ins in progress', 'Try again in a few minutes.', 503);
    // The state is bound to this browser: only the browser that started can finish.
    setCookie(c, cookieName(state), binding, { httpOnly: true, secure: secure(), sameSite: 'Lax', path: '/oauth/zoho', maxAge: STATE_TTL_MS / 1000 });
    const authorize = new URL('/oauth/v2/auth', `${deps.config.zohoAccountsUrl}/`);
    authorize.searchParams.set('scope', (purpose === 'connect' ? ZOHO_SCOPES : ADMIN_LOGIN_SCOPES).join(','));
    authorize.searchParams.set('client_id', deps.config.zohoClientId);
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('access_type', purpose === 'connect' ? 'offline' : 'online');
    if (purpose === 'connect') authorize.searchParams.set('prompt', 'consent');
    authorize.searchParams.set('redirect_uri', redirectUri());
    authorize.searchParams.set('state', state);
    return c.redirect(authorize.toString(), 302);
  });

  app.get('/callback', async (c) => {
    const query = c.req.query();
    const binding = query.state ? getCookie(c, cookieName(query.state)) : undefined;
    if (query.state) deleteCookie(c, cookieName(query.state), { path: '/oauth/zoho', secure: secure() });
    const state = query.state ? await consumeOAuthState(deps.db, sha256(query.state), deps.clock.now()) : undefined;
    if (!state) return fail(c, 'This authorization link is not valid', 'It is unknown, expired or already used.');
    // A failed sign-in tells the settings tab that opened it (no secret in it), so the tab never waits on a closed door.
    const failed = (title: string, message: string, status: 400 | 500 | 503 = 400) =>
      state.purpose === 'admin' && state.opener_origin
        ? show(c, { title, ok: false, paragraphs: [message, 'Nothing was stored.', 'Start again from the settings tab.'], message: { origin: state.opener_origin, data: { type: 'salesassist:admin-session-failed', title, message } } }, status)
        : fail(c, title, message, status);
    if (!binding || sha256(binding) !== state.browser_binding_hash) {
      return failed('Authorization started in another browser', 'Finish the authorization in the browser window that started it.');
    }
    if (query.error) {
      const declined = query.error === 'access_denied';
      return failed(declined ? 'Authorization was declined' : 'Zoho did not authorize', declined ? 'Zoho access was not granted.' : 'Zoho answered with an error.');
    }
    if (!query.code) return failed('Zoho sent no authorization code', 'The callback carried neither a code nor an error.');
    const input = { code: query.code, accountsServer: query['accounts-server'], location: query.location, redirectUri: redirectUri() };
    try {
      if (state.purpose === 'admin') {
        const { org, user } = await completeAdminLogin(deps, input);
        // The session is posted only to this org's own settings tab: its origin was registered when the
        // backend was authorized (or is configured), so another extension's widget never receives it.
        const ours = [...extraOrigins, new URL(deps.config.publicUrl).origin, ...widgetOriginsOf(org)];
        if (!ours.includes(state.opener_origin!)) {
          c.get('logger').warn('admin sign-in from an origin not registered for the org', { orgId: org.id, origin: state.opener_origin });
          // Nothing at all goes to an origin the org did not register, not even the failure.
          return fail(c, "Sign-in must start from this org's settings tab", `${state.opener_origin!} is not where this org's settings tab was authorized from. An administrator authorizes the backend again from the settings tab to register it.`);
        }
        const session = sessions.issue({ orgId: org.id, zohoUserId: user.id, email: user.email });
        c.get('logger').info('admin signed in', { orgId: org.id, zohoUserId: user.id });
        return show(c, {
          title: 'Signed in',
          ok: true,
          paragraphs: [`Signed in as ${user.email}, administrator of ${org.name}.`, 'You can close this window and carry on in the settings tab.'],
          message: { origin: state.opener_origin!, data: { type: 'salesassist:admin-session', token: session.token, expiresAt: session.expiresAt, email: user.email } },
        });
      }
      const result = await completeAuthorization(deps, input);
      // The tab's origin is registered on the first authorization, or later when the start carried a
      // ticket from this org's own tab: a crafted link naming another extension's origin registers nothing.
      if (state.opener_origin && (widgetOriginsOf(result.org).length === 0 || state.ticket_org_id === result.org.id)) await registerWidgetOrigin(deps.db, result.org.id, state.opener_origin);
      const problems = result.setup.filter((step) => !step.ok);
      return show(c, {
        title: result.reauthorized ? 'Zoho CRM authorized again' : 'Zoho CRM connected',
        ok: true,
        paragraphs: [
          `${result.org.name} (${result.org.dc.toUpperCase()} data centre) is connected as ${result.org.authorized_by_email}.`,
          problems.length > 0 ? 'Some setup steps need another try: press Refresh in the settings tab, or authorize again.' : 'Setup finished.',
          SETTINGS_HINT,
        ],
        steps: result.setup.map((step) => ({ ok: step.ok, text: `${step.step.replace('_', ' ')}: ${step.detail}` })),
      });
    } catch (error) {
      if (error instanceof ConnectError) return failed(error.title, error.message);
      if (error instanceof ZohoOAuthError) return failed('Zoho refused the authorization code', `Zoho answered "${error.code}". Codes are single-use and expire within minutes.`);
      if (error instanceof ZohoUnavailableError || error instanceof ZohoRateLimitedError) {
        return failed('Zoho could not be reached', 'Zoho did not answer in time. Try again in a minute.', 503);
      }
      c.get('logger').error('authorization failed', { error });
      return failed('Authorization failed', `Something went wrong on our side (request ${c.get('requestId')}).`, 500);
    }
  });

  return app;
}
