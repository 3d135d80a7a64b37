import type { CurrentUser, Host, HostRecord, PageContext, ZohoUserSummary } from './host.js';

/** The slice of Zoho's embedded-app SDK this adapter calls; anything else is feature-detected. */
interface ZohoSdk {
  embeddedApp: { on(event: string, handler: (data: unknown) => void): void; init(): Promise<unknown> };
  CRM: {
    API: {
      getRecord(args: { Entity: string; RecordID: string }): Promise<unknown>;
      updateRecord(args: { Entity: string; APIData: Record<string, unknown> }): Promise<unknown>;
      getOrgVariable(name: string): Promise<unknown>;
      getAllUsers(args: { Type: string; page?: number; per_page?: number }): Promise<unknown>;
    };
    CONFIG: { getCurrentUser(): Promise<unknown> };
    UI: { Resize(size: { height: number; width?: number }): Promise<unknown> };
  };
}

declare global {
  interface Window {
    ZOHO?: ZohoSdk;
  }
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new Error(`Zoho answered ${what} with ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

function firstOf(value: unknown, key: string, what: string): Record<string, unknown> {
  const list = object(value, what)[key];
  if (!Array.isArray(list) || list.length === 0) throw new Error(`Zoho returned no ${what}`);
  return object(list[0], what);
}

/** `EntityId` is a string for related-list widgets and an array for buttons: always one id. */
export function normaliseEntityId(value: unknown): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' || typeof first === 'number' ? String(first) : null;
}

let pageLoad: Promise<PageContext> | undefined;

/**
 * Registers the PageLoad handler once, before init() (Zoho's 1.2 SDK ignores handlers added
 * later), and starts the SDK. A web tab gets no PageLoad; it resolves with no record.
 */
export function startZohoHost(zoho: ZohoSdk, options: { tab: boolean }): Host {
  pageLoad ??= new Promise<PageContext>((resolve) => {
    zoho.embeddedApp.on('PageLoad', (data) => {
      const payload = object(data, 'PageLoad');
      resolve({ module: String(payload.Entity ?? ''), recordId: normaliseEntityId(payload.EntityId) });
    });
    const initialized = zoho.embeddedApp.init();
    if (options.tab) void initialized.then(() => resolve({ module: '', recordId: null }));
  });
  const context = pageLoad;
  return {
    context: () => context,
    async currentUser(): Promise<CurrentUser> {
      const user = firstOf(await zoho.CRM.CONFIG.getCurrentUser(), 'users', 'current user');
      return { id: String(user.id), email: String(user.email), fullName: String(user.full_name ?? user.email) };
    },
    async orgVariable(apiName) {
      const answer = object(await zoho.CRM.API.getOrgVariable(apiName), 'org variable');
      const success = answer.Success as { Content?: unknown } | undefined;
      return typeof success?.Content === 'string' && success.Content !== '' ? success.Content : null;
    },
    async getRecord(module, id): Promise<HostRecord> {
      const record = firstOf(await zoho.CRM.API.getRecord({ Entity: module, RecordID: id }), 'data', 'record');
      const owner = record.Owner as { id?: unknown; name?: unknown } | null | undefined;
      return { id: String(record.id), ownerId: owner?.id ? String(owner.id) : null, ownerName: owner?.name ? String(owner.name) : null, fields: record };
    },
    async updateRecord(module, id, fields) {
      const answer = firstOf(await zoho.CRM.API.updateRecord({ Entity: module, APIData: { id, ...fields } }).catch(asError), 'data', 'update');
      if (answer.status !== 'success') throw new Error(String(answer.message ?? 'Zoho refused the change'));
    },
    async users(): Promise<ZohoUserSummary[]> {
      const answer = object(await zoho.CRM.API.getAllUsers({ Type: 'ActiveUsers' }), 'users');
      const users = Array.isArray(answer.users) ? answer.users : [];
      return users.map((user) => {
        const row = object(user, 'user');
        return { id: String(row.id), email: String(row.email), fullName: String(row.full_name ?? row.email) };
      });
    },
    async resize(height) {
      await zoho.CRM.UI.Resize({ height });
    },
  };
}

/** The host of this page: Zoho's SDK must have been loaded by the page (see load-sdk.ts). */
export function zohoHost(options: { tab: boolean }): Host {
  if (!window.ZOHO) throw new Error("Zoho's embedded-app SDK did not load: open this widget from inside Zoho CRM.");
  return startZohoHost(window.ZOHO, options);
}

/** The SDK rejects with Zoho's answer (an object), not an Error: say what Zoho said. */
function asError(rejection: unknown): never {
  if (rejection instanceof Error) throw rejection;
  const answer = rejection as { message?: unknown; code?: unknown; data?: { message?: unknown; code?: unknown }[] } | null;
  const first = Array.isArray(answer?.data) ? answer.data[0] : answer;
  const message = typeof first?.message === 'string' ? first.message : typeof answer?.message === 'string' ? answer.message : null;
  const code = typeof first?.code === 'string' ? first.code : null;
  throw new Error(message ? `Zoho refused the change: ${message}${code ? ` (${code})` : ''}` : `Zoho refused the change: ${JSON.stringify(rejection)}`);
}
