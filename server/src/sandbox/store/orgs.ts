import type { Db } from '../../db/open-db.js';
import { EXTENSION_FIELDS, EXTENSION_MODULES, NOTES_MODULE, NOTE_FIELDS, STANDARD_MODULES } from '../metadata.js';
import { insertField } from './fields.js';
import { nextRecordId, nextSequence } from './ids.js';

export const DATA_CENTRES = ['us', 'eu', 'in', 'au', 'jp', 'ca', 'sa', 'cn', 'uk'] as const;
export type DataCentre = (typeof DATA_CENTRES)[number];

export interface OrgRow {
  id: string;
  record_id: string;
  id_prefix: string;
  name: string;
  dc: DataCentre;
  time_zone: string;
  credits_per_day: number;
  concurrency_limit: number;
  /** The client a grant from the admin API is for when none is named (the org's "Self Client"). */
  self_client_id: string | null;
  created_time: number;
}

export interface UserRow {
  id: string;
  org_id: string;
  zuid: string;
  email: string;
  first_name: string | null;
  last_name: string;
  profile: 'Administrator' | 'Standard';
  role: string;
  status: 'active' | 'inactive';
  time_zone: string;
  created_by: string | null;
  created_time: number;
  modified_time: number;
}

export interface NewUser {
  first_name?: string | undefined;
  last_name: string;
  email: string;
  profile?: 'Administrator' | 'Standard' | undefined;
  status?: 'active' | 'inactive' | undefined;
}

export interface NewOrg {
  name: string;
  dc: DataCentre;
  admin: NewUser;
  users: NewUser[];
  extensionFields: boolean;
  creditsPerDay: number;
  concurrencyLimit: number;
  timeZone?: string;
}

export function createOrg(db: Db, input: NewOrg, now: number): { org: OrgRow; admin: UserRow } {
  return db.transaction(() => {
    const n = nextSequence(db, 'org');
    const org: OrgRow = {
      id: String(808_230_000 + n * 17),
      record_id: '',
      id_prefix: String(5_725_700 + n * 13),
      name: input.name,
      dc: input.dc,
      time_zone: input.timeZone ?? 'UTC',
      credits_per_day: input.creditsPerDay,
      concurrency_limit: input.concurrencyLimit,
      self_client_id: null,
      created_time: now,
    };
    org.record_id = nextRecordId(db, org.id_prefix);
    db.prepare(
      `INSERT INTO orgs (id, record_id, id_prefix, name, dc, time_zone, credits_per_day, concurrency_limit, self_client_id, created_time)
       VALUES (@id, @record_id, @id_prefix, @name, @dc, @time_zone, @credits_per_day, @concurrency_limit, @self_client_id, @created_time)`,
    ).run(org);

    const admin = insertUser(db, org, { ...input.admin, profile: 'Administrator' }, null, now);
    for (const user of input.users) insertUser(db, org, user, admin.id, now);

    let sequence = 1;
    for (const module of [...STANDARD_MODULES, { ...NOTES_MODULE, fields: NOTE_FIELDS }]) {
      db.prepare(
        `INSERT INTO modules (org_id, api_name, id, singular_label, plural_label, sequence_number, modified_time)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(org.id, module.api_name, nextRecordId(db, org.id_prefix), module.singular_label, module.plural_label, sequence++, now);
      for (const field of module.fields) insertField(db, org, module.api_name, field, false, 'default');
      if (input.extensionFields && (EXTENSION_MODULES as readonly string[]).includes(module.api_name)) {
        for (const field of EXTENSION_FIELDS) insertField(db, org, module.api_name, field, true, 'extension');
      }
    }
    return { org, admin };
  })();
}

export function insertUser(db: Db, org: OrgRow, user: NewUser, createdBy: string | null, now: number): UserRow {
  const row: UserRow = {
    id: nextRecordId(db, org.id_prefix),
    org_id: org.id,
    zuid: String(700_000_000 + nextSequence(db, 'zuid')),
    email: user.email.toLowerCase(),
    first_name: user.first_name ?? null,
    last_name: user.last_name,
    profile: user.profile ?? 'Standard',
    role: user.profile === 'Administrator' ? 'CEO' : 'Manager',
    status: user.status ?? 'active',
    time_zone: org.time_zone,
    created_by: createdBy,
    created_time: now,
    modified_time: now,
  };
  db.prepare(
    `INSERT INTO users (id, org_id, zuid, email, first_name, last_name, profile, role, status, time_zone, created_by, created_time, modified_time)
     VALUES (@id, @org_id, @zuid, @email, @first_name, @last_name, @profile, @role, @status, @time_zone, @created_by, @created_time, @modified_time)`,
  ).run(row);
  return row;
}

export function getOrg(db: Db, orgId: string): OrgRow | undefined {
  return db.prepare('SELECT * FROM orgs WHERE id = ?').get(orgId) as OrgRow | undefined;
}

export function listOrgs(db: Db): OrgRow[] {
  return db.prepare('SELECT * FROM orgs ORDER BY created_time, id').all() as OrgRow[];
}

export function updateOrgLimits(db: Db, orgId: string, limits: { creditsPerDay?: number; concurrencyLimit?: number }): void {
  if (limits.creditsPerDay !== undefined) {
    db.prepare('UPDATE orgs SET credits_per_day = ? WHERE id = ?').run(limits.creditsPerDay, orgId);
  }
  if (limits.concurrencyLimit !== undefined) {
    db.prepare('UPDATE orgs SET concurrency_limit = ? WHERE id = ?').run(limits.concurrencyLimit, orgId);
  }
}

export function setSelfClient(db: Db, orgId: string, clientId: string): void {
  db.prepare('UPDATE orgs SET self_client_id = ? WHERE id = ?').run(clientId, orgId);
}

export function getUser(db: Db, orgId: string, userId: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE org_id = ? AND id = ?').get(orgId, userId) as UserRow | undefined;
}

export function findUserByEmail(db: Db, orgId: string, email: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE org_id = ? AND email = ?').get(orgId, email.toLowerCase()) as UserRow | undefined;
}

/** Every org's users with this email: one address may belong to users of several orgs. */
export function findUsersByEmailEverywhere(db: Db, email: string): UserRow[] {
  return db.prepare('SELECT * FROM users WHERE email = ? ORDER BY org_id').all(email.toLowerCase()) as UserRow[];
}

export function listUsers(db: Db, orgId: string): UserRow[] {
  return db.prepare('SELECT * FROM users WHERE org_id = ? ORDER BY id').all(orgId) as UserRow[];
}

export function listAllUsers(db: Db): UserRow[] {
  return db.prepare('SELECT * FROM users ORDER BY org_id, id').all() as UserRow[];
}

export function fullName(user: Pick<UserRow, 'first_name' | 'last_name'>): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ');
}
