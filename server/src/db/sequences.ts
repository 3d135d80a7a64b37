import { randomUUID } from 'node:crypto';
import type { SequencesRow, SequenceStepsRow } from './schema.js';
import { type Db, dialectOf, transaction } from './store.js';

export type SequenceStep = Pick<SequenceStepsRow, 'after_days' | 'subject' | 'body'> & { mode: 'generated' | 'custom' };

/** A sequence with its steps in order; `is_default` read as a boolean. */
export type Sequence = Omit<SequencesRow, 'is_default'> & { is_default: boolean; steps: SequenceStep[] };

/** The sequence every org starts with: a first email, then three follow-ups. */
export const RECOMMENDED_SEQUENCE: { name: string; steps: SequenceStep[] } = {
  name: 'Recommended',
  steps: [
    { after_days: 0, mode: 'generated', subject: null, body: null },
    { after_days: 3, mode: 'generated', subject: null, body: null },
    { after_days: 5, mode: 'generated', subject: null, body: null },
    { after_days: 7, mode: 'generated', subject: null, body: null },
  ],
};

async function withSteps(db: Db, row: SequencesRow): Promise<Sequence> {
  const steps = await db
    .selectFrom('sequence_steps')
    .select(['after_days', 'mode', 'subject', 'body'])
    .where('sequence_id', '=', row.id)
    .orderBy('position')
    .$narrowType<{ mode: SequenceStep['mode'] }>()
    .execute();
  return { ...row, is_default: row.is_default === 1, steps };
}

export async function listSequences(db: Db, orgId: string): Promise<Sequence[]> {
  const rows = await db.selectFrom('sequences').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('name').execute();
  return Promise.all(rows.map((row) => withSteps(db, row)));
}

export async function getSequence(db: Db, orgId: string, id: string): Promise<Sequence | undefined> {
  const row = await db.selectFrom('sequences').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return row ? withSteps(db, row) : undefined;
}

/** The org's sequence of this name, whatever its case. */
export async function findSequenceByName(db: Db, orgId: string, name: string): Promise<Sequence | undefined> {
  const row = await db
    .selectFrom('sequences')
    .selectAll()
    .where('org_id', '=', orgId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', eb.fn('lower', [eb.val(name)])))
    .executeTakeFirst();
  return row ? withSteps(db, row) : undefined;
}

async function writeSteps(db: Db, sequenceId: string, steps: SequenceStep[]): Promise<void> {
  await db.deleteFrom('sequence_steps').where('sequence_id', '=', sequenceId).execute();
  if (steps.length === 0) return;
  await db
    .insertInto('sequence_steps')
    .values(steps.map((step, index) => ({ sequence_id: sequenceId, position: index + 1, after_days: step.after_days, mode: step.mode, subject: step.subject, body: step.body })))
    .execute();
}

/**
 * Inside a transaction that changes which sequence is the org's default: takes the org's row
 * lock (PostgreSQL), so two such transactions of one org take turns and the org ends with one
 * default. A SQLite transaction already holds the write lock.
 */
async function lockOrgDefaults(tx: Db, orgId: string): Promise<void> {
  if (dialectOf(tx) === 'postgres') await tx.selectFrom('orgs').select('id').where('id', '=', orgId).forUpdate().execute();
}

/** Creates a sequence; undefined when the org already has one of this name. */
export async function createSequence(db: Db, orgId: string, input: { name: string; steps: SequenceStep[]; isDefault?: boolean }, now: number): Promise<Sequence | undefined> {
  const id = randomUUID();
  const created = await transaction(db, async (tx) => {
    if (input.isDefault) await lockOrgDefaults(tx, orgId);
    const inserted = await tx
      .insertInto('sequences')
      .values({ id, org_id: orgId, name: input.name, is_default: input.isDefault ? 1 : 0, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
    if (input.isDefault) await tx.updateTable('sequences').set({ is_default: 0 }).where('org_id', '=', orgId).where('id', '!=', id).execute();
    await writeSteps(tx, id, input.steps);
    return true;
  });
  return created ? getSequence(db, orgId, id) : undefined;
}

export async function updateSequence(db: Db, orgId: string, id: string, input: { name?: string; steps?: SequenceStep[]; isDefault?: boolean }, now: number): Promise<Sequence | undefined> {
  return transaction(db, async (tx) => {
    if (input.isDefault) await lockOrgDefaults(tx, orgId);
    const existing = await getSequence(tx, orgId, id);
    if (!existing) return undefined;
    if (input.isDefault) await tx.updateTable('sequences').set({ is_default: 0 }).where('org_id', '=', orgId).execute();
    await tx
      .updateTable('sequences')
      // Only what was asked: a default another request set meanwhile is not written back.
      .set({
        name: input.name ?? existing.name,
        ...(input.isDefault === undefined ? {} : { is_default: input.isDefault ? 1 : 0 }),
        updated_at: now,
      })
      .where('org_id', '=', orgId)
      .where('id', '=', id)
      .execute();
    if (input.steps) await writeSteps(tx, id, input.steps);
    return getSequence(tx, orgId, id);
  });
}

export async function deleteSequence(db: Db, orgId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('sequences').where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Every org has a "Recommended" default sequence; made on first authorization (once, even when two make it at once). */
export async function ensureRecommendedSequence(db: Db, orgId: string, now: number): Promise<Sequence> {
  const found =
    (await findSequenceByName(db, orgId, RECOMMENDED_SEQUENCE.name)) ??
    (await createSequence(db, orgId, { ...RECOMMENDED_SEQUENCE, isDefault: true }, now)) ??
    (await findSequenceByName(db, orgId, RECOMMENDED_SEQUENCE.name));
  if (!found) throw new Error(`org ${orgId} has no ${RECOMMENDED_SEQUENCE.name} sequence after making it`);
  return found;
}
