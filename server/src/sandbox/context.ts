import type { HttpBindings } from '@hono/node-server';
import type { Db } from '../db/open-db.js';
import type { Clock } from '../lib/clock.js';
import type { FaultInjector } from './faults.js';
import type { UsageLimiter } from './limits.js';
import type { Notifier } from './notifications.js';
import type { TokenRow } from './store/auth.js';
import type { DataCentre, OrgRow, UserRow } from './store/orgs.js';

export interface SandboxDeps {
  db: Db;
  clock: Clock;
  /** The sandbox's own origin, e.g. http://127.0.0.1:8790 (known once it listens). */
  baseUrl: () => string;
  notifier: Notifier;
  limiter: UsageLimiter;
  faults: FaultInjector;
  /** The widget the CRM record page shows by default (e.g. the backend's /app/widget.html). */
  widgetUrl?: string | undefined;
  /** Extra links in the CRM pages' header (the demo's mail view). */
  uiLinks?: { label: string; url: string }[] | undefined;
}

/** Who is calling the CRM API: resolved from the access token on every request. */
export interface CallerAuth {
  org: OrgRow;
  user: UserRow;
  scopes: string[];
  token: TokenRow;
}

export interface SandboxEnv {
  Bindings: HttpBindings;
  Variables: {
    dc: DataCentre;
    auth: CallerAuth;
    credits: number;
  };
}

/**
 * Each data centre has its own accounts server and API domain. The sandbox serves the US one at
 * its root and every other one under /dc/<code>, so multi-DC handling is testable on one port.
 */
export function dcBaseUrl(baseUrl: string, dc: DataCentre): string {
  return dc === 'us' ? baseUrl : `${baseUrl}/dc/${dc}`;
}
