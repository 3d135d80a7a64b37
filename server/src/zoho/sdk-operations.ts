import * as ZOHO from '@zohocrm/typescript-sdk-8.0';
import type { NewField, NewNote, OwnerChange, RecordUpdate, WatchChannel, WriteResult, ZohoNote, ZohoRecord, WatchSubscription, ZohoField, ZohoOrgInfo, ZohoUser, ZohoUserType } from './gateway.js';

/**
 * Gateway operations written against Zoho's SDK. They run inside an SDK worker (sdk-worker.ts),
 * one at a time, after the worker has pointed the SDK at the calling org.
 */

/** An error Zoho answered in its envelope, carried back to the main thread as data. */
export class WorkerApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
  }
}

interface SdkModel {
  getStatus?: () => { getValue(): string } | null;
  getCode?: () => { getValue(): string } | null;
  getMessage?: () => { getValue(): string } | string | null;
  getDetails?: () => Map<string, unknown> | null;
}

/** SDK values (BigInt ids, Choice, Date, Map, model objects) as plain JSON. */
export function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof ZOHO.Choice) return plain(value.getValue());
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([key, item]) => [String(key), plain(item)]));
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    const keyValues = (value as { getKeyValues?: () => Map<string, unknown> }).getKeyValues;
    if (typeof keyValues === 'function') return plain(keyValues.call(value));
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key]) => key !== 'keyModified')
        .map(([key, item]) => [key, plain(item)]),
    );
  }
  return value;
}

function isError(model: unknown): model is SdkModel {
  const status = (model as SdkModel | null)?.getStatus?.();
  return Boolean(status && status.getValue() === 'error');
}

function messageOf(model: SdkModel): string {
  const message = model.getMessage?.();
  if (message === null || message === undefined) return '';
  return typeof message === 'string' ? message : String(message.getValue());
}

function toApiError(status: number, model: SdkModel): WorkerApiError {
  return new WorkerApiError(status, model.getCode?.()?.getValue() ?? 'UNKNOWN', messageOf(model), (plain(model.getDetails?.() ?? new Map()) as Record<string, unknown>) ?? {});
}

/** The response object, null for 204/304, or Zoho's error as a WorkerApiError. */
function unwrap<T>(response: ZOHO.APIResponse<T> | null): T | null {
  if (!response) throw new Error('Zoho SDK returned no response');
  const status = response.getStatusCode();
  if (status === 204 || status === 304) return null;
  const object = response.getObject();
  if (isError(object)) throw toApiError(status, object);
  if (object === null || object === undefined) {
    throw new WorkerApiError(status, status >= 500 ? 'INTERNAL_ERROR' : 'UNPARSEABLE_RESPONSE', `HTTP ${status} without a JSON body`, {});
  }
  return object;
}

/** Per-item results of a write: ids of successes, Zoho's error for the first failure. */
function actionResults(status: number, items: unknown[]): { id: string | null }[] {
  return items.map((item) => {
    if (isError(item)) throw toApiError(status, item);
    const details = plain((item as SdkModel).getDetails?.() ?? new Map()) as Record<string, unknown>;
    return { id: typeof details.id === 'string' ? details.id : null };
  });
}

function toUser(user: ZOHO.Users.Users): ZohoUser {
  const profile = user.getProfile();
  return {
    id: user.getId().toString(),
    email: user.getEmail(),
    fullName: user.getFullName() ?? [user.getFirstName(), user.getLastName()].filter(Boolean).join(' '),
    status: user.getStatus() ?? 'active',
    isAdmin: profile?.getName() === 'Administrator',
    timeZone: (plain(user.getTimeZone()) as string | null) ?? null,
  };
}

export async function listUsers(type: ZohoUserType): Promise<ZohoUser[]> {
  const users: ZohoUser[] = [];
  for (let page = 1; ; page += 1) {
    const params = new ZOHO.ParameterMap();
    await params.add(ZOHO.Users.GetUsersParam.TYPE, type);
    await params.add(ZOHO.Users.GetUsersParam.PAGE, page);
    await params.add(ZOHO.Users.GetUsersParam.PER_PAGE, 200);
    const wrapper = unwrap(await new ZOHO.Users.UsersOperations().getUsers(params)) as ZOHO.Users.ResponseWrapper | null;
    if (!wrapper) return users;
    users.push(...wrapper.getUsers().map(toUser));
    if (!wrapper.getInfo()?.getMoreRecords()) return users;
  }
}

export async function currentUser(): Promise<ZohoUser> {
  const [user] = await listUsers('CurrentUser');
  if (!user) throw new WorkerApiError(200, 'NO_CURRENT_USER', 'Zoho did not say who authorized the token', {});
  return user;
}

export async function getOrg(): Promise<ZohoOrgInfo> {
  const wrapper = unwrap(await new ZOHO.Org.OrgOperations().getOrganization()) as ZOHO.Org.ResponseWrapper | null;
  const org = wrapper?.getOrg()[0];
  if (!org) throw new WorkerApiError(204, 'NO_ORG', 'Zoho returned no org', {});
  return { zgid: String(org.getZgid()), companyName: org.getCompanyName() ?? '', timeZone: (plain(org.getTimeZone()) as string | null) ?? null };
}

export async function listFields(module: string): Promise<ZohoField[]> {
  const params = new ZOHO.ParameterMap();
  await params.add(ZOHO.Fields.GetFieldsParam.MODULE, module);
  const wrapper = unwrap(await new ZOHO.Fields.FieldsOperations().getFields(params)) as ZOHO.Fields.ResponseWrapper | null;
  return (wrapper?.getFields() ?? []).map((field) => ({
    id: field.getId().toString(),
    apiName: field.getAPIName(),
    label: field.getFieldLabel(),
    dataType: field.getDataType(),
    length: field.getLength() ?? null,
    custom: field.getCustomField() === true,
    readOnly: field.getReadOnly() === true,
    picklistValues: (field.getPickListValues() ?? []).map((value) => value.getDisplayValue()),
    lookupModule: field.getLookup()?.getModule()?.getAPIName() ?? null,
  }));
}

export async function createFields(module: string, fields: NewField[]): Promise<string[]> {
  const params = new ZOHO.ParameterMap();
  await params.add(ZOHO.Fields.CreateFieldParam.MODULE, module);
  const ids: string[] = [];
  for (let start = 0; start < fields.length; start += 5) {
    const body = new ZOHO.Fields.BodyWrapper();
    body.setFields(
      fields.slice(start, start + 5).map((input) => {
        const field = new ZOHO.Fields.Fields();
        field.setFieldLabel(input.label);
        field.setDataType(input.dataType);
        if (input.length !== undefined) field.setLength(input.length);
        if (input.picklistValues) {
          field.setPickListValues(
            input.picklistValues.map((value) => {
              const item = new ZOHO.Fields.PickListValue();
              item.setDisplayValue(value);
              item.setActualValue(value);
              return item;
            }),
          );
        }
        return field;
      }),
    );
    const response = await new ZOHO.Fields.FieldsOperations().createField(body, params);
    const wrapper = unwrap(response) as ZOHO.Fields.ActionWrapper;
    ids.push(...actionResults(response.getStatusCode(), wrapper.getFields()).map((result) => result.id ?? ''));
  }
  return ids;
}

export async function coql(query: string): Promise<Record<string, unknown>[]> {
  const body = new ZOHO.Coql.BodyWrapper();
  body.setSelectQuery(query);
  const wrapper = unwrap(await new ZOHO.Coql.CoqlOperations().getRecords(body)) as ZOHO.Coql.ResponseWrapper | null;
  return (wrapper?.getData() ?? []).map((record) => plain(record) as Record<string, unknown>);
}

export async function watch(channel: WatchChannel): Promise<WatchSubscription> {
  const notification = new ZOHO.Notifications.Notification();
  notification.setChannelId(channel.channelId);
  notification.setEvents(channel.events);
  notification.setNotifyUrl(channel.notifyUrl);
  notification.setToken(channel.token);
  notification.setChannelExpiry(new Date(channel.expiresAt));
  notification.setReturnAffectedFieldValues(true);
  notification.setNotifyOnRelatedAction(false);
  if (channel.editFields) {
    notification.setNotificationCondition(
      Object.entries(channel.editFields).map(([moduleName, fieldNames]) => {
        const condition = new ZOHO.Notifications.NotificationCondition();
        condition.setType('field_selection');
        const module = new ZOHO.Notifications.Module();
        module.setAPIName(moduleName);
        condition.setModule(module);
        const selection = new ZOHO.Notifications.Criteria();
        selection.setGroupOperator('or');
        selection.setGroup(
          fieldNames.map((name) => {
            const entry = new ZOHO.Notifications.Criteria();
            const field = new ZOHO.Notifications.Field();
            field.setAPIName(name);
            entry.setField(field);
            return entry;
          }),
        );
        condition.setFieldSelection(selection);
        return condition;
      }),
    );
  }
  const body = new ZOHO.Notifications.BodyWrapper();
  body.setWatch([notification]);
  const response = await new ZOHO.Notifications.NotificationsOperations().enableNotifications(body);
  const wrapper = unwrap(response) as ZOHO.Notifications.ActionWrapper;
  const [result] = wrapper.getWatch();
  if (isError(result)) throw toApiError(response.getStatusCode(), result);
  const details = plain((result as SdkModel).getDetails?.() ?? new Map()) as { events?: { channel_expiry?: string }[] };
  const expiries = (details.events ?? []).map((event) => Date.parse(String(event.channel_expiry))).filter((ms) => !Number.isNaN(ms));
  return { channelId: channel.channelId, events: channel.events, expiresAt: expiries.length > 0 ? Math.min(...expiries) : channel.expiresAt };
}

export async function unwatch(channelId: string): Promise<void> {
  const params = new ZOHO.ParameterMap();
  await params.add(ZOHO.Notifications.DeleteNotificationParam.CHANNEL_IDS, channelId);
  unwrap(await new ZOHO.Notifications.NotificationsOperations().deleteNotification(params));
}

const fieldCache = new Map<string, ZohoField[]>();
let currentOrgId = '';

/** The org the worker's SDK points at; caches below are kept per org. */
export function setOperationOrg(orgId: string): void {
  currentOrgId = orgId;
}

/** Field metadata per org and module, read once per worker (the SDK needs types to send values). */
async function fieldsOf(module: string): Promise<ZohoField[]> {
  const key = `${currentOrgId}:${module}`;
  const cached = fieldCache.get(key);
  if (cached) return cached;
  const fields = await listFields(module);
  fieldCache.set(key, fields);
  return fields;
}

export async function getRecord(module: string, id: string, fields?: string[]): Promise<ZohoRecord | null> {
  const params = new ZOHO.ParameterMap();
  if (fields?.length) await params.add(ZOHO.Record.GetRecordParam.FIELDS, fields.join(','));
  try {
    const wrapper = unwrap(await new ZOHO.Record.RecordOperations(module).getRecord(BigInt(id), params)) as ZOHO.Record.ResponseWrapper | null;
    const record = wrapper?.getData()[0];
    return record ? ({ ...(plain(record) as Record<string, unknown>), id: record.getId().toString() } as ZohoRecord) : null;
  } catch (error) {
    if (error instanceof WorkerApiError && error.code === 'INVALID_DATA' && error.message.includes('id given')) return null;
    throw error;
  }
}

export async function ownerHistory(module: string, id: string): Promise<OwnerChange[]> {
  const changes: OwnerChange[] = [];
  const params = new ZOHO.ParameterMap();
  const wrapper = unwrap(await new ZOHO.Timelines.TimelinesOperations().getTimelines(module, id, params)) as ZOHO.Timelines.ResponseWrapper | null;
  for (const entry of wrapper?.getTimeline() ?? []) {
    for (const change of entry.getFieldHistory() ?? []) {
      if (change.getAPIName() !== 'Owner') continue;
      const value = change.getValue();
      changes.push({
        from: value?.getOld() ?? null,
        to: value?.getNew() ?? null,
        at: (plain(entry.getAuditedTime()) as string | null) ?? '',
        byUserId: entry.getDoneBy()?.getId()?.toString() ?? null,
      });
    }
  }
  return changes.sort((a, b) => a.at.localeCompare(b.at));
}

/** Our plain values as the SDK's typed values: owners as users, picklists as choices, lookups as records. */
function toSdkRecord(fields: ZohoField[], values: Record<string, unknown>, id?: string): ZOHO.Record.Record {
  const record = new ZOHO.Record.Record();
  if (id !== undefined) record.setId(BigInt(id));
  for (const [name, value] of Object.entries(values)) {
    const field = fields.find((candidate) => candidate.apiName === name);
    if (field?.dataType === 'ownerlookup' && typeof value === 'string') {
      const owner = new ZOHO.Users.MinifiedUser();
      owner.setId(BigInt(value));
      record.addKeyValue(name, owner);
    } else if (field?.dataType === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
      // The SDK takes a Date for a date field and writes its UTC day (toISOString).
      record.addKeyValue(name, new Date(`${value}T00:00:00Z`));
    } else if (field?.dataType === 'picklist' && typeof value === 'string') {
      record.addKeyValue(name, new ZOHO.Choice(value));
    } else if (field?.dataType === 'lookup' && typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string') {
      const lookup = new ZOHO.Record.Record();
      lookup.setId(BigInt((value as { id: string }).id));
      record.addKeyValue(name, lookup);
    } else {
      record.addKeyValue(name, value);
    }
  }
  return record;
}

/** Inserts or updates up to 100 records per call; one result per input, in order (with the record id). */
async function writeRecords(module: string, rows: { id?: string; values: Record<string, unknown> }[], mode: 'insert' | 'update'): Promise<WriteResult[]> {
  const fields = await fieldsOf(module);
  const results: WriteResult[] = [];
  for (let start = 0; start < rows.length; start += WRITE_BATCH) {
    const batch = rows.slice(start, start + WRITE_BATCH);
    const body = new ZOHO.Record.BodyWrapper();
    body.setData(batch.map((row) => toSdkRecord(fields, row.values, row.id)));
    const operations = new ZOHO.Record.RecordOperations(module);
    const response = mode === 'insert' ? await operations.createRecords(body) : await operations.updateRecords(body);
    const status = response?.getStatusCode() ?? 0;
    const object = response?.getObject();
    if (!(object instanceof ZOHO.Record.ActionWrapper)) unwrap(response);
    const items = (object as ZOHO.Record.ActionWrapper).getData();
    items.forEach((item, index) => {
      const model = item as SdkModel;
      const ok = !isError(model);
      const details = plain(model.getDetails?.() ?? new Map()) as Record<string, unknown>;
      const id = batch[index]!.id ?? (ok && typeof details.id === 'string' ? details.id : '');
      results.push({ id, ok, code: model.getCode?.()?.getValue() ?? (ok ? 'SUCCESS' : 'UNKNOWN'), message: messageOf(model), ...(ok ? {} : { details }) });
    });
    if (status >= 500) throw new WorkerApiError(status, 'INTERNAL_ERROR', `HTTP ${status}`, {});
  }
  return results;
}

export async function updateRecords(module: string, updates: RecordUpdate[]): Promise<WriteResult[]> {
  return writeRecords(module, updates, 'update');
}

export async function createRecords(module: string, records: Record<string, unknown>[]): Promise<WriteResult[]> {
  return writeRecords(module, records.map((values) => ({ values })), 'insert');
}

export async function listNotes(module: string, id: string): Promise<ZohoNote[]> {
  const params = new ZOHO.ParameterMap();
  await params.add(ZOHO.RelatedRecords.GetRelatedRecordsParam.FIELDS, 'Note_Title,Note_Content');
  await params.add(ZOHO.RelatedRecords.GetRelatedRecordsParam.PER_PAGE, 200);
  const wrapper = unwrap(await new ZOHO.RelatedRecords.RelatedRecordsOperations('Notes', module).getRelatedRecords(BigInt(id), params)) as ZOHO.RelatedRecords.ResponseWrapper | null;
  return (wrapper?.getData() ?? []).map((note) => ({
    id: note.getId().toString(),
    title: (note.getKeyValue('Note_Title') as string | null) ?? null,
    content: String(note.getKeyValue('Note_Content') ?? ''),
  }));
}

/** Zoho takes at most 100 records or notes per write call. */
export const WRITE_BATCH = 100;

export async function createNotes(notes: NewNote[]): Promise<WriteResult[]> {
  const results: WriteResult[] = [];
  for (let start = 0; start < notes.length; start += WRITE_BATCH) {
    const body = new ZOHO.Notes.BodyWrapper();
    body.setData(
      notes.slice(start, start + WRITE_BATCH).map((input) => {
        const note = new ZOHO.Notes.Note();
        note.setNoteTitle(input.title);
        note.setNoteContent(input.content);
        const parent = new ZOHO.Notes.ParentId();
        const module = new ZOHO.Modules.MinifiedModule();
        module.setAPIName(input.module);
        parent.setModule(module);
        parent.setId(BigInt(input.recordId));
        note.setParentId(parent);
        return note;
      }),
    );
    const response = await new ZOHO.Notes.NotesOperations().createNotes(body);
    const object = response?.getObject();
    if (!(object instanceof ZOHO.Notes.ActionWrapper)) unwrap(response);
    (object as ZOHO.Notes.ActionWrapper).getData().forEach((item) => {
      const model = item as SdkModel;
      const ok = !isError(model);
      const details = plain(model.getDetails?.() ?? new Map()) as Record<string, unknown>;
      results.push({ id: ok && typeof details.id === 'string' ? details.id : '', ok, code: model.getCode?.()?.getValue() ?? (ok ? 'SUCCESS' : 'UNKNOWN'), message: messageOf(model) });
    });
  }
  return results;
}

export async function getVariable(apiName: string): Promise<string | null> {
  try {
    const params = new ZOHO.ParameterMap();
    const wrapper = unwrap(await new ZOHO.Variables.VariablesOperations().getVariableByApiname(apiName, params)) as ZOHO.Variables.ResponseWrapper | null;
    const value = wrapper?.getVariables()[0]?.getValue();
    return value === undefined || value === null ? null : String(value);
  } catch (error) {
    if (error instanceof WorkerApiError && error.code === 'INVALID_DATA') return null;
    throw error;
  }
}

export async function setVariable(variable: { apiName: string; name: string; value: string }): Promise<void> {
  const body = new ZOHO.Variables.BodyWrapper();
  const model = new ZOHO.Variables.Variable();
  model.setValue(variable.value);
  if (await variableExists(variable.apiName)) {
    body.setVariables([model]);
    const response = await new ZOHO.Variables.VariablesOperations().updateVariableByApiname(variable.apiName, body, new ZOHO.ParameterMap());
    const wrapper = unwrap(response) as ZOHO.Variables.ActionWrapper;
    actionResults(response.getStatusCode(), wrapper.getVariables());
    return;
  }
  model.setName(variable.name);
  model.setAPIName(variable.apiName);
  model.setType(new ZOHO.Choice('text'));
  const group = new ZOHO.Variables.VariableGroup();
  group.setAPIName('General');
  model.setVariableGroup(group);
  body.setVariables([model]);
  const response = await new ZOHO.Variables.VariablesOperations().createVariables(body);
  const wrapper = unwrap(response) as ZOHO.Variables.ActionWrapper;
  actionResults(response.getStatusCode(), wrapper.getVariables());
}

async function variableExists(apiName: string): Promise<boolean> {
  const params = new ZOHO.ParameterMap();
  try {
    return unwrap(await new ZOHO.Variables.VariablesOperations().getVariableByApiname(apiName, params)) !== null;
  } catch (error) {
    if (error instanceof WorkerApiError && error.code === 'INVALID_DATA') return false;
    throw error;
  }
}

export const operations = {
  currentUser,
  listUsers,
  getOrg,
  listFields,
  createFields,
  coql,
  watch,
  unwatch,
  getRecord,
  ownerHistory,
  updateRecords,
  createRecords,
  listNotes,
  createNotes,
  getVariable,
  setVariable,
};
export type OperationName = keyof typeof operations;
