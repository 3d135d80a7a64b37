import { getAssistant } from '../db/assistants.js';
import { mailboxStatus, saveMailboxCursor } from '../db/mailbox-cursors.js';
import { openMailbox, readNewMessages, type Cursor } from '../mail/imap-reader.js';
import type { EngineDeps } from './context.js';
import { ingestMessage } from './inbound.js';

/** How often each assistant mailbox is polled (IDLE, where offered, asks for a poll sooner). */
export const MAILBOX_POLL_MS = 60_000;

async function saveCursor(deps: EngineDeps, orgId: string, assistantId: string, cursor: Cursor, error: string | null): Promise<void> {
  await saveMailboxCursor(deps.db, orgId, assistantId, cursor, error, deps.clock.now());
}

/**
 * Reads an assistant's new mail into the reply pipeline. Answers false when the mailbox is no
 * longer configured (polling stops); failures are recorded on the cursor for the settings tab.
 */
export async function pollMailbox(deps: EngineDeps, orgId: string, assistantId: string): Promise<boolean> {
  if (!(await getAssistant(deps.db, orgId, assistantId))) return false;
  const settings = await openMailbox(deps.db, deps.cipher, orgId, assistantId);
  if (!settings) return false;
  const current = await mailboxStatus(deps, orgId, assistantId);
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
    const reached = await mailboxStatus(deps, orgId, assistantId);
    // What the settings tab shows is our own words: the server's answer stays in the log, never read back through the API.
    const shown = /MailboxHostRefused|private, loopback/.test(message) ? 'The mailbox server is on a private, loopback or link-local address.' : /auth|login|credential|password/i.test(message) ? 'The mailbox refused the user name or password.' : 'Could not read the mailbox (connection or server error); see the backend log.';
    await saveCursor(deps, orgId, assistantId, reached ? { uidValidity: reached.uid_validity, lastUid: reached.last_uid } : { uidValidity: '', lastUid: -1 }, shown);
    deps.logger.warn('mailbox poll failed', { orgId, assistantId, error: message.slice(0, 300) });
  }
  return true;
}
