import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBackend, startTestBackend } from '../helpers/backend-harness.js';
import { type ConnectedOrg, connectOrg } from '../helpers/connected-org.js';
import { type Scenario, setUpAssistant } from '../helpers/engine-scenario.js';

let backend: TestBackend;
let org: ConnectedOrg;
let other: ConnectedOrg;
let scenario: Scenario;

beforeAll(async () => {
  // A widget folder of its own: the browser tests rebuild app/ while other files run.
  const widgetDir = mkdtempSync(join(tmpdir(), 'widget-'));
  mkdirSync(join(widgetDir, 'assets'));
  writeFileSync(join(widgetDir, 'widget.html'), '<!doctype html><script type="module" src="./assets/widget.js"></script>');
  writeFileSync(join(widgetDir, 'assets', 'widget.js'), 'export {};');
  backend = await startTestBackend({ env: { WIDGET_DIR: widgetDir } });
  org = await connectOrg(backend);
  other = await connectOrg(backend);
  scenario = await setUpAssistant(backend, org);
});

afterAll(async () => {
  await backend.stop();
});

describe('GET /api/record-widget/:module/:recordId', () => {
  it("gives the widget the field names, the assistants it can assign to, and the record's lead", async () => {
    const recordId = await scenario.contact();
    const before = await org.api('GET', `/record-widget/Contacts/${recordId}`, undefined, { session: null });
    expect(before.status).toBe(200);
    expect(before.body.fields.context).toMatch(/Context/);
    expect(before.body.fields.sequence).toMatch(/Sequence/);
    expect(before.body.assistants).toEqual([{ id: scenario.assistant.id, name: 'Nova', mailboxEmail: scenario.assistant.mailbox_email, zohoUserId: null, defaultSequenceId: null }]);
    expect(before.body.sequences.length).toBeGreaterThan(0);
    expect(before.body.lead).toBeNull();

    await scenario.assign('Contacts', recordId, scenario.assistantUserId);
    await scenario.settle();
    const after = await org.api('GET', `/record-widget/Contacts/${recordId}`, undefined, { session: null });
    expect(after.body.lead).toMatchObject({ status: 'active', zohoRecordId: recordId, step: { sent: 0 } });
    expect(after.body.events.map((event: { kind: string }) => event.kind)).toContain('assigned');
    // Intake matched the assistant to its Zoho user.
    expect(after.body.assistants[0].zohoUserId).toBe(scenario.assistantUserId);

    // Another org's key sees none of it.
    const foreign = await other.api('GET', `/record-widget/Contacts/${recordId}`, undefined, { session: null });
    expect(foreign.body.lead).toBeNull();
    expect(foreign.body.assistants).toEqual([]);
  });

  it('refuses a module we do not work and a malformed record id', async () => {
    const module = await org.api('GET', '/record-widget/Accounts/123', undefined, { session: null });
    expect(module.status).toBe(400);
    expect(module.body.error.code).toBe('VALIDATION_FAILED');
    const id = await org.api('GET', '/record-widget/Contacts/12ab', undefined, { session: null });
    expect(id.status).toBe(400);
  });

  it('serves the built widget at /app/ for Zoho and the sandbox to frame, and nothing else', async () => {
    const page = await fetch(`${backend.url}/app/widget.html`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain('frame-ancestors https://*.zoho.com');
    expect(csp).toContain(backend.sandbox.url);
    expect(csp).toContain("connect-src 'self'");
    expect((await fetch(`${backend.url}/app/assets/widget.js`)).headers.get('cache-control')).toContain('immutable');
    for (const path of ['/app/..%2Fpackage.json', '/app/.env', '/app/assets/missing.js', '/app/server.ts']) {
      expect((await fetch(`${backend.url}${path}`)).status, path).toBe(404);
    }
    // Zoho's org variables tell the widget where this backend is.
    const variable = await backend.sandbox.crm(scenario.zohoToken, 'GET', '/settings/variables/salesassist__Backend_Url', undefined, org.zoho.api_domain);
    expect(variable.body.variables[0].value).toBe(backend.url);
  });
});
