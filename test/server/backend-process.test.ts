import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueueJob } from '../../server/src/db/jobs.js';
import { openStore } from '../../server/src/db/store.js';
import { jobOf } from '../../server/src/engine/job-kinds.js';
import { startTestSandbox } from '../helpers/sandbox-client.js';
import { value } from '../helpers/store.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs `npm start`'s entry point; resolves with its output once `until` appears, rejects on exit. */
function runMain(env: Record<string, string>, until: RegExp, args: string[] = []): Promise<{ output: string; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until.test(output)) resolve({ output, code: null });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => resolve({ output, code }));
  });
}

/** The settings of a backend whose Zoho is the sandbox at `sandboxUrl`. */
function sandboxEnv(sandboxUrl: string, dataDir: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    ZOHO_CLIENT_ID: '1000.TESTCLIENT',
    ZOHO_CLIENT_SECRET: 'secret',
    ZOHO_ACCOUNTS_URL: sandboxUrl,
    ZOHO_SANDBOX_URL: sandboxUrl,
    ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
    LOG_LEVEL: 'warn',
  };
}

describe('npm start with a Zoho client configured', () => {
  it('runs the backend against the configured Zoho (here the sandbox), and nothing else', async () => {
    const sandbox = await startTestSandbox();
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'main-'));
      dirs.push(dataDir);
      const { output, code } = await runMain({ ...sandboxEnv(sandbox.url, dataDir), PORT: '0' }, /Backend listening on (http:\/\/\S+)/);
      expect(code).toBeNull();
      expect(output).not.toContain('Zoho sandbox listening');
      const url = /Backend listening on (http:\/\/\S+)/.exec(output)![1]!;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const start = await fetch(`${url}/oauth/zoho/start`, { redirect: 'manual' });
      expect(start.headers.get('location')).toMatch(new RegExp(`^${sandbox.url}/oauth/v2/auth\\?`));
    } finally {
      await sandbox.stop();
    }
  });

  it('refuses to start without ENCRYPTION_KEY, naming it', async () => {
    // A pattern that never matches: wait for the process to exit.
    const { output, code } = await runMain({ ZOHO_CLIENT_ID: '1000.TESTCLIENT', ZOHO_CLIENT_SECRET: 'secret', DATA_DIR: tmpdir() }, /(?!)/);
    expect(code).toBe(1);
    expect(output).toContain('ENCRYPTION_KEY');
    expect(output).not.toContain('listening');
  });

  it('refuses malformed settings, naming each one, and starts nothing (no sandbox, no demo)', async () => {
    const { output, code } = await runMain(
      { ZOHO_CLIENT_ID: '1000.TESTCLIENT', ZOHO_CLIENT_SECRET: 'secret', DATA_DIR: tmpdir(), ENCRYPTION_KEY: 'too-short', PUBLIC_URL: 'not a url', PORT: '99999', SMTP_URL: 'http://mail.example' },
      /(?!)/,
    );
    expect(code).toBe(1);
    for (const setting of ['ENCRYPTION_KEY', 'PUBLIC_URL', 'PORT', 'SMTP_URL']) expect(output).toContain(setting);
    expect(output).not.toContain('listening');
    expect(output).not.toContain('demo');
  });
});

describe('npm start -- --role web | worker', () => {
  it('a web process and a worker process share one data directory: the web one answers HTTP, the worker one runs the queued jobs and listens nowhere', async () => {
    const sandbox = await startTestSandbox();
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'roles-'));
      dirs.push(dataDir);
      const env = { ...sandboxEnv(sandbox.url, dataDir), MAIL_IDLE: 'false' };
      const web = await runMain({ ...env, PORT: '0' }, /Backend listening on (http:\/\/\S+)/, ['--role', 'web']);
      expect(web.output).toContain('(web only: workers run the jobs)');
      const url = /Backend listening on (http:\/\/\S+)/.exec(web.output)![1]!;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const worker = await runMain({ ...env, PORT: '0' }, /Backend worker running/, ['--role', 'worker']);
      expect(worker.code).toBeNull();
      expect(worker.output).not.toContain('listening');
      // Work queued in the shared database (as the web process queues it) is taken by the worker.
      const store = await openStore({ path: join(dataDir, 'app.sqlite') });
      try {
        const now = Date.now();
        await enqueueJob(store.db, jobOf('flush', { orgId: 'an-org-that-left' }, now), now);
        await expect.poll(() => value(store.db, "SELECT status FROM jobs WHERE job_key = 'flush:an-org-that-left'"), { timeout: 15_000 }).toBe('done');
      } finally {
        await store.close();
      }
    } finally {
      await sandbox.stop();
    }
  });

  it('refuses an unknown role, naming the choices', async () => {
    const { output, code } = await runMain({ ZOHO_CLIENT_ID: '1000.TESTCLIENT', ZOHO_CLIENT_SECRET: 'secret', DATA_DIR: tmpdir(), ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64') }, /(?!)/, ['--role', 'cook']);
    expect(code).toBe(1);
    expect(output).toContain('--role must be all, web or worker (got cook).');
  });
});
