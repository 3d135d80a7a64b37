import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { type TestBackend, startTestBackend } from '../helpers/backend-harness.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import { type ConnectedOrg, connectOrg } from '../helpers/connected-org.js';

let backend: TestBackend;
let org: ConnectedOrg;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  backend = await startTestBackend();
  org = await connectOrg(backend);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
});

const statusOf = (page: Page) => page.frameLocator('#widget').locator('tbody tr').first().getAttribute('data-status');

describe('the settings tab inside the sandbox CRM, in chromium', () => {
  it('shows each CRM Details status in its situation, and Refresh updates it', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const widgetUrl = encodeURIComponent(`${backend.url}/app/settings.html`);
    await page.goto(`${backend.sandbox.url}/ui/${org.zoho.org_id}/tab?user=${encodeURIComponent(org.zoho.admin.email)}&widget=${widgetUrl}`);
    const tab = page.frameLocator('#widget');

    // 1. Connected, no assistant yet.
    await expect.poll(() => statusOf(page), { timeout: 15_000 }).toBe('ASSISTANT_NOT_YET_CREATED');
    await expect.poll(() => tab.locator('section[aria-label="Connection"]').textContent()).toContain(`by ${org.zoho.admin.email}`);
    await page.screenshot({ path: artifactPath('settings', '1-not-yet-created.png') });

    // 2. Create an assistant whose mailbox is no Zoho user: the admin signs in through a popup first.
    const mailbox = `nova.${org.zoho.org_id}@assist.test`;
    await tab.getByLabel('Name', { exact: true }).fill('Nova');
    await tab.getByLabel(/Mailbox email/).fill(mailbox);
    await tab.getByLabel('Default context').fill('We cut energy bills for factories.');
    const popupOpened = page.waitForEvent('popup');
    await tab.getByRole('button', { name: 'Create assistant' }).click();
    const popup = await popupOpened;
    await popup.locator(`input[type="radio"][value$="|${org.zoho.admin.email}"]`).check();
    await popup.getByRole('button', { name: 'Accept' }).click();
    await expect.poll(() => statusOf(page), { timeout: 15_000 }).toBe('ASSISTANT_DOES_NOT_EXISTS_AS_USER_IN_CRM');
    expect(await tab.locator('tbody tr').first().textContent()).toContain("Add a Zoho CRM user with the assistant's email address");
    await page.screenshot({ path: artifactPath('settings', '2-not-a-zoho-user.png') });

    // 3. The Zoho user appears; Refresh says the assistant is ready.
    const user = await backend.sandbox.admin<{ id: string }>('POST', `/sandbox/orgs/${org.zoho.org_id}/users`, { first_name: 'Nova', last_name: 'Assistant', email: mailbox });
    await tab.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => statusOf(page)).toBe('ASSISTANT_EXISTS_AS_USER_IN_CRM');
    await page.screenshot({ path: artifactPath('settings', '3-ready.png') });

    // 4. A record assigned to it: all working well, with the record counted.
    const token = (await backend.sandbox.token(org.zoho)).access_token;
    const created = await backend.sandbox.crm(token, 'POST', '/Contacts', { data: [{ Last_Name: 'Doe', Email: 'jane@prospect.test', Owner: { id: user.body.id } }] }, org.zoho.api_domain);
    expect(created.status).toBe(201);
    // Zoho tells the backend, and the engine takes the record in: a lead of our own, counted.
    await backend.sandbox.sandbox.deps.notifier.idle();
    await backend.deps.engine.runUntilIdle();
    await tab.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => statusOf(page)).toBe('ALL_WORKING_WELL');
    expect(await tab.locator('tbody tr').first().locator('td').last().textContent()).toBe('1 now, 1 in total');
    await page.screenshot({ path: artifactPath('settings', '4-all-working-well.png') });

    // The session stayed in the page: nothing about it in the tab's storage or URL.
    expect(page.frames()[1]!.url()).not.toContain('session');
    await page.close();
  });
});
