import type { Clock } from '../lib/clock.js';
import { hmac, safeEqual } from '../lib/token-cipher.js';

export const ADMIN_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export interface AdminSession {
  orgId: string;
  zohoUserId: string;
  email: string;
  expiresAt: number;
}

/**
 * Proof that a Zoho administrator signed in (through Zoho's own login, /oauth/zoho/start?purpose=admin)
 * a short while ago: an HMAC-signed token the settings tab sends as X-Admin-Session.
 */
export class AdminSessions {
  constructor(
    private readonly key: Buffer,
    private readonly clock: Clock,
  ) {}

  issue(session: Omit<AdminSession, 'expiresAt'>): { token: string; expiresAt: number } {
    const expiresAt = this.clock.now() + ADMIN_SESSION_TTL_MS;
    const payload = Buffer.from(JSON.stringify({ ...session, expiresAt })).toString('base64url');
    return { token: `${payload}.${hmac(this.key, payload)}`, expiresAt };
  }

  verify(token: string): AdminSession | undefined {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined || !safeEqual(signature, hmac(this.key, payload))) return undefined;
    try {
      const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AdminSession;
      if (typeof session.orgId !== 'string' || typeof session.expiresAt !== 'number' || session.expiresAt <= this.clock.now()) return undefined;
      return session;
    } catch {
      return undefined;
    }
  }
}
