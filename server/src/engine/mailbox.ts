import { getAssistant } from '../db/assistants.js';
import { openMailbox, readNewMessages, type Cursor } from '../mail/imap-reader.js';
import type { EngineDeps } from './context.js';
import { ingestMessage } from './inbound.js';

/** How often each assistant mailbox is polled (IDLE, where offered, asks for a poll sooner). */
export const MAILBOX_POLL_MS = 60_000;

export interface MailboxStatus {
  uid_validity: string;
  last_uid: number;
  polled_at: number | null;
  last_error: string | null;
}

export function mailboxStatus(deps: Pick<EngineDeps, 'db'>, orgId: string, assistantId: string): MailboxStatus | undefined {
  return deps.db.prepare('SELECT uid_validity, last_uid, polled_at, last_error FROM mailbox_cursors WHERE org_id = ? AND assistant_id = ?').get(orgId, assistantId) as MailboxStatus | undefined;
}

function saveCursor(deps: EngineDeps, orgId: string, assistantId: string, cursor: Cursor, error: string | null): void {
  deps.db
    .prepare(
      `INSERT INTO mailbox_cursors (assistant_id, org_id, uid_validity, last_uid, polled_at, last_error) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (assistant_id) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, polled_at = excluded.polled_at, last_error = excluded.last_error`,
    )
    .run(assistantId, orgId, cursor.uidValidity, cursor.lastUid, deps.clock.now(), error);
}

/**
 * Reads an assistant's new mail into the reply pipeline. Answers false when the mailbox is no
 * longer configured (polling stops); failures are recorded on the cursor for the settings tab.
 */
export async function pollMailbox(deps: EngineDeps, orgId: string, assistantId: string): Promise<boolean> {
  if (!getAssistant(deps.db, orgId, assistantId)) return false;
  const settings = openMailbox(deps.db, deps.cipher, orgId, assistantId);
  if (!settings) return false;
  const current = mailboxStatus(deps, orgId, assistantId);
  const cursor = current ? { uidValidity: current.uid_validity, lastUid: current.last_uid } : null;
  try {
    const read = await readNewMessages(
      settings,
      cursor,
      async (raw) => void (await ingestMessage(deps, { raw, source: 'imap', orgId, assistantId })),
      (next) => saveCursor(deps, orgId, assistantId, next, null),
      deps.logger,
      { allowPrivate: deps.mailboxPrivateHosts ?? false },
    );
    if (read > 0) deps.logger.info('mailbox read', { orgId, assistantId, messages: read });
  } catch (error) {
    const message = error instanceof Error ? (error as Error & { responseText?: string }).responseText ?? error.message : String(error);
    // The cursor stays where the last message read left it (never rewound); only the error is recorded.
    const reached = mailboxStatus(deps, orgId, assistantId);
    // What the settings tab shows is our own words: the server's answer stays in the log, never read back through the API.
    const shown = /MailboxHostRefused|private, loopback/.test(message) ? 'The mailbox server is on a private, loopback or link-local address.' : /auth|login|credential|password/i.test(message) ? 'The mailbox refused the user name or password.' : 'Could not read the mailbox (connection or server error); see the backend log.';
    saveCursor(deps, orgId, assistantId, reached ? { uidValidity: reached.uid_validity, lastUid: reached.last_uid } : { uidValidity: '', lastUid: -1 }, shown);
    deps.logger.warn('mailbox poll failed', { orgId, assistantId, error: message.slice(0, 300) });
  }
  return true;
}
