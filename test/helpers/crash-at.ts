import { spawn } from 'node:child_process';
import type { TestBackend } from './backend-harness.js';

export interface CrashOutcome {
  signal: NodeJS.Signals | null;
  code: number | null;
  output: string;
}

/**
 * Runs the engine of `backend` in another process (test/helpers/crash-child.ts) that SIGKILLs
 * itself at `point`, on the same database, sandbox and SMTP server; resolves with how it ended.
 */
export function crashAt(backend: TestBackend, point: string, env: Record<string, string> = {}): Promise<CrashOutcome> {
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    CRASH_AT: point,
    CLOCK_AT: String(backend.sandbox.clock.now()),
    ...backend.databaseEnv,
    DATA_DIR: backend.dbPath.replace(/\/app\.sqlite$/, ''),
    ZOHO_CLIENT_ID: backend.client.client_id,
    ZOHO_CLIENT_SECRET: backend.client.client_secret,
    ZOHO_ACCOUNTS_URL: backend.sandbox.url,
    ZOHO_SANDBOX_URL: backend.sandbox.url,
    ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    SMTP_URL: backend.smtp.url,
    PUBLIC_URL: backend.url,
    LOG_LEVEL: 'silent',
    ...env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/crash-child.ts'], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, output })));
}
