import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestBackend } from '../helpers/backend-harness.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { replyTo } from '../helpers/replies.js';
import { value } from '../helpers/store.js';

let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;
let browser: Browser;

const INBOUND_TOKEN = 'inbound-webhook-token-for-browser-tests-0123456789';

beforeAll(async () => {
  browser = await launchChromium();
  ({ backend, org, scenario } = await startWithAssistant({ env: { INBOUND_WEBHOOK_TOKEN: INBOUND_TOKEN } }));
}, 120_000);

/** A reply to one of our emails, through the inbound webhook, then the engine's work on it. */
async function deliverReply(raw: string): Promise<void> {
  const response = await fetch(`${backend.url}/webhooks/inbound`, { method: 'POST', headers: { authorization: `Bearer ${INBOUND_TOKEN}`, 'content-type': 'message/rfc822' }, body: raw });
  expect(response.status).toBe(202);
  await scenario.settle();
}

/** What the open widget says, polled for at most 2 s: it must update itself, no reload. */
const within2s = (page: Page) => expect.poll(() => page.frameLocator('#widget').locator('body').textContent(), { timeout: 2_000, interval: 100, message: 'the open widget did not update within 2 s' });

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
});

async function openRecord(recordId: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const widget = encodeURIComponent(`${backend.url}/app/widget.html`);
  await page.goto(`${backend.sandbox.url}/ui/${org.zoho.org_id}/Contacts/${recordId}?user=${encodeURIComponent(org.zoho.admin.email)}&widget=${widget}`);
  return page;
}

const contextField = async () => String(await value(backend.deps.db, "SELECT api_name FROM org_fields WHERE module = 'Contacts' AND role = 'context'"));

describe('the record widget inside the sandbox CRM page, in chromium', () => {
  it('loads cross-origin, saves the context, assigns to the assistant and hands back', async () => {
    const recordId = await scenario.contact({ [await contextField()]: 'Met at the Hannover fair.' });
    const page = await openRecord(recordId);
    const widget = page.frameLocator('#widget');

    await expect.poll(() => widget.locator('body').textContent(), { timeout: 15_000 }).toContain('not working on this record');
    expect(await widget.locator('textarea').inputValue()).toBe('Met at the Hannover fair.');
    // Cross-origin: the widget comes from the backend, the page from the sandbox.
    expect(new URL(page.frames()[1]!.url()).origin).toBe(backend.url);
    expect(new URL(page.url()).origin).toBe(backend.sandbox.url);
    await page.screenshot({ path: artifactPath('widget', '1-not-assigned.png') });

    // Edit the context: saved to the record through the host, seen through Zoho's API.
    await widget.locator('textarea').fill('Wants a pilot for two plants in Q1.');
    await widget.getByRole('button', { name: 'Save context' }).click();
    await expect.poll(() => widget.locator('[role="status"]').textContent()).toContain('Context saved to the record.');
    expect((await scenario.record('Contacts', recordId))[await contextField()]).toBe('Wants a pilot for two plants in Q1.');

    // Assign: Owner becomes the assistant's user; the engine picks it up; the widget shows the lead.
    await widget.getByRole('button', { name: 'Assign to Nova' }).click();
    await expect.poll(async () => (await scenario.record('Contacts', recordId)).Owner.id, { timeout: 10_000 }).toBe(scenario.assistantUserId);
    await scenario.settle();
    await expect.poll(() => widget.locator('body').textContent(), { timeout: 15_000 }).toContain('Working this record');
    expect(await scenario.leadOf(recordId)).toMatchObject({ status: 'active', context: 'Wants a pilot for two plants in Q1.', previous_owner_id: org.repId });
    await page.screenshot({ path: artifactPath('widget', '2-working.png') });

    // Hand back now: the previous owner gets the record back.
    await widget.getByRole('button', { name: 'Hand back now' }).click();
    await expect.poll(() => widget.locator('[role="status"]').textContent()).toContain('Handing back to');
    await scenario.settle();
    expect((await scenario.record('Contacts', recordId)).Owner.id).toBe(org.repId);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.locator('#notes').textContent()).toContain('handed this back');
    await page.reload();
    await expect.poll(() => page.frameLocator('#widget').locator('body').textContent(), { timeout: 15_000 }).toContain('Handed back');
    await page.screenshot({ path: artifactPath('widget', '3-handed-back.png') });

    // The protocol as Zoho's SDK speaks it: REGISTER first, then CRM_EVENTs keyed Promise100+.
    type Logged = { eventName: string; promiseid?: string; data?: { category?: string } };
    const log = await page.evaluate(() => (globalThis as unknown as { hostLog: Logged[] }).hostLog);
    expect(log[0]!.eventName).toBe('REGISTER');
    expect(log.find((message) => message.eventName === 'ZDK_EVENT')!.promiseid).toBe('Promise100');
    expect(log.filter((message) => message.eventName === 'CRM_EVENT').map((message) => message.data!.category)).toEqual(expect.arrayContaining(['CONFIG', 'READ', 'UI']));
    await page.close();
  });

  it('stays live in the open page: an owner change in the CRM, a sent email, a reply and a handback each show within 2 s, no reload; Assign on a worked record shows the refusal', async () => {
    const recordId = await scenario.contact();
    const page = await openRecord(recordId);
    const widget = page.frameLocator('#widget');
    await expect.poll(() => widget.locator('body').textContent(), { timeout: 15_000 }).toContain('not working on this record');
    let loads = 0;
    page.on('framenavigated', (frame) => {
      if (frame.name() === 'widget' || frame.url().includes('/app/widget.html')) loads += 1;
    });

    // The owner is changed in the CRM page itself, not in the widget.
    await page.locator('#owner').selectOption(scenario.assistantUserId);
    await page.getByRole('button', { name: 'Change owner' }).click();
    await expect.poll(async () => (await scenario.record('Contacts', recordId)).Owner.id, { timeout: 5_000 }).toBe(scenario.assistantUserId);
    await scenario.settle();
    await within2s(page).toContain('Working this record');
    expect(await widget.locator('.badge').textContent()).toBe('Working');

    // The first email goes out.
    const before = backend.smtp.messages.length;
    for (let round = 0; round < 10 && backend.smtp.messages.length === before; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages).toHaveLength(before + 1);
    await within2s(page).toContain('1 of 4');
    await within2s(page).toContain('Sent an email');

    // The lead answers: read, logged, and the record handed back with the reason.
    await deliverReply(replyTo(backend.smtp.messages.at(-1)!, 'Sounds interesting. Could we talk on Thursday at 3pm?', { at: backend.sandbox.clock.now() }));
    await scenario.drain();
    await within2s(page).toContain('Reply received');
    await within2s(page).toContain('Handed back to');
    expect(await widget.locator('.badge').textContent()).toBe('Handed back');
    // The CRM page itself reloads its record only on Refresh (as Zoho's does): the notes and the owner.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.locator('#notes').textContent()).toContain('handed this back');
    await page.screenshot({ path: artifactPath('widget', '4-live-handed-back.png') });

    // Assigned again from the widget: the backend refuses (the assistant works a record once) and the widget says why.
    // Zoho takes a second over the owner change, long enough to see the widget say what it is doing.
    await backend.sandbox.admin('POST', '/sandbox/faults', { method: 'PUT', path: '/crm/v8/Contacts*', delay_ms: 1_000, count: 1 });
    await widget.getByRole('button', { name: 'Assign to Nova' }).click();
    await widget.getByText('Assigning to Nova…').waitFor({ timeout: 2_000 });
    expect(await widget.getByRole('button', { name: 'Assigning…' }).isDisabled()).toBe(true);
    await expect.poll(async () => (await scenario.record('Contacts', recordId)).Owner.id, { timeout: 5_000 }).toBe(scenario.assistantUserId);
    await scenario.settle();
    const alert = widget.locator('[role="alert"]');
    await expect.poll(async () => ((await alert.count()) > 0 ? await alert.first().textContent() : ''), { timeout: 5_000 }).toContain('Not assigned: Nova already worked this record');
    // The guard's owner change back goes out with the next flush.
    await expect
      .poll(async () => {
        await scenario.drain();
        return (await scenario.record('Contacts', recordId)).Owner.id;
      }, { timeout: 10_000 })
      .toBe(org.repId);
    await page.screenshot({ path: artifactPath('widget', '5-refused.png') });
    expect(loads).toBe(0);
    await page.close();
  }, 60_000);

  it('the CRM header leads to the settings tab and back to the records, keeping the signed-in user', async () => {
    const recordId = await scenario.contact({ First_Name: 'Lena', Last_Name: 'Weber' });
    const page = await openRecord(recordId);
    await page.getByRole('link', { name: 'Sales Assistant settings' }).click();
    await page.waitForURL(/\/ui\/[^/]+\/tab\?/);
    const tab = page.frameLocator('#widget');
    await expect.poll(() => tab.locator('section[aria-label="Connection"]').textContent(), { timeout: 15_000 }).toContain(`by ${org.zoho.admin.email}`);
    expect(new URL(page.frames()[1]!.url()).pathname).toBe('/app/settings.html');
    // The tab grows with its content (the host's resize), rather than scrolling inside a fixed frame.
    await expect.poll(async () => Number.parseInt(await page.locator('#widget').evaluate((frame) => (frame as unknown as { style: { height: string } }).style.height), 10), { timeout: 5_000 }).toBeGreaterThan(560);
    await page.getByRole('link', { name: 'Records' }).click();
    // The list view as Zoho's: name, email, owner and the assistant's status, filterable by owner.
    const contacts = page.getByRole('table', { name: 'Contacts' });
    expect(await contacts.locator('thead').textContent()).toBe('NameEmailOwner7Targets status');
    const lena = contacts.locator('tr', { hasText: 'Lena Weber' });
    expect(await lena.locator('td').nth(2).textContent()).toBe('Sam Sales');
    await page.getByLabel('Filter by owner').selectOption(scenario.assistantUserId);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Lena Weber' }).count()).toBe(0);
    await page.getByLabel('Filter by owner').selectOption(org.repId);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.screenshot({ path: artifactPath('widget', '0-crm-list.png') });
    await page.getByRole('link', { name: 'Lena Weber' }).click();
    await expect.poll(() => page.frameLocator('#widget').locator('body').textContent(), { timeout: 15_000 }).toContain('not working on this record');
    // The record page: titled by name, fields by label, notes with their line breaks.
    expect(await page.locator('h1').textContent()).toBe('Lena Weber Contact');
    await expect.poll(() => page.locator('#fields').textContent()).toContain('First NameLena');
    expect(await page.locator('#fields').textContent()).not.toContain('First_Name');
    await page.close();
  });
});
