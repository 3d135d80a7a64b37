import type { Clock } from '../lib/clock.js';
import { hmac, safeEqual } from '../lib/token-cipher.js';

export const ADMIN_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
export const SIGN_IN_TICKET_TTL_MS = 2 * 60 * 1000;

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
    // Eight hours of the person's time: on a sped-up clock (the demo's day a minute) that is eight
    // real hours, not twenty seconds, so the tab does not ask to sign in again at every action.
    const expiresAt = this.clock.now() + ADMIN_SESSION_TTL_MS * (this.clock.rate ?? 1);
    const payload = Buffer.from(JSON.stringify({ ...session, expiresAt })).toString('base64url');
    return { token: `${payload}.${hmac(this.key, payload)}`, expiresAt };
  }

  /**
   * A sign-in ticket: proof, for two minutes, that the page starting an admin sign-in holds the
   * org's widget key. Starts with one skip the per-client limit and may use the share of sign-ins
   * kept for orgs, so a flood of anonymous starts cannot lock an administrator out.
   */
  issueTicket(orgId: string): { ticket: string; expiresAt: number } {
    const expiresAt = this.clock.now() + SIGN_IN_TICKET_TTL_MS;
    const payload = Buffer.from(JSON.stringify({ orgId, expiresAt })).toString('base64url');
    return { ticket: `${payload}.${hmac(this.key, `ticket:${payload}`)}`, expiresAt };
  }

  verifyTicket(ticket: string | undefined): string | undefined {
    const [payload, signature, extra] = (ticket ?? '').slice(0, 500).split('.');
    if (!payload || !signature || extra !== undefined || !safeEqual(signature, hmac(this.key, `ticket:${payload}`))) return undefined;
    try {
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { orgId?: unknown; expiresAt?: unknown };
      return typeof parsed.orgId === 'string' && typeof parsed.expiresAt === 'number' && parsed.expiresAt > this.clock.now() ? parsed.orgId : undefined;
    } catch {
      return undefined;
    }
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
