import { randomUUID } from 'node:crypto';
import type { Db } from './open-db.js';

export interface SequenceStep {
  after_days: number;
  mode: 'generated' | 'custom';
  subject: string | null;
  body: string | null;
}

export interface Sequence {
  id: string;
  org_id: string;
  name: string;
  is_default: boolean;
  steps: SequenceStep[];
  created_at: number;
  updated_at: number;
}

interface SequenceRow {
  id: string;
  org_id: string;
  name: string;
  is_default: number;
  created_at: number;
  updated_at: number;
}

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

function withSteps(db: Db, row: SequenceRow): Sequence {
  const steps = db
    .prepare('SELECT after_days, mode, subject, body FROM sequence_steps WHERE sequence_id = ? ORDER BY position')
    .all(row.id) as SequenceStep[];
  return { ...row, is_default: row.is_default === 1, steps };
}

export function listSequences(db: Db, orgId: string): Sequence[] {
  return (db.prepare('SELECT * FROM sequences WHERE org_id = ? ORDER BY created_at, name').all(orgId) as SequenceRow[]).map((row) =>
    withSteps(db, row),
  );
}

export function getSequence(db: Db, orgId: string, id: string): Sequence | undefined {
  const row = db.prepare('SELECT * FROM sequences WHERE org_id = ? AND id = ?').get(orgId, id) as SequenceRow | undefined;
  return row ? withSteps(db, row) : undefined;
}

export function findSequenceByName(db: Db, orgId: string, name: string): Sequence | undefined {
  const row = db.prepare('SELECT * FROM sequences WHERE org_id = ? AND lower(name) = lower(?)').get(orgId, name) as SequenceRow | undefined;
  return row ? withSteps(db, row) : undefined;
}

function writeSteps(db: Db, sequenceId: string, steps: SequenceStep[]): void {
  db.prepare('DELETE FROM sequence_steps WHERE sequence_id = ?').run(sequenceId);
  const insert = db.prepare('INSERT INTO sequence_steps (sequence_id, position, after_days, mode, subject, body) VALUES (?, ?, ?, ?, ?, ?)');
  steps.forEach((step, index) => insert.run(sequenceId, index + 1, step.after_days, step.mode, step.subject, step.body));
}

export function createSequence(db: Db, orgId: string, input: { name: string; steps: SequenceStep[]; isDefault?: boolean }, now: number): Sequence {
  const id = randomUUID();
  db.transaction(() => {
    if (input.isDefault) db.prepare('UPDATE sequences SET is_default = 0 WHERE org_id = ?').run(orgId);
    db.prepare('INSERT INTO sequences (id, org_id, name, is_default, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)').run(
      id,
      orgId,
      input.name,
      input.isDefault ? 1 : 0,
      now,
      now,
    );
    writeSteps(db, id, input.steps);
  })();
  return getSequence(db, orgId, id)!;
}

export function updateSequence(db: Db, orgId: string, id: string, input: { name?: string; steps?: SequenceStep[]; isDefault?: boolean }, now: number): Sequence | undefined {
  return db.transaction(() => {
    const existing = getSequence(db, orgId, id);
    if (!existing) return undefined;
    if (input.isDefault) db.prepare('UPDATE sequences SET is_default = 0 WHERE org_id = ?').run(orgId);
    db.prepare('UPDATE sequences SET name = ?, is_default = ?, updated_at = ? WHERE org_id = ? AND id = ?').run(
      input.name ?? existing.name,
      input.isDefault === undefined ? (existing.is_default ? 1 : 0) : input.isDefault ? 1 : 0,
      now,
      orgId,
      id,
    );
    if (input.steps) writeSteps(db, id, input.steps);
    return getSequence(db, orgId, id);
  })();
}

export function deleteSequence(db: Db, orgId: string, id: string): boolean {
  return db.prepare('DELETE FROM sequences WHERE org_id = ? AND id = ?').run(orgId, id).changes === 1;
}

/** Every org has a "Recommended" default sequence; made on first authorization. */
export function ensureRecommendedSequence(db: Db, orgId: string, now: number): Sequence {
  return findSequenceByName(db, orgId, RECOMMENDED_SEQUENCE.name) ?? createSequence(db, orgId, { ...RECOMMENDED_SEQUENCE, isDefault: true }, now);
}
