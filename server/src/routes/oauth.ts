import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { consumeOAuthState, saveOAuthState } from '../db/oauth-states.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { page } from '../http/pages.js';
import { randomToken, sha256 } from '../lib/token-cipher.js';
import { ZohoOAuthError, ZohoRateLimitedError, ZohoUnavailableError } from '../zoho/errors.js';
import { ConnectError, ZOHO_SCOPES, completeAuthorization } from '../services/connect-org.js';

const BINDING_COOKIE = 'zsa_oauth_binding';
const STATE_TTL_MS = 10 * 60 * 1000;
const SETTINGS_HINT = 'Go back to the settings tab in Zoho CRM and press Refresh.';

/** The admin's path to authorizing the backend: /oauth/zoho/start → Zoho consent → /oauth/zoho/callback. */
export function oauthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const redirectUri = () => `${deps.config.publicUrl}/oauth/zoho/callback`;
  const secure = () => deps.config.publicUrl.startsWith('https://');

  const fail = (c: Context<AppEnv>, title: string, message: string, status: 400 | 502 | 503 = 400) =>
    c.html(page({ title, ok: false, paragraphs: [message, 'Nothing was stored.', 'Start again from the settings tab: Authorize.'] }), status);

  app.get('/start', (c) => {
    const state = randomToken(32);
    const binding = randomToken(32);
    const now = deps.clock.now();
    saveOAuthState(deps.db, { state_hash: sha256(state), browser_binding_hash: sha256(binding), return_to: null, created_at: now, expires_at: now + STATE_TTL_MS });
    // The state is bound to this browser: only the browser that started can finish.
    setCookie(c, BINDING_COOKIE, binding, { httpOnly: true, secure: secure(), sameSite: 'Lax', path: '/oauth/zoho', maxAge: STATE_TTL_MS / 1000 });
    const authorize = new URL('/oauth/v2/auth', `${deps.config.zohoAccountsUrl}/`);
    authorize.searchParams.set('scope', ZOHO_SCOPES.join(','));
    authorize.searchParams.set('client_id', deps.config.zohoClientId);
    authorize.searchParams.set('response_type', 'code');
    authorize.searchParams.set('access_type', 'offline');
    authorize.searchParams.set('prompt', 'consent');
    authorize.searchParams.set('redirect_uri', redirectUri());
    authorize.searchParams.set('state', state);
    return c.redirect(authorize.toString(), 302);
  });

  app.get('/callback', async (c) => {
    const query = c.req.query();
    const binding = getCookie(c, BINDING_COOKIE);
    deleteCookie(c, BINDING_COOKIE, { path: '/oauth/zoho', secure: secure() });
    const state = query.state ? consumeOAuthState(deps.db, sha256(query.state), deps.clock.now()) : undefined;
    if (!state) return fail(c, 'This authorization link is not valid', 'It is unknown, expired or already used.');
    if (!binding || sha256(binding) !== state.browser_binding_hash) {
      return fail(c, 'Authorization started in another browser', 'Finish the authorization in the browser window that started it.');
    }
    if (query.error) {
      const declined = query.error === 'access_denied';
      return fail(c, declined ? 'Authorization was declined' : 'Zoho did not authorize', declined ? 'Zoho access was not granted.' : `Zoho answered "${query.error}".`);
    }
    if (!query.code) return fail(c, 'Zoho sent no authorization code', 'The callback carried neither a code nor an error.');
    try {
      const result = await completeAuthorization(deps, { code: query.code, accountsServer: query['accounts-server'], location: query.location, redirectUri: redirectUri() });
      const problems = result.setup.filter((step) => !step.ok);
      return c.html(
        page({
          title: result.reauthorized ? 'Zoho CRM authorized again' : 'Zoho CRM connected',
          ok: true,
          paragraphs: [
            `${result.org.name} (${result.org.dc.toUpperCase()} data centre) is connected as ${result.org.authorized_by_email}.`,
            problems.length > 0 ? 'Some setup steps need another try: press Refresh in the settings tab, or authorize again.' : 'Setup finished.',
            SETTINGS_HINT,
          ],
          steps: result.setup.map((step) => ({ ok: step.ok, text: `${step.step.replace('_', ' ')}: ${step.detail}` })),
        }),
      );
    } catch (error) {
      if (error instanceof ConnectError) return fail(c, error.title, error.message);
      if (error instanceof ZohoOAuthError) return fail(c, 'Zoho refused the authorization code', `Zoho answered "${error.code}". Codes are single-use and expire within minutes.`);
      if (error instanceof ZohoUnavailableError || error instanceof ZohoRateLimitedError) {
        return fail(c, 'Zoho could not be reached', 'Zoho did not answer in time. Try again in a minute.', 503);
      }
      throw error;
    }
  });

  return app;
}
