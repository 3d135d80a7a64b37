import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../server/src/sandbox/start-sandbox.js';
import { ManualClock } from '../../server/src/lib/clock.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-test-'));
  dirs.push(dir);
  return dir;
}

/** Runs `npm run sandbox`'s entry point and resolves with the URL it prints. */
function runSandboxScript(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/sandbox/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Zoho sandbox listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${output}`)));
  });
}

describe('npm run sandbox', () => {
  it('prints its URL, refuses a tokenless call with INVALID_TOKEN and answers the org to a granted token', async () => {
    const dataDir = tempDir();
    const url = await runSandboxScript({ SANDBOX_PORT: '0', DATA_DIR: dataDir });
    const anonymous = await fetch(`${url}/crm/v8/org`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });

    const created = (await (await fetch(`${url}/sandbox/orgs`, { method: 'POST', body: JSON.stringify({ name: 'CLI Org' }) })).json()) as {
      org_id: string;
      client: { client_id: string; client_secret: string };
    };
    const { code } = (await (await fetch(`${url}/sandbox/orgs/${created.org_id}/grant`, { method: 'POST', body: JSON.stringify({ scope: 'ZohoCRM.org.READ' }) })).json()) as { code: string };
    const tokens = (await (
      await fetch(`${url}/oauth/v2/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: created.client.client_id, client_secret: created.client.client_secret, code }),
      })
    ).json()) as { access_token: string };
    const orgResponse = await fetch(`${url}/crm/v8/org`, { headers: { authorization: `Zoho-oauthtoken ${tokens.access_token}` } });
    expect(orgResponse.status).toBe(200);
    expect(((await orgResponse.json()) as { org: { zgid: string; company_name: string }[] }).org[0]).toMatchObject({ zgid: created.org_id, company_name: 'CLI Org' });
  });

  it('refuses a malformed SANDBOX_PORT with a message naming it', async () => {
    await expect(runSandboxScript({ SANDBOX_PORT: 'eighty', DATA_DIR: tempDir() })).rejects.toThrow(/SANDBOX_PORT/);
  });
});

describe('sandbox state', () => {
  it('survives a restart when kept in a file', async () => {
    const dbPath = join(tempDir(), 'sandbox.sqlite');
    const clock = new ManualClock();
    const first = await startSandbox({ port: 0, dbPath, clock });
    const created = (await (await fetch(`${first.url}/sandbox/orgs`, { method: 'POST', body: JSON.stringify({ name: 'Kept' }) })).json()) as { org_id: string };
    await first.stop();
    const second = await startSandbox({ port: 0, dbPath, clock });
    try {
      const found = await fetch(`${second.url}/sandbox/orgs/${created.org_id}`);
      expect(found.status).toBe(200);
      expect(((await found.json()) as { name: string }).name).toBe('Kept');
    } finally {
      await second.stop();
    }
  });
});
