import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

/**
 * The private PostgreSQL the tests start (initdb + pg_ctl, a temporary directory, a free loopback
 * port, `nobody` when run as root), and the claim the job runner will use on it: two workers
 * taking due rows with FOR UPDATE SKIP LOCKED never take the same one.
 */

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('a private PostgreSQL for the tests', () => {
  it('starts on loopback, accepts connections and SQL, and two workers claiming with SKIP LOCKED never take the same row', async () => {
    expect(server.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    const one = new pg.Client({ connectionString: server.url });
    const two = new pg.Client({ connectionString: server.url });
    await one.connect();
    await two.connect();
    try {
      const version = (await one.query<{ server_version_num: string }>('SHOW server_version_num')).rows[0]!.server_version_num;
      expect(Number(version)).toBeGreaterThanOrEqual(150_000);
      await one.query('CREATE TABLE jobs (id serial PRIMARY KEY, status text NOT NULL, run_at bigint NOT NULL)');
      await one.query("INSERT INTO jobs (status, run_at) SELECT 'queued', g FROM generate_series(1, 10) g");
      const claim = "SELECT id FROM jobs WHERE status = 'queued' ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED";
      await one.query('BEGIN');
      await two.query('BEGIN');
      const first = (await one.query<{ id: number }>(claim)).rows[0]!.id;
      const second = (await two.query<{ id: number }>(claim)).rows[0]!.id;
      expect({ first, second }).toEqual({ first: 1, second: 2 });
      await one.query("UPDATE jobs SET status = 'running' WHERE id = $1", [first]);
      await two.query("UPDATE jobs SET status = 'running' WHERE id = $1", [second]);
      await one.query('COMMIT');
      await two.query('COMMIT');
      expect((await one.query("SELECT count(*)::int AS n FROM jobs WHERE status = 'running'")).rows[0]).toEqual({ n: 2 });
    } finally {
      await one.end();
      await two.end();
    }
  });
});
