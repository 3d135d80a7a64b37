import type { Hono } from 'hono';
import { z } from 'zod';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { dcBaseUrl } from '../context.js';
import { zohoErrors } from '../errors.js';
import { NOTES_MODULE, RECORD_MODULES } from '../metadata.js';
import { type ChannelRow, channelEvents, deleteChannel, getChannel, listChannels, upsertChannel } from '../store/channels.js';
import { zohoTime } from '../store/ids.js';
import { moduleIds } from '../store/modules.js';
import { type SandboxContext, auth, noContent, readList, requireScopes, splitList, zohoJson } from '../http.js';
import { type Entry, entriesStatus, itemError } from './write-responses.js';

const HOUR_MS = 60 * 60 * 1000;
const MAX_EXPIRY_MS = 7 * 24 * HOUR_MS;
const WATCHABLE = [...RECORD_MODULES, NOTES_MODULE.api_name];
const EVENT = new RegExp(`^(${WATCHABLE.join('|')})\\.(create|edit|delete|all)$`);

type Mode = 'enable' | 'replace' | 'patch';

const fieldRef = z.object({ api_name: z.string().min(1), id: z.string().optional() });
/** Per module, one field or a group of at most ten, per Zoho's notification_condition. */
const conditionSchema = z
  .array(
    z.object({
      type: z.literal('field_selection'),
      module: z.object({ api_name: z.enum(WATCHABLE as [string, ...string[]]), id: z.string().optional() }),
      field_selection: z.union([
        z.object({ field: fieldRef }),
        z.object({ group_operator: z.enum(['and', 'or', 'AND', 'OR']), group: z.array(z.object({ field: fieldRef })).min(1).max(10) }),
      ]),
    }),
  )
  .min(1)
  .max(WATCHABLE.length);

function fail(index: number, code: string, apiName: string, message: string): Entry {
  return itemError('watch', index, code, apiName, message);
}

function modulesOf(events: string[]): string[] {
  return [...new Set(events.map((event) => event.split('.')[0]!))];
}

export function registerWatchRoutes(app: Hono<SandboxEnv>, deps: SandboxDeps): void {
  const resourceUri = (c: SandboxContext, module: string) => `${dcBaseUrl(deps.baseUrl(), c.get('dc'))}/crm/v2/${module}`;
  const eventDetails = (c: SandboxContext, channel: ChannelRow, modules: string[]) => {
    const ids = moduleIds(deps.db, auth(c).org.id);
    return modules.map((module) => ({
      channel_expiry: zohoTime(channel.expires_at),
      resource_uri: resourceUri(c, module),
      resource_id: ids.get(module) ?? null,
      resource_name: module,
      channel_id: channel.channel_id,
    }));
  };

  const apply = (c: SandboxContext, items: unknown[], mode: Mode): Entry[] => {
    const { org } = auth(c);
    const now = deps.clock.now();
    return deps.db.transaction(() =>
      items.map((raw, index): Entry => {
        const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
        const channelId = typeof input.channel_id === 'number' ? String(input.channel_id) : input.channel_id;
        if (channelId === undefined || channelId === null) return fail(index, 'MANDATORY_NOT_FOUND', 'channel_id', 'required field not found');
        if (typeof channelId !== 'string' || !/^\d{1,19}$/.test(channelId)) return fail(index, 'INVALID_DATA', 'channel_id', 'invalid data');
        const existing = getChannel(deps.db, org.id, channelId);
        if (mode !== 'enable' && !existing) return fail(index, 'INVALID_DATA', 'channel_id', 'the channel is not subscribed');
        const base = mode === 'patch' ? existing : undefined;
        const events = input.events ?? (mode === 'patch' ? undefined : null);
        if (events === null) return fail(index, 'MANDATORY_NOT_FOUND', 'events', 'required field not found');
        if (events !== undefined && (!Array.isArray(events) || events.length === 0 || !events.every((event) => typeof event === 'string' && EVENT.test(event)))) {
          return fail(index, 'INVALID_DATA', 'events', 'invalid data');
        }
        if (mode === 'patch' && input._delete_events === true && events === undefined) {
          return fail(index, 'MANDATORY_NOT_FOUND', 'events', 'required field not found');
        }
        if (mode === 'patch' && input._delete_events === true) {
          const remaining = channelEvents(existing!).filter((event) => !(events as string[]).includes(event));
          if (remaining.length === 0) deleteChannel(deps.db, org.id, channelId);
          else upsertChannel(deps.db, { ...existing!, events: JSON.stringify(remaining) });
          return { code: 'SUCCESS', details: { events: eventDetails(c, existing!, modulesOf(events as string[])) }, message: 'Successfully removed the subscribe details', status: 'success' };
        }
        const notifyUrl = input.notify_url ?? base?.notify_url;
        if (notifyUrl === undefined || notifyUrl === null) return fail(index, 'MANDATORY_NOT_FOUND', 'notify_url', 'required field not found');
        if (typeof notifyUrl !== 'string' || !/^https?:\/\/[^\s]+$/.test(notifyUrl) || !URL.canParse(notifyUrl)) return fail(index, 'INVALID_DATA', 'notify_url', 'invalid data');
        const token = input.token === undefined ? (base?.token ?? null) : input.token;
        if (token !== null && (typeof token !== 'string' || token.length > 50)) return fail(index, 'INVALID_DATA', 'token', 'invalid data');
        let expiresAt = base?.expires_at ?? now + HOUR_MS;
        if (input.channel_expiry !== undefined) {
          const requested = typeof input.channel_expiry === 'string' ? Date.parse(input.channel_expiry) : Number.NaN;
          if (Number.isNaN(requested) || requested <= now) return fail(index, 'INVALID_DATA', 'channel_expiry', 'invalid data');
          // Beyond the one-week maximum Zoho falls back to its one-hour default.
          expiresAt = requested - now > MAX_EXPIRY_MS ? now + HOUR_MS : requested;
        } else if (mode !== 'patch') {
          expiresAt = now + HOUR_MS;
        }
        let condition = base?.notification_condition ?? null;
        if (input.notification_condition !== undefined) {
          const checked = input.notification_condition === null ? { success: true as const, data: null } : conditionSchema.safeParse(input.notification_condition);
          if (!checked.success) return fail(index, 'INVALID_DATA', 'notification_condition', 'invalid data');
          condition = checked.data === null ? null : JSON.stringify(checked.data);
        }
        const mergedEvents =
          events === undefined
            ? channelEvents(existing!)
            : mode === 'enable' && existing
              ? [...new Set([...channelEvents(existing), ...(events as string[])])]
              : (events as string[]);
        const flag = (key: string, fallback: boolean) => (typeof input[key] === 'boolean' ? (input[key] ? 1 : 0) : fallback ? 1 : 0);
        const channel: ChannelRow = {
          org_id: org.id,
          channel_id: channelId,
          events: JSON.stringify(mergedEvents),
          notify_url: notifyUrl,
          token: token as string | null,
          expires_at: expiresAt,
          return_affected_field_values: flag('return_affected_field_values', base ? base.return_affected_field_values === 1 : false),
          notify_on_related_action: flag('notify_on_related_action', base ? base.notify_on_related_action === 1 : true),
          notification_condition: condition,
          created_time: existing?.created_time ?? now,
        };
        upsertChannel(deps.db, channel);
        const message = mode === 'enable' ? 'Successfully subscribed for actions-watch of the given module' : 'Successfully updated the subscribe details';
        return { code: 'SUCCESS', details: { events: eventDetails(c, channel, modulesOf(mergedEvents)) }, message, status: 'success' };
      }),
    )();
  };

  const respond = (c: SandboxContext, entries: Entry[], okStatus: 200 | 201) => zohoJson(c, { watch: entries }, entriesStatus(entries, okStatus));

  app.post('/actions/watch', async (c) => {
    requireScopes(c, 'ZohoCRM.notifications.CREATE');
    const { items } = await readList(c, 'watch', 100);
    return respond(c, apply(c, items, 'enable'), 201);
  });

  app.put('/actions/watch', async (c) => {
    requireScopes(c, 'ZohoCRM.notifications.UPDATE');
    const { items } = await readList(c, 'watch', 100);
    return respond(c, apply(c, items, 'replace'), 200);
  });

  app.patch('/actions/watch', async (c) => {
    requireScopes(c, 'ZohoCRM.notifications.UPDATE');
    const { items } = await readList(c, 'watch', 100);
    return respond(c, apply(c, items, 'patch'), 200);
  });

  app.get('/actions/watch', (c) => {
    requireScopes(c, 'ZohoCRM.notifications.READ');
    const { org } = auth(c);
    const now = deps.clock.now();
    const channelFilter = c.req.query('channel_id');
    const moduleFilter = c.req.query('module');
    const channels = listChannels(deps.db, org.id)
      .filter((channel) => channel.expires_at > now)
      .filter((channel) => channelFilter === undefined || channel.channel_id === channelFilter);
    const ids = moduleIds(deps.db, org.id);
    const rows = channels.flatMap((channel) =>
      modulesOf(channelEvents(channel))
        .filter((module) => moduleFilter === undefined || module.toLowerCase() === moduleFilter.toLowerCase())
        .map((module) => ({
          notify_on_related_action: channel.notify_on_related_action === 1,
          channel_expiry: zohoTime(channel.expires_at),
          return_affected_field_values: channel.return_affected_field_values === 1,
          resource_uri: resourceUri(c, module),
          resource_id: ids.get(module) ?? null,
          notify_url: channel.notify_url,
          resource_name: module,
          fields: null,
          notification_condition: channel.notification_condition ? JSON.parse(channel.notification_condition) : null,
          channel_id: channel.channel_id,
          events: channelEvents(channel).filter((event) => event.startsWith(`${module}.`)),
          token: channel.token,
        })),
    );
    if (rows.length === 0) return noContent(c);
    return zohoJson(c, { watch: rows, info: { per_page: 200, count: rows.length, page: 1, more_records: false } });
  });

  app.delete('/actions/watch', (c) => {
    requireScopes(c, 'ZohoCRM.notifications.DELETE');
    const { org } = auth(c);
    const channelIds = splitList(c.req.query('channel_ids'));
    if (channelIds.length === 0) throw zohoErrors.requiredParam('channel_ids');
    const ids = moduleIds(deps.db, org.id);
    const entries = channelIds.flatMap((channelId): Entry[] => {
      const channel = getChannel(deps.db, org.id, channelId);
      if (!channel) return [{ code: 'INVALID_DATA', details: { channel_id: channelId }, message: 'the channel is not subscribed', status: 'error' }];
      deleteChannel(deps.db, org.id, channelId);
      return modulesOf(channelEvents(channel)).map((module) => ({
        code: 'SUCCESS',
        details: { resource_uri: resourceUri(c, module), resource_id: ids.get(module) ?? null, channel_id: channelId },
        message: 'Successfully un-subscribed from actions-watch',
        status: 'success',
      }));
    });
    return respond(c, entries, 200);
  });
}
