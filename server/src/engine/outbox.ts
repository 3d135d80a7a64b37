import type { Db } from '../db/open-db.js';

/**
 * Every external effect (an email, a Zoho note, a field update, an owner change) is a row here
 * first, keyed so that the same effect is never queued twice; its status says how far it got.
 */
export type OutboxKind = 'email' | 'note' | 'update';
export type OutboxStatus = 'pending' | 'sending' | 'done' | 'unconfirmed' | 'failed';

export interface OutboxRow {
  id: number;
  org_id: string;
  lead_id: string;
  kind: OutboxKind;
  idempotency_key: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  external_id: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
}

/** Adds an effect unless its key exists; answers the row either way. */
export function addToOutbox(db: Db, row: { orgId: string; leadId: string; kind: OutboxKind; key: string; payload: unknown }, now: number): OutboxRow {
  db.prepare(
    `INSERT INTO outbox (org_id, lead_id, kind, idempotency_key, payload, status, attempts, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)
     ON CONFLICT (idempotency_key) DO NOTHING`,
  ).run(row.orgId, row.leadId, row.kind, row.key, JSON.stringify(row.payload), now, now);
  return db.prepare('SELECT * FROM outbox WHERE idempotency_key = ?').get(row.key) as OutboxRow;
}

export function getOutbox(db: Db, orgId: string, id: number): OutboxRow | undefined {
  return db.prepare('SELECT * FROM outbox WHERE org_id = ? AND id = ?').get(orgId, id) as OutboxRow | undefined;
}

/** Moves a row from one status to another; false when someone else moved it first. */
export function moveOutbox(db: Db, row: Pick<OutboxRow, 'id'>, from: OutboxStatus, to: OutboxStatus, now: number, extra: { externalId?: string | null; error?: string | null } = {}): boolean {
  return (
    db
      .prepare(
        `UPDATE outbox SET status = ?, updated_at = ?, attempts = attempts + ?, external_id = COALESCE(?, external_id), last_error = ?,
           done_at = CASE WHEN ? IN ('done', 'unconfirmed', 'failed') THEN ? ELSE done_at END
         WHERE id = ? AND status = ?`,
      )
      .run(to, now, to === 'sending' ? 1 : 0, extra.externalId ?? null, extra.error ?? null, to, now, row.id, from).changes === 1
  );
}

/** Rows of one kind still to go out (pending, or left in `sending` by a crash), oldest first. */
export function pendingOutbox(db: Db, orgId: string, kind: OutboxKind, limit: number): OutboxRow[] {
  return db
    .prepare("SELECT * FROM outbox WHERE org_id = ? AND kind = ? AND status IN ('pending', 'sending') ORDER BY id LIMIT ?")
    .all(orgId, kind, limit) as OutboxRow[];
}

export function outboxOfLead(db: Db, orgId: string, leadId: string): OutboxRow[] {
  return db.prepare('SELECT * FROM outbox WHERE org_id = ? AND lead_id = ? ORDER BY id').all(orgId, leadId) as OutboxRow[];
}

export interface UnconfirmedEmail {
  leadId: string;
  name: string;
  to: string;
  subject: string;
  module: string;
  recordId: string;
  at: number | null;
}

/** Emails a crash left unconfirmed (handed to SMTP, not recorded as sent; never sent again): for a person to check. The latest 20. */
export function unconfirmedEmails(db: Db, orgId: string): UnconfirmedEmail[] {
  const rows = db
    .prepare(
      `SELECT o.lead_id, o.payload, o.done_at, l.first_name, l.last_name, l.zoho_module, l.zoho_record_id FROM outbox o JOIN leads l ON l.id = o.lead_id
       WHERE o.org_id = ? AND o.kind = 'email' AND o.status = 'unconfirmed' ORDER BY o.id DESC LIMIT 20`,
    )
    .all(orgId) as { lead_id: string; payload: string; done_at: number | null; first_name: string | null; last_name: string | null; zoho_module: string; zoho_record_id: string }[];
  return rows.map((row) => {
    const email = (JSON.parse(row.payload) as { email: { subject: string; to: string } }).email;
    return { leadId: row.lead_id, name: [row.first_name, row.last_name].filter(Boolean).join(' ') || email.to, to: email.to, subject: email.subject, module: row.zoho_module, recordId: row.zoho_record_id, at: row.done_at };
  });
}
