import { Hono } from 'hono';
import { assistantInput as assistantSchema, previewInput, sequenceInput as sequenceSchema, type AssistantView, type PreviewAnswer, type SequenceView } from '../contract/settings.js';
import { createAssistant, deleteAssistant, findAssistantByMailbox, getAssistant, listAssistants, updateAssistant } from '../db/assistants.js';
import { createSequence, deleteSequence, findSequenceByName, getSequence, listSequences, updateSequence } from '../db/sequences.js';
import { requireAdmin } from '../http/auth.js';
import type { AppDeps, AppEnv } from '../http/context.js';
import { appErrors } from '../http/errors.js';
import { jsonBody } from '../http/validate.js';
import type { Engine } from '../engine/engine.js';
import { leadCountsByAssistant } from '../db/leads.js';

/** Assistants and sequences: reads for any widget caller, writes for Zoho admins (and operators). */
export function assistantsApi(deps: AppDeps, engine: Engine): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const orgOf = (c: { get(key: 'caller'): { org: { id: string } } }) => c.get('caller').org.id;
  const checkSequence = async (orgId: string, id: string | null) => {
    if (id !== null && !(await getSequence(deps.db, orgId, id))) throw appErrors.validation('default_sequence_id names no sequence of this org.');
  };

  app.get('/assistants', async (c) => c.json({ assistants: (await listAssistants(deps.db, orgOf(c))) satisfies AssistantView[] }));

  app.get('/assistants/:id', async (c) => {
    const assistant = await getAssistant(deps.db, orgOf(c), c.req.param('id'));
    if (!assistant) throw appErrors.notFound('The assistant');
    return c.json(assistant satisfies AssistantView);
  });

  app.post('/assistants', async (c) => {
    requireAdmin(c);
    const input = await jsonBody(c, assistantSchema);
    const orgId = orgOf(c);
    await checkSequence(orgId, input.default_sequence_id);
    const taken = () => appErrors.conflict(`An assistant already uses ${input.mailbox_email}.`);
    if (await findAssistantByMailbox(deps.db, orgId, input.mailbox_email)) throw taken();
    // Another request may take the mailbox between the check and the insert: the insert says so.
    const created = await createAssistant(deps.db, orgId, input, engine.now());
    if (!created) throw taken();
    return c.json(created satisfies AssistantView, 201);
  });

  app.put('/assistants/:id', async (c) => {
    requireAdmin(c);
    const input = await jsonBody(c, assistantSchema);
    const orgId = orgOf(c);
    await checkSequence(orgId, input.default_sequence_id);
    const clash = await findAssistantByMailbox(deps.db, orgId, input.mailbox_email);
    if (clash && clash.id !== c.req.param('id')) throw appErrors.conflict(`An assistant already uses ${input.mailbox_email}.`);
    const updated = await updateAssistant(deps.db, orgId, c.req.param('id'), input, engine.now());
    if (!updated) throw appErrors.notFound('The assistant');
    return c.json(updated satisfies AssistantView);
  });

  /** Archived: takes no new records and hands back the ones it works; its history stays. */
  app.post('/assistants/:id/archive', async (c) => {
    requireAdmin(c);
    const handedBack = await engine.archiveAssistant(orgOf(c), c.req.param('id'));
    if (handedBack === undefined) throw appErrors.notFound('The assistant');
    return c.json({ assistant: (await getAssistant(deps.db, orgOf(c), c.req.param('id')))! satisfies AssistantView, handedBack });
  });

  app.post('/assistants/:id/unarchive', async (c) => {
    requireAdmin(c);
    const assistant = await engine.unarchiveAssistant(orgOf(c), c.req.param('id'));
    if (!assistant) throw appErrors.notFound('The assistant');
    return c.json({ assistant: assistant satisfies AssistantView, handedBack: 0 });
  });

  /** Only an assistant that never worked a record is deleted; one with a history is archived instead. */
  app.delete('/assistants/:id', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    const assistant = await getAssistant(deps.db, orgId, c.req.param('id'));
    if (!assistant) throw appErrors.notFound('The assistant');
    const worked = (await leadCountsByAssistant(deps.db, orgId)).get(assistant.id)?.total ?? 0;
    if (worked > 0) throw appErrors.conflict(`${assistant.name} has worked ${worked} record${worked === 1 ? '' : 's'}: archive it instead, so their history stays.`);
    if (!(await deleteAssistant(deps.db, orgId, assistant.id))) throw appErrors.notFound('The assistant');
    return c.body(null, 204);
  });

  app.get('/sequences', async (c) => c.json({ sequences: (await listSequences(deps.db, orgOf(c))) satisfies SequenceView[] }));

  app.get('/sequences/:id', async (c) => {
    const sequence = await getSequence(deps.db, orgOf(c), c.req.param('id'));
    if (!sequence) throw appErrors.notFound('The sequence');
    return c.json(sequence satisfies SequenceView);
  });

  app.post('/sequences', async (c) => {
    requireAdmin(c);
    const input = await jsonBody(c, sequenceSchema);
    const orgId = orgOf(c);
    const taken = () => appErrors.conflict(`A sequence is already named "${input.name}".`);
    if (await findSequenceByName(deps.db, orgId, input.name)) throw taken();
    // Another request may take the name between the check and the insert: the insert says so.
    const created = await createSequence(deps.db, orgId, { name: input.name, steps: input.steps, isDefault: input.is_default ?? false }, engine.now());
    if (!created) throw taken();
    return c.json(created satisfies SequenceView, 201);
  });

  app.put('/sequences/:id', async (c) => {
    requireAdmin(c);
    const input = await jsonBody(c, sequenceSchema);
    const orgId = orgOf(c);
    const clash = await findSequenceByName(deps.db, orgId, input.name);
    if (clash && clash.id !== c.req.param('id')) throw appErrors.conflict(`A sequence is already named "${input.name}".`);
    const current = await getSequence(deps.db, orgId, c.req.param('id'));
    if (!current) throw appErrors.notFound('The sequence');
    if (current.is_default && input.is_default === false) {
      throw appErrors.conflict('An org always has a default sequence: make another one the default instead.');
    }
    const updated = await updateSequence(deps.db, orgId, current.id, { name: input.name, steps: input.steps, ...(input.is_default === undefined ? {} : { isDefault: input.is_default }) }, engine.now());
    if (!updated) throw appErrors.notFound('The sequence');
    return c.json(updated satisfies SequenceView);
  });

  /**
   * The email a step would send (as edited, before saving), written for a sample lead. Admins
   * only, like editing the sequence: with a model configured, each preview is a paid model call.
   */
  app.post('/sequences/preview', async (c) => {
    requireAdmin(c);
    const input = await jsonBody(c, previewInput);
    const preview = await engine.previewStep(orgOf(c), { ...(input.assistant_id ? { assistantId: input.assistant_id } : {}), step: input.step, stepIndex: input.step_index, stepsTotal: input.steps_total });
    if (!preview) throw appErrors.validation(input.assistant_id ? 'That assistant does not exist.' : 'Create an assistant first: the preview is written in its name.');
    return c.json(preview satisfies PreviewAnswer);
  });

  app.delete('/sequences/:id', async (c) => {
    requireAdmin(c);
    const orgId = orgOf(c);
    const sequence = await getSequence(deps.db, orgId, c.req.param('id'));
    if (!sequence) throw appErrors.notFound('The sequence');
    if (sequence.is_default) throw appErrors.conflict('The default sequence cannot be deleted; make another one the default first.');
    await deleteSequence(deps.db, orgId, sequence.id);
    return c.body(null, 204);
  });

  return app;
}
