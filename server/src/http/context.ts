import type { OrgRow } from '../db/orgs.js';
import type { Logger } from '../lib/logger.js';

export type { AppConfig, AppDeps } from '../services/deps.js';

export interface Caller {
  org: OrgRow;
  kind: 'widget' | 'operator';
  /** Set when the widget also sent a valid admin session for this org. */
  admin: { zohoUserId: string; email: string } | undefined;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    caller: Caller;
  };
}
