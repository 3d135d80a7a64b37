import type { Db } from '../db/open-db.js';
import type { Clock } from '../lib/clock.js';
import { type ChannelRow, channelEvents, listChannels, recordDeliveryResult, recordDeliveryStart } from './store/channels.js';
import { type DataCentre, getOrg } from './store/orgs.js';

/** A change made through the API (or the CRM page), as Zoho's notification service sees it. */
export interface ChangeEvent {
  orgId: string;
  module: string;
  operation: 'insert' | 'update' | 'delete';
  ids: string[];
  /** Per record: the API names of the fields that changed. */
  affectedFields: Record<string, string[]>;
  /** Per record: the new values of the fields that changed (Zoho's `affected_values`). */
  affectedValues: Record<string, Record<string, unknown>>;
}

const EVENT_OF_OPERATION = { insert: 'create', update: 'edit', delete: 'delete' } as const;
const DELIVERY_TIMEOUT_MS = 10_000;

interface FieldSelection {
  group_operator?: string;
  group?: { field?: { api_name?: string } }[];
  field?: { api_name?: string };
}

/**
 * Delivers Zoho's callback body to every live channel subscribed to a change. Deliveries start
 * right after the write commits and run in the background; `idle()` waits for them (tests).
 */
export class Notifier {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly apiBaseUrl: (dc: DataCentre) => string,
  ) {}

  /** Never throws: a write has committed by the time its notifications go out. */
  publish(event: ChangeEvent): void {
    try {
      this.fanOut(event);
    } catch (error) {
      console.error('sandbox: notification fan-out failed', error);
    }
  }

  private fanOut(event: ChangeEvent): void {
    const org = getOrg(this.db, event.orgId);
    if (!org) return;
    const now = this.clock.now();
    const eventName = EVENT_OF_OPERATION[event.operation];
    for (const channel of listChannels(this.db, event.orgId)) {
      if (channel.expires_at <= now) continue;
      const events = channelEvents(channel);
      if (!events.includes(`${event.module}.${eventName}`) && !events.includes(`${event.module}.all`)) continue;
      const ids = event.ids.filter((id) => passesCondition(channel, event, id));
      if (ids.length === 0) continue;
      const body = this.callbackBody(channel, event, ids, org.dc, now);
      this.track(this.deliver(channel, body, now));
    }
  }

  /** Resolves when every delivery started so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private callbackBody(channel: ChannelRow, event: ChangeEvent, ids: string[], dc: DataCentre, now: number) {
    const notifyUrl = new URL(channel.notify_url);
    const body: Record<string, unknown> = {
      server_time: now,
      query_params: Object.fromEntries(notifyUrl.searchParams),
      module: event.module,
      // Zoho's documented callbacks still carry a v2 resource URI.
      resource_uri: `${this.apiBaseUrl(dc)}/crm/v2/${event.module}`,
      ids,
      affected_fields: event.operation === 'update' ? ids.map((id) => ({ [id]: event.affectedFields[id] ?? [] })) : [],
      operation: event.operation,
      channel_id: channel.channel_id,
      token: channel.token,
    };
    if (channel.return_affected_field_values === 1 && event.operation === 'update') {
      body.affected_values = ids.map((id) => ({ record_id: id, values: event.affectedValues[id] ?? {} }));
    }
    return body;
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private async deliver(channel: ChannelRow, body: Record<string, unknown>, now: number): Promise<void> {
    const payload = JSON.stringify(body);
    const id = recordDeliveryStart(this.db, {
      org_id: channel.org_id,
      channel_id: channel.channel_id,
      notify_url: channel.notify_url,
      body: payload,
      sent_at: now,
    });
    const started = performance.now();
    try {
      const response = await fetch(channel.notify_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8', 'user-agent': 'Zoho-CRM-Notifications-Sandbox' },
        body: payload,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      const text = await response.text();
      recordDeliveryResult(this.db, id, {
        status: response.status,
        responseBody: text.slice(0, 2000),
        error: null,
        durationMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      recordDeliveryResult(this.db, id, {
        status: null,
        responseBody: null,
        error: error instanceof Error ? error.message : String(error),
        durationMs: Math.round(performance.now() - started),
      });
    }
  }
}

/** `notification_condition` narrows `edit` events to changes of chosen fields. */
function passesCondition(channel: ChannelRow, event: ChangeEvent, id: string): boolean {
  if (event.operation !== 'update' || !channel.notification_condition) return true;
  const conditions = JSON.parse(channel.notification_condition) as {
    module?: { api_name?: string };
    field_selection?: FieldSelection;
  }[];
  const forModule = conditions.filter((condition) => condition.module?.api_name === event.module);
  if (forModule.length === 0) return true;
  const changed = new Set(event.affectedFields[id] ?? []);
  return forModule.some((condition) => {
    const selection = condition.field_selection;
    if (!selection) return true;
    const names = selection.group
      ? selection.group.map((entry) => entry.field?.api_name).filter((name): name is string => Boolean(name))
      : [selection.field?.api_name].filter((name): name is string => Boolean(name));
    if (names.length === 0) return true;
    return selection.group_operator?.toLowerCase() === 'and' ? names.every((name) => changed.has(name)) : names.some((name) => changed.has(name));
  });
}
