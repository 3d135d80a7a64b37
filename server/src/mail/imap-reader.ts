import { ImapFlow } from 'imapflow';
import { z } from 'zod';
import { getAssistantMailboxSealed } from '../db/assistants.js';
import type { Db } from '../db/store.js';
import type { Logger } from '../lib/logger.js';
import type { TokenCipher } from '../lib/token-cipher.js';
import { checkMailboxHost } from './mailbox-host.js';

/** An assistant's IMAP mailbox. The password is sealed at rest with the org id as associated data. */
export const mailboxSettingsSchema = z
  .object({
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65_535).default(993),
    /** TLS from the first byte (993). False means plain IMAP, upgraded with STARTTLS when offered. */
    secure: z.boolean().default(true),
    user: z.string().min(1).max(320),
    password: z.string().min(1).max(1_000),
    folder: z.string().min(1).max(200).default('INBOX'),
  })
  .strict();

export type MailboxSettings = z.infer<typeof mailboxSettingsSchema>;

export function sealMailbox(cipher: TokenCipher, orgId: string, settings: MailboxSettings): string {
  return cipher.encrypt(JSON.stringify(settings), `mailbox:${orgId}`);
}

/** The assistant's mailbox settings, unsealed; null when none are set (or they no longer open). */
export async function openMailbox(db: Db, cipher: TokenCipher, orgId: string, assistantId: string): Promise<MailboxSettings | null> {
  const sealed = await getAssistantMailboxSealed(db, orgId, assistantId);
  if (!sealed) return null;
  const plain = cipher.tryDecrypt(sealed, `mailbox:${orgId}`);
  return plain ? mailboxSettingsSchema.parse(JSON.parse(plain)) : null;
}

const CONNECT_TIMEOUT_MS = 15_000;
const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;

export function imapClient(settings: MailboxSettings, options: { idleSoon?: boolean; address?: string } = {}): ImapFlow {
  const address = options.address ?? settings.host;
  return new ImapFlow({
    // A watching connection does nothing but IDLE, so it starts idling almost at once.
    ...(options.idleSoon ? { autoIdleDelay: 1_000 } : {}),
    // The checked address, with the name for TLS (SNI and the certificate check).
    host: address,
    ...(address !== settings.host ? { servername: settings.host } : {}),
    port: settings.port,
    secure: settings.secure,
    auth: { user: settings.user, pass: settings.password },
    logger: false,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: 5 * 60_000,
  });
}

/** Signs in and out once: used when an admin saves the settings, so a typo is caught at once. */
export async function verifyMailbox(settings: MailboxSettings, address?: string): Promise<void> {
  const client = imapClient(settings, address ? { address } : {});
  try {
    await client.connect();
    await client.mailboxOpen(settings.folder, { readOnly: true });
  } finally {
    await client.logout().catch(() => undefined);
    client.close();
  }
}

export interface Cursor {
  uidValidity: string;
  lastUid: number;
}

/**
 * Reads messages newer than the cursor, oldest first, handing each raw message to `accept` and
 * moving the cursor after each (so a crash re-reads at most one message, which ingest dedupes).
 * A changed UIDVALIDITY means the server renumbered the folder: read it again from the start.
 */
export async function readNewMessages(
  settings: MailboxSettings,
  cursor: Cursor | null,
  accept: (raw: Buffer, uid: number) => Promise<void>,
  save: (cursor: Cursor) => Promise<void>,
  logger: Logger,
  options: { allowPrivate?: boolean; limit?: number } = {},
): Promise<number> {
  const limit = options.limit ?? 200;
  // Checked at every connection, not only when saved: a name can be pointed elsewhere later.
  const address = await checkMailboxHost(settings.host, options.allowPrivate ?? false);
  const client = imapClient(settings, { address });
  let read = 0;
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen(settings.folder, { readOnly: true });
    const uidValidity = String(mailbox.uidValidity);
    // First read of a mailbox: start at what arrives from now on. Old mail is history, not replies to act on.
    if (!cursor || cursor.lastUid < 0) {
      await save({ uidValidity, lastUid: Math.max(0, Number(mailbox.uidNext ?? 1) - 1) });
      return 0;
    }
    let lastUid = cursor.uidValidity === uidValidity ? cursor.lastUid : 0;
    if (cursor.uidValidity !== uidValidity) logger.warn('mailbox UIDVALIDITY changed; reading the folder again', { folder: settings.folder });
    if (mailbox.exists === 0) {
      await save({ uidValidity, lastUid });
      return 0;
    }
    const uids = ((await client.search({ uid: `${lastUid + 1}:*` }, { uid: true })) || []).filter((uid) => uid > lastUid).sort((a, b) => a - b).slice(0, limit);
    for (const uid of uids) {
      // At most MAX_MESSAGE_BYTES of each message is fetched: headers and the reply are at the top.
      const message = await client.fetchOne(String(uid), { source: { maxLength: MAX_MESSAGE_BYTES } }, { uid: true });
      if (message && message.source) await accept(message.source, uid);
      lastUid = uid;
      await save({ uidValidity, lastUid });
      read += 1;
    }
    await save({ uidValidity, lastUid });
  } finally {
    await client.logout().catch(() => undefined);
    client.close();
  }
  return read;
}
