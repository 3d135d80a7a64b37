import { Hono } from 'hono';
import { z } from 'zod';
import { type InboundView, type MailboxAnswer, type inboundAnswer, type phrasesAnswer, type suppressionsAnswer } from '../contract/replies.js';
import type { InboundRow } from '../db/inbound.js';
import { getAssistant, setAssistantMailbox } from '../db/assistants.js';
import { addReplyPhrase, deleteReplyPhrase, listReplyPhrases } from '../db/reply-phrases.js';
import { TEACHABLE_INTENTS, type ReplyIntent } from '../domain/reply-intents.js';
import { requireAdmin } from '../http/auth.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, appErrors } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';
import { mailboxSettingsSchema, openMailbox, sealMailbox, verifyMailbox } from '../mail/imap-reader.js';
import { MailboxHostRefused, checkMailboxHost } from '../mail/mailbox-host.js';
import { parseMessage } from '../replies/message.js';
import { readableReply } from '../replies/reply-text.js';

const phraseSchema = z.object({ phrase: z.string().trim().min(3).max(200), intent: z.enum(TEACHABLE_INTENTS as [ReplyIntent, ...ReplyIntent[]]) }).strict();
/** What a person says a reply was: any intent but Bounce (bounces are known by their structure). */
export const correctionSchema = z.object({ intent: z.enum(TEACHABLE_INTENTS as [ReplyIntent, ...ReplyIntent[]]) }).strict();
const suppressionSchema = z.object({ email: z.email().max(254) }).strict();
const mailboxBody = mailboxSettingsSchema.extend({ verify: z.boolean().default(true) });

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** A message of the inbound log as the API shows it: its times as ISO. */
function inboundView(row: InboundRow): InboundView {
  return { ...row, received_at: new Date(row.received_at).toISOString(), processed_at: isoOrNull(row.processed_at), corrected_at: isoOrNull(row.corrected_at) };
}

/**
 * Replies and deliverability for admins: the inbound log (unmatched mail included), taught
 * phrases, the suppression list, each assistant's mailbox and its sending pause.
 */
export function repliesApi(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const orgOf = (c: { get(key: 'caller'): { org: { id: string } } }) => c.get('caller').org.id;
  const assistantOf = async (orgId: string, id: string) => {
    const assistant = await getAssistant(deps.db, orgId, id);
    if (!assistant) throw appErrors.notFound('The assistant');
    return assistant;
  };

  app.get('/inbound', async (c) => {
    requireAdmin(c);
    const status = c.req.query('status');
    if (status && !['received', 'processed', 'unmatched', 'ignored'].includes(status)) throw appErrors.validation('status must be received, processed, unmatched or ignored.');
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 500);
    const rows = await deps.engine.inboundMessages(orgOf(c), { ...(status ? { status } : {}), limit, ...(c.req.query('lead') ? { leadId: c.req.query('lead')! } : {}) });
    return c.json({ messages: rows.map(inboundView) } satisfies z.infer<typeof inboundAnswer>);
  });

  app.get('/inbound/:id', async (c) => {
    requireAdmin(c);
    const id = Number(c.req.param('id'));
    const row = Number.isInteger(id) ? await deps.engine.inbound(orgOf(c), id) : undefined;
    if (!row) throw appErrors.notFound('The message');
    const message = await parseMessage(await deps.engine.inboundRaw(orgOf(c), id));
    return c.json({ ...inboundView(row), text: readableReply(message.text) });
  });

  app.post('/inbound/:id/correction', async (c) => {
    requireAdmin(c);
    const id = Number(c.req.param('id'));
    const { intent } = await jsonBody(c, correctionSchema);
    const result = Number.isInteger(id) ? await deps.engine.correctReply(orgOf(c), id, intent, c.get('caller').admin?.email ?? 'operator') : null;
    if (!result) throw appErrors.notFound('The message');
    return c.json(result);
  });

  app.get('/reply-phrases', async (c) => c.json({ phrases: await listReplyPhrases(deps.db, orgOf(c)) } satisfies z.infer<typeof phrasesAnswer>));

  app.post('/reply-phrases', async (c) => {
    requireAdmin(c);
    const input = await jsonBody(c, phraseSchema);
    const id = await addReplyPhrase(deps.db, orgOf(c), input.phrase, input.intent, deps.engine.now());
    if (id === null) throw appErrors.conflict(`"${input.phrase}" is already taught.`);
    return c.json({ id, ...input }, 201);
  });

  app.delete('/reply-phrases/:id', async (c) => {
    requireAdmin(c);
    if (!(await deleteReplyPhrase(deps.db, orgOf(c), c.req.param('id')))) throw appErrors.notFound('The phrase');
    return c.body(null, 204);
  });

  app.get('/suppressions', async (c) => {
    requireAdmin(c);
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 100) || 100, 1), 500);
    return c.json({ suppressions: (await deps.engine.suppressions(orgOf(c), limit, Math.max(Number(c.req.query('offset') ?? 0) || 0, 0))).map((row) => ({ ...row, created_at: new Date(row.created_at).toISOString() })) } satisfies z.infer<typeof suppressionsAnswer>);
  });

  app.post('/suppressions', async (c) => {
    requireAdmin(c);
    const { email } = await jsonBody(c, suppressionSchema);
    const added = await deps.engine.suppressAddress(orgOf(c), email, `admin ${c.get('caller').admin?.email ?? 'operator'}`);
    return c.json({ email: email.toLowerCase(), added }, added ? 201 : 200);
  });

  app.delete('/suppressions/:email', async (c) => {
    requireAdmin(c);
    if (!(await deps.engine.unsuppressAddress(orgOf(c), c.req.param('email')))) throw appErrors.notFound('The address');
    return c.body(null, 204);
  });

  app.get('/assistants/:id/mailbox', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    const assistant = await assistantOf(orgId, c.req.param('id'));
    const settings = await openMailbox(deps.db, deps.cipher, orgId, assistant.id);
    const status = await deps.engine.mailboxStatus(orgId, assistant.id);
    return c.json({
      configured: settings !== null,
      ...(settings ? { host: settings.host, port: settings.port, secure: settings.secure, user: settings.user, folder: settings.folder } : {}),
      lastPolledAt: status?.polled_at ? new Date(status.polled_at).toISOString() : null,
      lastError: status?.last_error ?? null,
    } satisfies MailboxAnswer);
  });

  app.put('/assistants/:id/mailbox', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    const assistant = await assistantOf(orgId, c.req.param('id'));
    const { verify, ...settings } = await jsonBody(c, mailboxBody);
    let address: string;
    try {
      address = await checkMailboxHost(settings.host, deps.config.mailboxPrivateHosts);
    } catch (error) {
      if (error instanceof MailboxHostRefused) throw new AppError(400, 'MAILBOX_HOST_REFUSED', error.message);
      throw error;
    }
    if (verify) {
      try {
        await verifyMailbox(settings, address);
      } catch (error) {
        // One fixed answer: the server's own words would tell a caller what listens where.
        deps.logger.info('mailbox sign-in failed', { orgId, assistantId: assistant.id, error: error instanceof Error ? error.message.slice(0, 200) : String(error) });
        throw new AppError(400, 'MAILBOX_UNREACHABLE', 'Could not sign in to the mailbox with these settings: check the server, port, TLS, user name and password.');
      }
    }
    await setAssistantMailbox(deps.db, orgId, assistant.id, sealMailbox(deps.cipher, orgId, settings), deps.engine.now());
    await deps.engine.mailboxSaved(orgId, assistant.id);
    await deps.mailboxesChanged?.();
    return c.json({ configured: true, host: settings.host, port: settings.port, secure: settings.secure, user: settings.user, folder: settings.folder });
  });

  app.delete('/assistants/:id/mailbox', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    const assistant = await assistantOf(orgId, c.req.param('id'));
    await setAssistantMailbox(deps.db, orgId, assistant.id, null, deps.engine.now());
    await deps.mailboxesChanged?.();
    return c.body(null, 204);
  });

  app.post('/assistants/:id/resume-sending', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    const assistant = await assistantOf(orgId, c.req.param('id'));
    await deps.engine.resumeSending(orgId, assistant.id);
    return c.json(await getAssistant(deps.db, orgId, assistant.id));
  });

  return app;
}
