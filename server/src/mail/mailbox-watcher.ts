import { randomUUID } from 'node:crypto';
import type { ImapFlow } from 'imapflow';
import { listMailboxAssistants } from '../db/assistants.js';
import { acquireLease, releaseLease } from '../db/leases.js';
import type { Db } from '../db/store.js';
import { type Clock, systemClock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { TokenCipher } from '../lib/token-cipher.js';
import { imapClient, openMailbox } from './imap-reader.js';
import { checkMailboxHost } from './mailbox-host.js';

const RECONNECT_MIN_MS = 5_000;
const RECONNECT_MAX_MS = 5 * 60_000;
/** How long a mailbox's IDLE lease lasts unrenewed; renewed (and lapsed ones taken over) every third of it, so a dead holder's mailboxes are idled again within a minute. */
export const IDLE_LEASE_MS = 45_000;

export interface WatcherOptions {
  /** This process, as the holder of its leases. */
  holder?: string;
  clock?: Clock;
  leaseMs?: number;
}

export const idleLeaseName = (assistantId: string) => `imap-idle:${assistantId}`;

/**
 * IMAP IDLE, where the server offers it: one idling connection per assistant mailbox that asks
 * for an immediate poll when new mail arrives. Polling (the `mailbox` job) stays the source of
 * truth; this only makes replies arrive in seconds instead of at the next poll. With several
 * backend processes on one database, exactly one idles on each mailbox: it holds the mailbox's
 * lease (db/leases.ts) and renews it; when it dies, another takes the lapsed lease over.
 */
export class MailboxWatcher {
  private readonly clients = new Map<string, ImapFlow>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Mailboxes whose lease this process holds. */
  private readonly held = new Set<string>();
  private renewal: ReturnType<typeof setInterval> | undefined;
  /** Renewal rounds run one after the other (a slow database must not make them overlap). */
  private rounds: Promise<void> = Promise.resolve();
  private roundsQueued = 0;
  private stopped = false;
  readonly holder: string;
  private readonly clock: Clock;
  private readonly leaseMs: number;

  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
    private readonly logger: Logger,
    private readonly onNewMail: (orgId: string, assistantId: string) => void,
    private readonly allowPrivate = false,
    options: WatcherOptions = {},
  ) {
    this.holder = options.holder ?? randomUUID();
    this.clock = options.clock ?? systemClock;
    this.leaseMs = options.leaseMs ?? IDLE_LEASE_MS;
  }

  /** Watches every configured mailbox no process watches yet; call again after settings change. */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    if (!this.renewal) {
      // A round still running (the database slow) is not queued behind again.
      this.renewal = setInterval(() => {
        if (this.roundsQueued === 0) void this.renew();
      }, Math.floor(this.leaseMs / 3));
      this.renewal.unref();
    }
    const wanted = await listMailboxAssistants(this.db);
    for (const { org_id: orgId, id } of wanted) {
      if (this.held.has(id) || !(await acquireLease(this.db, idleLeaseName(id), this.holder, this.clock.now(), this.leaseMs))) continue;
      // Another refresh of this process took it meanwhile, or the watcher stopped: one connection per mailbox, none after stop().
      if (this.held.has(id)) continue;
      if (this.stopped) {
        await releaseLease(this.db, idleLeaseName(id), this.holder);
        continue;
      }
      this.held.add(id);
      this.startWatching(orgId, id, RECONNECT_MIN_MS);
    }
    for (const id of [...this.held]) {
      if (wanted.some((entry) => entry.id === id)) continue;
      this.drop(id);
      await this.release(id);
    }
  }

  /**
   * Renews the leases held (one lost, say after a long stall, is let go) and takes over lapsed ones.
   * Never fails: a round that cannot reach the database is logged, and the next one tries again.
   */
  renew(): Promise<void> {
    this.roundsQueued += 1;
    const round = this.rounds.then(() => this.renewRound()).finally(() => (this.roundsQueued -= 1));
    this.rounds = round;
    return round;
  }

  private async renewRound(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const id of [...this.held]) {
        if (await acquireLease(this.db, idleLeaseName(id), this.holder, this.clock.now(), this.leaseMs)) continue;
        this.logger.warn('mailbox watch lease lost to another process', { assistantId: id });
        this.held.delete(id);
        this.drop(id);
      }
      await this.refresh();
    } catch (error) {
      // The database busy past its timeout (another process writing): the next round tries again.
      this.logger.warn('mailbox watch lease renewal failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** Whether this process idles on the mailbox (holds its lease). */
  holds(assistantId: string): boolean {
    return this.held.has(assistantId);
  }

  private async release(id: string): Promise<void> {
    this.held.delete(id);
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
    await releaseLease(this.db, idleLeaseName(id), this.holder);
  }

  /** Starts (or restarts) the watch in the background; what fails there is logged and retried. */
  private startWatching(orgId: string, assistantId: string, backoff: number): void {
    this.watch(orgId, assistantId, backoff).catch((error: unknown) => {
      this.logger.warn('mailbox watch failed', { orgId, assistantId, error: error instanceof Error ? error.message : String(error) });
      this.retry(orgId, assistantId, backoff);
    });
  }

  private drop(id: string): void {
    const client = this.clients.get(id);
    this.clients.delete(id);
    client?.close();
  }

  private async watch(orgId: string, assistantId: string, backoff: number): Promise<void> {
    const settings = await openMailbox(this.db, this.cipher, orgId, assistantId);
    if (this.stopped || !this.held.has(assistantId)) return;
    if (!settings) {
      // No mailbox any more: let the lease go, so a later setting is picked up by whoever looks first.
      await this.release(assistantId);
      return;
    }
    const address = await checkMailboxHost(settings.host, this.allowPrivate).catch((error: unknown) => error);
    if (this.stopped || !this.held.has(assistantId)) return;
    if (typeof address !== 'string') {
      // Refused (a private address) or not resolved now: try again later, with backoff.
      this.logger.warn('mailbox watch could not use the server address', { orgId, assistantId, error: address instanceof Error ? address.message : String(address) });
      this.retry(orgId, assistantId, backoff);
      return;
    }
    const client = imapClient(settings, { idleSoon: true, address });
    this.clients.set(assistantId, client);
    client.on('exists', () => this.onNewMail(orgId, assistantId));
    client.on('error', (error: Error) => this.logger.warn('mailbox watch error', { orgId, assistantId, error: error.message }));
    client.on('close', () => {
      if (this.clients.get(assistantId) !== client || this.stopped) return;
      this.clients.delete(assistantId);
      this.retry(orgId, assistantId, backoff);
    });
    try {
      await client.connect();
      if (!client.capabilities.has('IDLE')) {
        // Polling alone serves servers without IDLE.
        this.drop(assistantId);
        return;
      }
      await client.mailboxOpen(settings.folder, { readOnly: true });
      // imapflow idles on its own once no command is running; catch up on anything that came meanwhile.
      this.onNewMail(orgId, assistantId);
    } catch (error) {
      this.logger.warn('mailbox watch could not connect', { orgId, assistantId, error: error instanceof Error ? error.message : String(error) });
      if (this.clients.get(assistantId) === client) {
        this.clients.delete(assistantId);
        client.close();
        this.retry(orgId, assistantId, backoff);
      }
    }
  }

  private retry(orgId: string, assistantId: string, backoff: number): void {
    if (this.stopped || !this.held.has(assistantId)) return;
    const timer = setTimeout(() => {
      this.timers.delete(assistantId);
      this.startWatching(orgId, assistantId, Math.min(backoff * 2, RECONNECT_MAX_MS));
    }, backoff);
    timer.unref();
    this.timers.set(assistantId, timer);
  }

  /** Stops watching and lets the leases go, so another process takes the mailboxes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.renewal) clearInterval(this.renewal);
    // A renewal round under way finishes first, so that it renews nothing after the leases are let go.
    await this.rounds;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const id of [...this.clients.keys()]) this.drop(id);
    for (const id of [...this.held]) await this.release(id);
  }
}
