import type { Hono } from 'hono';
import type { SandboxDeps, SandboxEnv } from '../context.js';
import { ZohoError, zohoErrors } from '../errors.js';
import { writeCredits } from '../limits.js';
import { nextRecordId, zohoTime } from '../store/ids.js';
import { type OrgRow, type UserRow, getUser } from '../store/orgs.js';
import { type NoteRow, getNote, insertNote, listAllNotes, listNotesOf, updateNote, deleteNote } from '../store/notes.js';
import { moduleIds } from '../store/modules.js';
import { getRecord } from '../store/records.js';
import { insertTimeline } from '../store/timeline.js';
import { type SandboxContext, auth, noContent, parsePositiveInt, readList, requireScopes, splitList, zohoJson } from '../http.js';
import { moduleScope, resolveRecordModule } from './modules.js';
import { isNumericId, recordName, userLookup } from './record-values.js';
import { type Entry, entriesStatus, itemError } from './write-responses.js';

const NOTES_SCOPE = (op: 'READ' | 'CREATE' | 'UPDATE' | 'DELETE') => `ZohoCRM.modules.notes.${op}`;
const MAX_TITLE = 120;
const MAX_CONTENT = 32_000;


function moduleIdOf(deps: SandboxDeps, orgId: string, module: string): string | null {
  return moduleIds(deps.db, orgId).get(module) ?? null;
}

export function renderNote(deps: SandboxDeps, org: OrgRow, note: NoteRow, only?: string[]): Record<string, unknown> {
  const parent = getRecord(deps.db, org.id, note.parent_module, note.parent_id);
  const full: Record<string, unknown> = {
    Owner: userLookup(getUser(deps.db, org.id, note.owner_id)),
    Modified_By: userLookup(getUser(deps.db, org.id, note.modified_by)),
    Created_By: userLookup(getUser(deps.db, org.id, note.created_by)),
    Created_Time: zohoTime(note.created_time),
    Modified_Time: zohoTime(note.modified_time),
    Parent_Id: {
      module: { api_name: note.parent_module, id: moduleIdOf(deps, org.id, note.parent_module) },
      name: parent ? recordName(parent.module, parent.values) : null,
      id: note.parent_id,
    },
    id: note.id,
    Note_Title: note.title,
    Note_Content: note.content,
    $attachments: null,
    $editable: true,
    $is_shared_to_client: false,
    $voice_note: false,
    $size: null,
    $state: 'save',
  };
  if (!only) return full;
  return Object.fromEntries(Object.entries(full).filter(([key]) => key === 'id' || key.startsWith('$') || only.includes(key)));
}

function noteError(index: number, code: string, message: string, apiName: string): Entry {
  return itemError('data', index, code, apiName, message);
}

function checkText(index: number, input: Record<string, unknown>): Entry | { title: string | null; content: string } {
  const content = input.Note_Content;
  const title = input.Note_Title ?? null;
  if (content === undefined || content === null || content === '') return noteError(index, 'MANDATORY_NOT_FOUND', 'required field not found', 'Note_Content');
  if (typeof content !== 'string' || content.length > MAX_CONTENT) return noteError(index, 'INVALID_DATA', 'invalid data', 'Note_Content');
  if (title !== null && (typeof title !== 'string' || title.length > MAX_TITLE)) return noteError(index, 'INVALID_DATA', 'invalid data', 'Note_Title');
  return { title: title as string | null, content };
}

/** Creates notes under their parents, each logged on the parent's timeline; one event per call. */
export function createNotes(
  deps: SandboxDeps,
  actor: { org: OrgRow; user: UserRow },
  inputs: readonly unknown[],
  parentOf: (input: Record<string, unknown>) => { module: unknown; id: unknown },
): Entry[] {
  const now = deps.clock.now();
  const created: string[] = [];
  const entries = deps.db.transaction(() =>
    inputs.map((raw, index): Entry => {
      if (typeof raw !== 'object' || raw === null) return noteError(index, 'INVALID_DATA', 'invalid data', 'data');
      const input = raw as Record<string, unknown>;
      const text = checkText(index, input);
      if ('code' in text) return text;
      const parentRef = parentOf(input);
      if (parentRef.module === undefined || parentRef.id === undefined) {
        return noteError(index, 'MANDATORY_NOT_FOUND', 'required field not found', 'Parent_Id');
      }
      let module: string;
      try {
        module = resolveRecordModule(String(parentRef.module));
      } catch {
        return noteError(index, 'INVALID_DATA', 'the related module given seems to be invalid', 'Parent_Id');
      }
      const parent = isNumericId(parentRef.id) ? getRecord(deps.db, actor.org.id, module, parentRef.id) : undefined;
      if (!parent) return noteError(index, 'INVALID_DATA', 'the related id given seems to be invalid', 'Parent_Id');
      const note: NoteRow = {
        org_id: actor.org.id,
        id: nextRecordId(deps.db, actor.org.id_prefix),
        parent_module: module,
        parent_id: parent.id,
        title: text.title,
        content: text.content,
        owner_id: actor.user.id,
        created_by: actor.user.id,
        created_time: now,
        modified_by: actor.user.id,
        modified_time: now,
      };
      insertNote(deps.db, note);
      insertTimeline(deps.db, {
        org_id: actor.org.id,
        id: nextRecordId(deps.db, actor.org.id_prefix),
        module,
        record_id: parent.id,
        action: 'added',
        source: 'crm_api',
        done_by: actor.user.id,
        audited_time: now,
        field_history: null,
        related_record: JSON.stringify({ id: note.id, name: note.title ?? note.content.slice(0, 50), module: { api_name: 'Notes' } }),
      });
      created.push(note.id);
      return {
        code: 'SUCCESS',
        details: {
          Modified_Time: zohoTime(now),
          Modified_By: userLookup(actor.user, false),
          Created_Time: zohoTime(now),
          id: note.id,
          Created_By: userLookup(actor.user, false),
        },
        message: 'record added',
        status: 'success',
      };
    }),
  )();
  if (created.length > 0) {
    deps.notifier.publish({ orgId: actor.org.id, module: 'Notes', operation: 'insert', ids: created, affectedFields: {}, affectedValues: {} });
  }
  return entries;
}

export function registerNoteRoutes(app: Hono<SandboxEnv>, deps: SandboxDeps): void {
  const only = (c: SandboxContext, mandatory: boolean) => {
    const fields = splitList(c.req.query('fields'));
    if (fields.length === 0 && mandatory) throw zohoErrors.requiredParam('fields');
    return fields.length === 0 ? undefined : fields;
  };
  const respond = (c: SandboxContext, entries: Entry[], okStatus: 200 | 201) => zohoJson(c, { data: entries }, entriesStatus(entries, okStatus));

  app.post('/Notes', async (c) => {
    requireScopes(c, NOTES_SCOPE('CREATE'));
    const { items } = await readList(c, 'data', 100);
    c.set('credits', writeCredits(items.length));
    const entries = createNotes(deps, auth(c), items, (input) => {
      const parent = input.Parent_Id as { module?: { api_name?: unknown }; id?: unknown } | undefined;
      return { module: parent?.module?.api_name, id: parent?.id };
    });
    return respond(c, entries, 201);
  });

  app.get('/Notes', (c) => {
    requireScopes(c, NOTES_SCOPE('READ'));
    const fields = only(c, true);
    const { org, user } = auth(c);
    if (user.profile !== 'Administrator') throw zohoErrors.notSupported('only admin users can list all notes');
    const notes = listAllNotes(deps.db, org.id);
    if (notes.length === 0) return noContent(c);
    const page = notes.slice(0, 200);
    return zohoJson(c, {
      data: page.map((note) => renderNote(deps, org, note, fields)),
      info: { per_page: 200, count: page.length, page: 1, more_records: notes.length > 200 },
    });
  });

  app.get('/Notes/:id', (c) => {
    requireScopes(c, NOTES_SCOPE('READ'));
    const { org } = auth(c);
    const note = getNote(deps.db, org.id, c.req.param('id'));
    if (!note) throw zohoErrors.invalidId(c.req.param('id'));
    return zohoJson(c, { data: [renderNote(deps, org, note, only(c, false))] });
  });

  const updateNotes = (c: SandboxContext, items: unknown[], pathId?: string): Entry[] => {
    const { org, user } = auth(c);
    const now = deps.clock.now();
    return deps.db.transaction(() =>
      items.map((raw, index): Entry => {
        const input = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
        const id = pathId ?? input.id;
        const note = typeof id === 'string' ? getNote(deps.db, org.id, id) : undefined;
        if (!note) return noteError(index, 'INVALID_DATA', 'the id given seems to be invalid', 'id');
        const text = checkText(index, { Note_Content: input.Note_Content ?? note.content, Note_Title: input.Note_Title ?? note.title });
        if ('code' in text) return text;
        updateNote(deps.db, { ...note, title: text.title, content: text.content, modified_by: user.id, modified_time: now });
        return { code: 'SUCCESS', details: { id: note.id, Modified_Time: zohoTime(now), Modified_By: userLookup(user, false) }, message: 'record updated', status: 'success' };
      }),
    )();
  };

  app.put('/Notes', async (c) => {
    requireScopes(c, NOTES_SCOPE('UPDATE'));
    const { items } = await readList(c, 'data', 100);
    return respond(c, updateNotes(c, items), 200);
  });

  app.put('/Notes/:id', async (c) => {
    requireScopes(c, NOTES_SCOPE('UPDATE'));
    const { items } = await readList(c, 'data', 1);
    return respond(c, updateNotes(c, items, c.req.param('id')), 200);
  });

  app.delete('/Notes/:id', (c) => {
    requireScopes(c, NOTES_SCOPE('DELETE'));
    const { org } = auth(c);
    const note = getNote(deps.db, org.id, c.req.param('id'));
    if (!note) throw zohoErrors.invalidId(c.req.param('id'));
    deleteNote(deps.db, org.id, note.id);
    return zohoJson(c, { data: [{ code: 'SUCCESS', details: { id: note.id }, message: 'record deleted', status: 'success' }] });
  });

  app.get('/:module/:id/Notes', (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'READ'), NOTES_SCOPE('READ'));
    const { org } = auth(c);
    const id = c.req.param('id');
    if (!isNumericId(id) || !getRecord(deps.db, org.id, module, id)) throw zohoErrors.invalidId(id);
    const notes = listNotesOf(deps.db, org.id, id);
    const perPage = Math.min(parsePositiveInt(c.req.query('per_page'), 'per_page', 200), 200);
    const page = parsePositiveInt(c.req.query('page'), 'page', 1);
    const slice = notes.slice((page - 1) * perPage, page * perPage);
    if (slice.length === 0) return noContent(c);
    return zohoJson(c, {
      data: slice.map((note) => renderNote(deps, org, note, only(c, false))),
      info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < notes.length },
    });
  });

  app.post('/:module/:id/Notes', async (c) => {
    const module = resolveRecordModule(c.req.param('module'));
    requireScopes(c, moduleScope(module, 'READ'), NOTES_SCOPE('CREATE'));
    const id = c.req.param('id');
    if (!isNumericId(id)) throw zohoErrors.invalidId(id);
    const { items } = await readList(c, 'data', 100);
    c.set('credits', writeCredits(items.length));
    const entries = createNotes(deps, auth(c), items, () => ({ module, id }));
    if (entries.every((entry) => entry.status === 'error') && entries[0]?.details.api_name === 'Parent_Id') {
      throw new ZohoError(400, 'INVALID_DATA', 'the related id given seems to be invalid', { id });
    }
    return respond(c, entries, 201);
  });
}
