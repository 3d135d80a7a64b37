import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getChannelOfOrg, listOrgFields } from '../../server/src/db/org-setup.js';
import { findOrgByZohoId } from '../../server/src/db/orgs.js';
import { CHANNEL_LIFETIME_MS, renewExpiringChannels } from '../../server/src/services/org-setup.js';
import { type TestBackend, authorizeInBrowser, signInAsAdmin, startTestBackend } from '../helpers/backend-harness.js';
import { connectOrg } from '../helpers/connected-org.js';
import type { Json } from '../helpers/sandbox-client.js';

let backend: TestBackend;

beforeAll(async () => {
  backend = await startTestBackend();
});

afterAll(async () => {
  await backend.stop();
});

describe('org setup in Zoho', () => {
  it('renews the notification channel before it expires', async () => {
    const org = await connectOrg(backend);
    const row = (await findOrgByZohoId(backend.deps.db, org.zoho.org_id))!;
    const first = (await getChannelOfOrg(backend.deps.db, row.id))!;
    expect(first.expires_at - backend.sandbox.clock.now()).toBeLessThanOrEqual(CHANNEL_LIFETIME_MS);
    expect(await renewExpiringChannels(backend.deps)).toEqual({ renewed: 0, failed: 0 });

    backend.sandbox.clock.advance(5 * 24 * 60 * 60 * 1000);
    expect(await renewExpiringChannels(backend.deps)).toEqual({ renewed: 1, failed: 0 });
    const renewed = (await getChannelOfOrg(backend.deps.db, row.id))!;
    expect(renewed.channel_id).toBe(first.channel_id);
    expect(renewed.expires_at).toBeGreaterThan(first.expires_at);
    const token = (await backend.sandbox.token(org.zoho)).access_token;
    const watch = (await backend.sandbox.crm(token, 'GET', `/actions/watch?channel_id=${first.channel_id}`)).body.watch as Json[];
    expect(Date.parse(watch[0].channel_expiry)).toBe(Math.floor(renewed.expires_at / 1000) * 1000);
  });

  it('reports a failed setup step on the result page, and a rerun completes it', async () => {
    const zoho = await backend.sandbox.createOrg({
      name: 'Flaky Fields',
      client_id: backend.client.client_id,
      users: [{ first_name: 'Fay', last_name: 'Admin', email: 'fay@flaky.test', profile: 'Administrator' }],
    });
    await backend.sandbox.admin('POST', '/sandbox/faults', { method: 'POST', path: '/crm/v8/settings/fields', status: 500, count: 1 });
    const result = await authorizeInBrowser(backend, { userEmail: 'fay@flaky.test' });
    expect(result.status).toBe(200);
    expect(result.html).toContain('class="step-fail"');
    expect(result.html).toContain('Some setup steps need another try');
    const row = (await findOrgByZohoId(backend.deps.db, zoho.org_id))!;
    expect(await listOrgFields(backend.deps.db, row.id)).toHaveLength(0);
    // The channel and the widget key did not wait for the fields.
    expect(await getChannelOfOrg(backend.deps.db, row.id)).toBeDefined();

    const token = (await backend.sandbox.token(zoho)).access_token;
    const key = (await backend.sandbox.crm(token, 'GET', '/settings/variables/salesassist__Widget_Key')).body.variables[0].value as string;
    const session = (await signInAsAdmin(backend, 'fay@flaky.test')).token;
    const rerun = await fetch(`${backend.url}/api/org/setup`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'x-admin-session': session } });
    expect(rerun.status).toBe(200);
    const steps = ((await rerun.json()) as { steps: { step: string; ok: boolean }[] }).steps;
    expect(steps.map((step) => [step.step, step.ok])).toEqual([
      ['fields', true],
      ['notifications', true],
      ['widget_key', true],
    ]);
    expect(await listOrgFields(backend.deps.db, row.id)).toHaveLength(9);
  });
});
