import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadAppEnv } from '../../server/src/env.js';
import { createLogger } from '../../server/src/lib/logger.js';
import { TokenCipher } from '../../server/src/lib/token-cipher.js';
import { type TestBackend, startTestBackend } from '../helpers/backend-harness.js';

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  await backend.stop();
});

describe('the HTTP app', () => {
  it('answers /healthz', async () => {
    const response = await fetch(`${backend.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok' });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers unknown routes in the one error envelope, with the request id echoed', async () => {
    const response = await fetch(`${backend.url}/nowhere`, { headers: { 'x-request-id': 'trace-12345678' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('trace-12345678');
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'No route for GET /nowhere.', requestId: 'trace-12345678' } });
    const generated = await fetch(`${backend.url}/nowhere`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one structured line per request, without the query string', async () => {
    await fetch(`${backend.url}/oauth/zoho/callback?code=1000.secretcode&state=abc`);
    const line = backend.logLines.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.path === '/oauth/zoho/callback');
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', status: 400, requestId: expect.any(String) });
    expect(backend.logLines.join('\n')).not.toContain('secretcode');
  });
});

describe('configuration', () => {
  const base = { ZOHO_CLIENT_ID: '1000.ABC', ZOHO_CLIENT_SECRET: 'secret', ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };

  it('refuses a missing or malformed setting with a message naming it', () => {
    expect(() => loadAppEnv({ ...base, ENCRYPTION_KEY: undefined })).toThrow(ConfigError);
    expect(() => loadAppEnv({ ...base, ENCRYPTION_KEY: undefined })).toThrow(/ENCRYPTION_KEY/);
    expect(() => loadAppEnv({ ...base, ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/ENCRYPTION_KEY: must be 32 bytes/);
    expect(() => loadAppEnv({ ...base, ZOHO_ACCOUNTS_URL: 'ftp://accounts' })).toThrow(/ZOHO_ACCOUNTS_URL/);
    expect(() => loadAppEnv({ ...base, ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
    expect(() => loadAppEnv({ ...base, PORT: 'eighty' })).toThrow(/PORT/);
  });

  it('applies documented defaults', () => {
    const env = loadAppEnv({ ...base, ENCRYPTION_KEY: 'ab'.repeat(32) });
    expect(env).toMatchObject({ PORT: 8787, DATA_DIR: './data', ZOHO_ACCOUNTS_URL: 'https://accounts.zoho.com', ZOHO_GATEWAY_WORKERS: 2 });
    expect(env.ENCRYPTION_KEY).toHaveLength(32);
  });
});

describe('secrets', () => {
  it('seals with AES-256-GCM bound to the org: another org, a tampered byte or another key fail', () => {
    const cipher = new TokenCipher(Buffer.alloc(32, 3));
    const sealed = cipher.encrypt('1000.refresh', 'org-a:zoho_refresh_token');
    expect(sealed).not.toContain('1000.refresh');
    expect(cipher.decrypt(sealed, 'org-a:zoho_refresh_token')).toBe('1000.refresh');
    expect(() => cipher.decrypt(sealed, 'org-b:zoho_refresh_token')).toThrow();
    const parts = sealed.split('.');
    const tampered = [...parts.slice(0, 4), `${parts[4]!.slice(0, -2)}AA`].join('.');
    expect(() => cipher.decrypt(tampered, 'org-a:zoho_refresh_token')).toThrow();
    expect(() => new TokenCipher(Buffer.alloc(32, 4)).decrypt(sealed, 'org-a:zoho_refresh_token')).toThrow(/another key/);
    expect(cipher.encrypt('same', 'aad')).not.toBe(cipher.encrypt('same', 'aad'));
  });

  it('redacts secrets in logs', () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    logger.info('calling', { refreshToken: 'abc', authorization: 'Zoho-oauthtoken x', note: 'token 1000.0123456789abcdef0123456789abcdef.0123456789abcdef0123456789abcdef seen', code: 'c0de', errorCode: 'INVALID_TOKEN' });
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ refreshToken: '[redacted]', authorization: '[redacted]', note: 'token [redacted] seen', code: '[redacted]', errorCode: 'INVALID_TOKEN' });
  });
});
