import type { ImapFlow } from 'imapflow';
import { listMailboxAssistants } from '../db/assistants.js';
import type { Db } from '../db/open-db.js';
import type { Logger } from '../lib/logger.js';
import type { TokenCipher } from '../lib/token-cipher.js';
import { imapClient, openMailbox } from './imap-reader.js';
import { checkMailboxHost } from './mailbox-host.js';

const RECONNECT_MIN_MS = 5_000;
const RECONNECT_MAX_MS = 5 * 60_000;

/**
 * IMAP IDLE, where the server offers it: one idling connection per assistant mailbox that asks
 * for an immediate poll when new mail arrives. Polling (the `mailbox` job) stays the source of
 * truth; this only makes replies arrive in seconds instead of at the next poll.
 */
export class MailboxWatcher {
  private readonly clients = new Map<string, ImapFlow>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
    private readonly logger: Logger,
    private readonly onNewMail: (orgId: string, assistantId: string) => void,
    private readonly allowPrivate = false,
  ) {}

  /** Watches every configured mailbox not yet watched; call again after settings change. */
  refresh(): void {
    if (this.stopped) return;
    const wanted = listMailboxAssistants(this.db);
    for (const { org_id: orgId, id } of wanted) if (!this.clients.has(id) && !this.timers.has(id)) void this.watch(orgId, id, RECONNECT_MIN_MS);
    for (const id of this.clients.keys()) if (!wanted.some((entry) => entry.id === id)) this.drop(id);
  }

  private drop(id: string): void {
    const client = this.clients.get(id);
    this.clients.delete(id);
    client?.close();
  }

  private async watch(orgId: string, assistantId: string, backoff: number): Promise<void> {
    const settings = openMailbox(this.db, this.cipher, orgId, assistantId);
    if (!settings || this.stopped) return;
    const address = await checkMailboxHost(settings.host, this.allowPrivate).catch(() => null);
    if (!address || this.stopped) {
      this.logger.warn('mailbox watch refused: the server is on a private address', { orgId, assistantId });
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
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(assistantId);
      void this.watch(orgId, assistantId, Math.min(backoff * 2, RECONNECT_MAX_MS));
    }, backoff);
    timer.unref();
    this.timers.set(assistantId, timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    for (const id of [...this.clients.keys()]) this.drop(id);
  }
}
