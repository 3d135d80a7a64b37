/**
 * What the widget needs from the page that hosts it (Zoho CRM, or the sandbox's CRM page), in
 * our own types. Only widget/src/host/ knows how that is done (window.ZOHO); components receive a
 * Host through context, so they can be tested with a fake.
 */

export interface PageContext {
  module: string;
  /** Always one id: Zoho sends a string for related lists and an array for buttons. */
  recordId: string | null;
}

export interface CurrentUser {
  id: string;
  email: string;
  fullName: string;
}

export interface HostRecord {
  id: string;
  ownerId: string | null;
  ownerName: string | null;
  fields: Record<string, unknown>;
}

export interface ZohoUserSummary {
  id: string;
  email: string;
  fullName: string;
}

export interface Host {
  /** Resolves once the host said where the widget is (PageLoad) or that it is a tab. */
  context(): Promise<PageContext>;
  currentUser(): Promise<CurrentUser>;
  /** The org variable holding the widget key. */
  orgVariable(apiName: string): Promise<string | null>;
  getRecord(module: string, id: string): Promise<HostRecord>;
  updateRecord(module: string, id: string, fields: Record<string, unknown>): Promise<void>;
  users(): Promise<ZohoUserSummary[]>;
  resize(height: number): Promise<void>;
}

/** Keeps the host's frame as tall as the content, so nothing scrolls inside the widget. */
export function followContentHeight(host: Host, element: HTMLElement): void {
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(element.scrollHeight);
    if (height === last) return;
    last = height;
    host.resize(height).catch(() => undefined);
  }).observe(element);
}
