import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

/**
 * A private PostgreSQL for the tests: a cluster made with initdb in a temporary directory, run by
 * pg_ctl on a free loopback port, as `nobody` when the tests run as root (PostgreSQL refuses root),
 * and stopped and deleted afterwards. TEST_DATABASE_URL, when set, is used instead.
 */

const execFileAsync = promisify(execFile);
const HOST = '127.0.0.1';
const INSTALL = 'sudo apt-get update && sudo apt-get install -y postgresql';

export interface PostgresServer {
  /** postgres://… of a database the tests may use as they like. */
  url: string;
  /** Creates a database named `name` (letters, digits, _) and answers its postgres://… URL. */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a database name: ${name}`);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The PostgreSQL server binaries (Debian keeps them in /usr/lib/postgresql/<version>/bin). */
export function postgresBinaries(root = '/usr/lib/postgresql'): string | null {
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'initdb')) && existsSync(join(root, version, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}


async function idOf(args: string[]): Promise<number> {
  const { stdout } = await execFileAsync('id', args);
  return Number(stdout.trim());
}

/** `durable` keeps fsync on (the benchmarks); the tests run without it. */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<PostgresServer> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return { url: given, database: (name) => createDatabase(given, name), stop: async () => undefined };
  const bin = postgresBinaries();
  if (!bin) throw new Error(`The PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql. Install them with: ${INSTALL}`);
  const asRoot = userInfo().uid === 0;
  const account = asRoot ? { uid: await idOf(['-u', 'nobody']), gid: await idOf(['-g', 'nobody']) } : undefined;
  const root = mkdtempSync(join(tmpdir(), 'test-postgres-'));
  const data = join(root, 'data');
  const sockets = join(root, 'sockets');
  mkdirSync(sockets);
  if (account) for (const dir of [root, sockets]) chownSync(dir, account.uid, account.gid);
  const run = (command: string, args: string[]) =>
    execFileAsync(join(bin, command), args, { ...(account ? { uid: account.uid, gid: account.gid } : {}), env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8', HOME: root }, cwd: root });
  try {
    await run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await freePort();
      try {
        // Durability off for tests: a test cluster that dies is thrown away anyway.
        const durability = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
        await run('pg_ctl', ['-D', data, '-l', join(root, 'server.log'), '-w', '-t', '30', '-o', `-p ${port} -k ${sockets} -c listen_addresses=${HOST} -c max_connections=200${durability}`, 'start']);
        const url = `postgres://postgres@${HOST}:${port}/postgres`;
        return {
          url,
          database: (name) => createDatabase(url, name),
          stop: async () => {
            await run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
            rmSync(root, { recursive: true, force: true });
          },
        };
      } catch (error) {
        // Another process took the port between our look and the server's bind: try another.
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
