import { createCrmUiRoutes } from './ui/crm-page.js';
import { Hono } from 'hono';
import type { SandboxDeps, SandboxEnv } from './context.js';
import { ZohoError, zohoErrors } from './errors.js';
import { createAccountsRoutes } from './accounts/routes.js';
import { createAdminRoutes } from './admin/routes.js';
import { createCrmRoutes } from './crm/routes.js';
import { DATA_CENTRES, type DataCentre } from './store/orgs.js';

export function isCrmPath(path: string): boolean {
  return /^(\/dc\/[a-z]{2})?\/crm\//.test(path);
}

function zohoErrorResponse(error: ZohoError): Response {
  return new Response(JSON.stringify(error.toBody()), {
    status: error.httpStatus,
    headers: { 'content-type': 'application/json;charset=UTF-8' },
  });
}

/**
 * The sandbox's HTTP surface. The US data centre lives at the root and every other one under
 * /dc/<code>; each serves Zoho Accounts (/oauth/v2/...) and the CRM API (/crm/v8/...).
 */
export function createSandboxApp(deps: SandboxDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.onError((error) => {
    if (error instanceof ZohoError) return zohoErrorResponse(error);
    console.error('sandbox: unexpected error', error);
    return zohoErrorResponse(zohoErrors.internal());
  });
  app.notFound(() => zohoErrorResponse(zohoErrors.invalidUrl()));

  app.route('/sandbox', createAdminRoutes(deps));
  app.route('/', createCrmUiRoutes(deps));

  // CRM calls meet their faults after authentication and admission (see crm/routes.ts), so a
  // delayed call holds a concurrency slot as a slow Zoho call would.
  app.use('*', deps.faults.middleware((path) => !isCrmPath(path)));
  app.use('*', async (c, next) => {
    c.set('dc', 'us');
    await next();
  });
  app.use('/dc/:dc/*', async (c, next) => {
    const dc = c.req.param('dc') as DataCentre;
    if (!DATA_CENTRES.includes(dc) || dc === 'us') throw zohoErrors.invalidUrl();
    c.set('dc', dc);
    await next();
  });

  for (const base of ['', '/dc/:dc']) {
    app.route(base || '/', createAccountsRoutes(deps));
    app.route(`${base}/crm/v8`, createCrmRoutes(deps));
  }

  app.get('/', (c) =>
    c.json({
      service: 'Zoho sandbox',
      accounts: `${deps.baseUrl()}/oauth/v2/auth`,
      api: `${deps.baseUrl()}/crm/v8`,
      admin: `${deps.baseUrl()}/sandbox/orgs`,
    }),
  );
  return app;
}
