import { Hono } from 'hono';
import { z } from 'zod';
import { findChannel } from '../db/org-setup.js';
import { bodyLimit } from '../http/body-limit.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { AppError, appErrors } from '../http/errors.js';
import { safeEqual } from '../lib/token-cipher.js';
import { type Engine, MAX_RAW_BYTES } from '../engine/engine.js';

const MAX_BODY_BYTES = 256 * 1024;

/** Zoho's notification callback body (reference/zoho-api.md §9.5). */
const callbackSchema = z.object({
  channel_id: z.union([z.string(), z.number()]).transform(String),
  token: z.string().nullable().optional(),
  module: z.string(),
  operation: z.enum(['insert', 'update', 'delete']),
  ids: z.array(z.union([z.string().regex(/^\d{1,19}$/), z.number().int().nonnegative()]).transform(String)).min(1).max(1000),
  server_time: z.number().optional(),
  resource_uri: z.string().optional(),
  affected_fields: z.array(z.unknown()).optional(),
  query_params: z.unknown().optional(),
  affected_values: z.unknown().optional(),
});

/**
 * POST /webhooks/zoho: verify the channel and its token (constant time), validate, commit the
 * body to the inbox and the intake work to the jobs table in one transaction, then answer 200.
 * A redelivery queues nothing new: intake jobs are keyed by record and event time.
 */
export function webhookRoutes(deps: AppDeps, engine: Engine): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const limit = bodyLimit(MAX_BODY_BYTES, 'The notification body is too large.');

  // Each channel's token, opened once per process rather than once per notification. Keyed by the
  // sealed value itself, so a renewed or rotated token is a new entry and nothing goes stale.
  const opened = new Map<string, string | undefined>();
  const channelToken = (channel: { org_id: string; token_sealed: string }): string | undefined => {
    const key = `${channel.org_id}:${channel.token_sealed}`;
    if (opened.has(key)) return opened.get(key);
    const token = deps.cipher.tryDecrypt(channel.token_sealed, `${channel.org_id}:channel_token`);
    if (opened.size >= 1_000) opened.clear();
    opened.set(key, token);
    return token;
  };

  app.post('/zoho', limit, async (c) => {
    const text = await c.req.text();
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw appErrors.validation('The notification body must be JSON.');
    }
    const parsed = callbackSchema.safeParse(raw);
    if (!parsed.success) throw appErrors.validation('The notification body is not a Zoho notification.', parsed.error.issues.map((issue) => issue.path.join('.')));
    const body = parsed.data;
    const channel = await findChannel(deps.db, body.channel_id);
    const expected = channel ? channelToken(channel) : undefined;
    if (!channel || expected === undefined || !safeEqual(body.token ?? '', expected)) {
      c.get('logger').warn('notification refused', { channelId: body.channel_id });
      throw appErrors.unauthorized('Unknown channel or wrong token.');
    }
    const queued = await engine.notificationReceived(channel.org_id, channel.channel_id, text, { module: body.module, operation: body.operation, ids: body.ids, affectedValues: body.affected_values });
    return c.json({ received: true, queued });
  });

  /**
   * POST /webhooks/inbound: a raw RFC 822 message forwarded by a mail provider over HTTP
   * (Authorization: Bearer INBOUND_WEBHOOK_TOKEN). It joins the same pipeline as IMAP mail;
   * 202 once stored. A repeat delivery of the same message is recognised and stores nothing new.
   */
  const inboundLimit = bodyLimit(MAX_RAW_BYTES, `The message is larger than ${MAX_RAW_BYTES / (1024 * 1024)} MB.`);
  app.post('/inbound', inboundLimit, async (c) => {
    const expected = deps.config.inboundToken;
    if (!expected) throw new AppError(404, 'NOT_CONFIGURED', 'The inbound mail webhook is off: set INBOUND_WEBHOOK_TOKEN to turn it on.');
    const given = (c.req.header('authorization') ?? '').match(/^Bearer (.+)$/i)?.[1] ?? '';
    if (!safeEqual(given, expected)) throw appErrors.unauthorized('Send Authorization: Bearer <INBOUND_WEBHOOK_TOKEN>.');
    const raw = Buffer.from(await c.req.arrayBuffer());
    if (raw.length === 0 || !/^[\x21-\x39\x3b-\x7e]+:/m.test(raw.subarray(0, 4096).toString('latin1'))) {
      throw appErrors.validation('The body must be a raw RFC 822 message (headers, a blank line, the body).');
    }
    const stored = await engine.ingestInbound({ raw, source: 'webhook' });
    return c.json({ id: stored.id, duplicate: stored.duplicate, matchedOrg: stored.orgId !== null }, 202);
  });

  return app;
}
