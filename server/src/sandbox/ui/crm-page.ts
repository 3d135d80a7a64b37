import { randomBytes } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { dcBaseUrl } from '../context.js';
import { createClient, getClient, issueAccessToken } from '../store/auth.js';
import { type OrgRow, findUserByEmail, getOrg, listUsers } from '../store/orgs.js';
import { listFields } from '../store/fields.js';
import { getRecord, listRecords } from '../store/records.js';
import { HOST_JS } from './host-script.js';
import { SDK_STANDIN_JS } from './sdk-standin.js';

const UI_CLIENT_ID = '1000.SANDBOXCRMUI';
const UI_SCOPES = 'ZohoCRM.modules.ALL,ZohoCRM.settings.ALL,ZohoCRM.users.ALL,ZohoCRM.org.ALL,ZohoCRM.change_owner.CREATE';
const MODULES = ['Leads', 'Contacts', 'Deals'] as const;
const SINGULAR: Record<(typeof MODULES)[number], string> = { Leads: 'Lead', Contacts: 'Contact', Deals: 'Deal' };

/** A record's name as Zoho titles it: the person, or the deal. */
function recordName(values: Record<string, unknown>): string {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return text(values.Deal_Name) || [text(values.First_Name), text(values.Last_Name)].filter(Boolean).join(' ');
}

const escape = (value: string) => value.replace(/[&<>"']/g, (char) => `&#${String(char.charCodeAt(0))};`);

/** Widgets may come from loopback only (the backend on this machine), or the configured URL. */
function widgetUrlOf(requested: string | undefined, configured: string | undefined): string | undefined {
  const candidate = requested ?? configured;
  if (!candidate) return undefined;
  try {
    const url = new URL(candidate);
    const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
    return (loopback && (url.protocol === 'http:' || url.protocol === 'https:')) || candidate === configured ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

interface NavLink {
  label: string;
  url: string;
  /** Pages of this CRM open in the same tab; others (the demo's mail view) in a new one. */
  here?: boolean;
}

/** The org's own pages, in every page's header: its records, and the settings tab as Zoho shows it under its web tab. */
function orgLinks(orgId: string, carried: { user?: string | undefined; widget?: string | undefined }): NavLink[] {
  const query = (widget: string | undefined) => {
    const params = new URLSearchParams();
    if (carried.user) params.set('user', carried.user);
    if (widget) params.set('widget', widget);
    return params.size > 0 ? `?${params.toString()}` : '';
  };
  const recordWidget = carried.widget?.replace(/\/settings\.html(?=$|[?#])/, '/widget.html');
  return [
    { label: 'Records', url: `/ui/${orgId}${query(recordWidget)}`, here: true },
    { label: 'Sales Assistant settings', url: `/ui/${orgId}/tab${query(settingsUrlOf(carried.widget))}`, here: true },
  ];
}

/** The same page with settings.html for widget.html: the settings tab of the configured extension. */
function settingsUrlOf(widgetUrl: string | undefined): string | undefined {
  return widgetUrl?.replace(/\/widget\.html(?=$|[?#])/, '/settings.html');
}

function page(title: string, body: string, nonce: string, links: NavLink[] = []): string {
  const nav = links.map((link) => ` · <a class="nav" href="${escape(link.url)}"${link.here ? '' : ' target="_blank" rel="noopener"'}>${escape(link.label)}</a>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Zoho CRM sandbox</title>
<style nonce="${nonce}">
body{margin:0;font:13px/1.45 -apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Arial,sans-serif;color:#1f2937;background:#f4f6f9}
header{background:#1b2a4a;color:#fff;padding:10px 16px;font-weight:600}header a.nav{color:#cfe3ff}
main{display:grid;grid-template-columns:1fr 380px;gap:16px;padding:16px}
section{background:#fff;border:1px solid #e5e7eb;border-radius:6px;padding:12px 14px}
h1{font-size:16px;margin:0 0 10px}h2{font-size:13px;margin:14px 0 6px;color:#6b7280;text-transform:uppercase}
th{text-align:left;color:#6b7280;font-weight:500;padding:2px 12px 2px 0;vertical-align:top}
main.tab{grid-template-columns:1fr}iframe{width:100%;height:560px;border:1px solid #e5e7eb;border-radius:6px;background:#fff}
ul{padding-left:18px}a{color:#1a73e8}
.muted{color:#6b7280;font-weight:400;font-size:12px}
table.list{border-collapse:collapse;width:100%}table.list th,table.list td{padding:6px 12px 6px 0;border-bottom:1px solid #eef0f3;text-align:left}
form.filter{margin:0 0 6px}
#notes li{margin:0 0 10px}#notes div{white-space:pre-wrap}
</style></head><body><header>Zoho CRM · sandbox${nav}</header>${body}</body></html>`;
}

/**
 * The sandbox's CRM pages: a list of Leads, Contacts and Deals per org, and a record page with its
 * fields, Owner (changeable), Notes and our widget in a cross-origin iframe hosted through the
 * embedded-app protocol. Also serves the SDK stand-in the widget loads offline.
 */
export function createCrmUiRoutes(deps: SandboxDeps, options: { widgetUrl?: string | undefined } = {}): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.get('/sdk/ZohoEmbededAppSDK.min.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(SDK_STANDIN_JS);
  });

  app.get('/ui/:orgId', (c) => {
    const org = getOrg(deps.db, c.req.param('orgId'));
    if (!org) return c.text('No such org in the sandbox.', 404);
    const nonce = randomBytes(16).toString('base64');
    const query = new URL(c.req.url).search;
    const users = listUsers(deps.db, org.id);
    const userName = (id: string) => {
      const user = users.find((candidate) => candidate.id === id);
      return user ? [user.first_name, user.last_name].filter(Boolean).join(' ') || user.email : id;
    };
    // A list view as Zoho shows one: name, email, owner and the assistant's status, filterable by owner.
    const ownerFilter = c.req.query('owner');
    const filter = `<form class="filter" method="get"><label>Owner <select name="owner" aria-label="Filter by owner"><option value="">All owners</option>${users
      .map((user) => `<option value="${escape(user.id)}"${user.id === ownerFilter ? ' selected' : ''}>${escape(userName(user.id))}</option>`)
      .join('')}</select></label>${c.req.query('user') ? `<input type="hidden" name="user" value="${escape(c.req.query('user')!)}">` : ''}${c.req.query('widget') ? `<input type="hidden" name="widget" value="${escape(c.req.query('widget')!)}">` : ''} <button type="submit">Apply</button></form>`;
    const lists = MODULES.map((module) => {
      const status = listFields(deps.db, org.id, module).find((field) => field.field_label === '7Targets Lead Connection Status')?.api_name;
      const rows = listRecords(deps.db, org.id, module)
        .filter((record) => !ownerFilter || record.ownerId === ownerFilter)
        .slice(0, 200)
        .map((record) => {
          const name = recordName(record.values) || record.id;
          return `<tr><td><a href="/ui/${org.id}/${module}/${record.id}${escape(query)}">${escape(name)}</a></td><td>${escape(String(record.values.Email ?? record.values.Account_Name ?? ''))}</td><td>${escape(userName(record.ownerId))}</td><td>${escape(String((status ? record.values[status] : null) ?? '—'))}</td></tr>`;
        });
      return `<h2>${module}</h2>${rows.length ? `<table class="list" aria-label="${module}"><thead><tr><th scope="col">Name</th><th scope="col">${module === 'Deals' ? 'Account' : 'Email'}</th><th scope="col">Owner</th><th scope="col">7Targets status</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>None yet.</p>'}`;
    });
    c.header('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${nonce}'`);
    return c.html(page(org.name, `<main class="tab"><section><h1>${escape(org.name)}</h1>${filter}${lists.join('')}</section></main>`, nonce, [...orgLinks(org.id, carried(c)), ...(deps.uiLinks ?? [])]));
  });

  /** The page acts as the signed-in user, as Zoho's own UI does, with a token of the sandbox's UI client. */
  const pageToken = (org: OrgRow, userId: string): string => {
    const now = deps.clock.now();
    if (!getClient(deps.db, UI_CLIENT_ID)) createClient(deps.db, { name: 'Sandbox CRM UI', redirectUris: [], clientId: UI_CLIENT_ID }, now);
    return issueAccessToken(deps.db, { client_id: UI_CLIENT_ID, org_id: org.id, user_id: userId, scope: UI_SCOPES }, null, now).token;
  };

  /**
   * A fresh token for an open page whose token expired (the simulated clock runs days ahead): a CRM
   * session in Zoho does not end while the user works, so neither does the sandbox page's.
   */
  app.post('/ui/:orgId/session', (c) => {
    const org = getOrg(deps.db, c.req.param('orgId'));
    if (!org) return c.json({ error: 'no such org' }, 404);
    const email = c.req.query('user');
    const user = email ? findUserByEmail(deps.db, org.id, email) : undefined;
    if (!user) return c.json({ error: 'no such user' }, 404);
    c.header('Cache-Control', 'no-store');
    return c.json({ token: pageToken(org, user.id) });
  });

  /**
   * A page hosting a widget for the signed-in user (`?user=`, else the org's administrator): the
   * user's token, the protocol script, and a CSP that frames only that widget. `record` is null for
   * a web tab.
   */
  /** `?user=` and `?widget=` carried from page to page by the header's links. */
  const carried = (c: Context<SandboxEnv>) => ({ user: c.req.query('user'), widget: c.req.query('widget') });

  const hostPage = (c: Context<SandboxEnv>, org: OrgRow, record: { module: string; recordId: string } | null, main: string) => {
    const email = c.req.query('user');
    const user = email ? findUserByEmail(deps.db, org.id, email) : listUsers(deps.db, org.id).find((candidate) => candidate.profile === 'Administrator');
    if (!user) return c.text(`No user ${email ?? '(admin)'} in this org.`, 404);
    // Read per request: the demo learns the backend's address only after the sandbox is up.
    const configured = options.widgetUrl ?? deps.widgetUrl;
    // The web tab shows the extension's settings page unless a widget is named.
    const widgetUrl = widgetUrlOf(c.req.query('widget'), record ? configured : settingsUrlOf(configured));
    if (!widgetUrl) return c.text('Say which widget to show: ?widget=<loopback URL of widget.html or settings.html>.', 400);
    const token = pageToken(org, user.id);
    const config = {
      sessionUrl: `/ui/${org.id}/session?user=${encodeURIComponent(user.email)}`,
      apiBase: `${dcBaseUrl(deps.baseUrl(), org.dc)}/crm/v8`,
      token,
      module: record?.module ?? null,
      recordId: record?.recordId ?? null,
      userId: user.id,
      uniqueID: `sandbox-${randomBytes(6).toString('hex')}`,
      widgetUrl,
    };
    const nonce = randomBytes(16).toString('base64');
    const body = `${main}
<script type="application/json" id="crm-config">${JSON.stringify(config).replace(/</g, '\\u003c')}</script>
<script nonce="${nonce}">${HOST_JS}</script>`;
    c.header('Content-Security-Policy', `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; frame-src ${new URL(widgetUrl).origin}; form-action 'none'; base-uri 'none'`);
    c.header('Cache-Control', 'no-store');
    return c.html(page(record ? `${record.module} ${record.recordId}` : 'Settings', body, nonce, [...orgLinks(org.id, carried(c)), ...(deps.uiLinks ?? [])]));
  };

  /** A web tab (the settings tab): the widget alone, with no record and no PageLoad. */
  app.get('/ui/:orgId/tab', (c) => {
    const org = getOrg(deps.db, c.req.param('orgId'));
    if (!org) return c.text('No such org in the sandbox.', 404);
    return hostPage(c, org, null, '<main class="tab"><section aria-label="Widget"><iframe id="widget" title="Sales assistant settings"></iframe></section></main>');
  });

  app.get('/ui/:orgId/:module/:recordId', (c) => {
    const { orgId, module, recordId } = c.req.param();
    const org = getOrg(deps.db, orgId);
    if (!org || !(MODULES as readonly string[]).includes(module) || !getRecord(deps.db, orgId, module, recordId)) return c.text('No such record in the sandbox.', 404);
    const main = `<main>
<section aria-label="Record"><h1>${escape(recordName(getRecord(deps.db, orgId, module, recordId)!.values) || recordId)} <span class="muted">${escape(SINGULAR[module as (typeof MODULES)[number]])}</span></h1>
<form id="owner-form"><label>Owner <select id="owner" aria-label="Owner"></select></label> <button type="submit">Change owner</button> <button type="button" id="refresh">Refresh</button></form>
<h2>Fields</h2><table><tbody id="fields"></tbody></table>
<h2>Notes</h2><ul id="notes"></ul></section>
<section aria-label="Widget"><iframe id="widget" title="Sales assistant widget"></iframe></section>
</main>`;
    return hostPage(c, org, { module, recordId }, main);
  });

  return app;
}
