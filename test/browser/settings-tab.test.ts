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

  it('sign-in never traps the page: closed, declined and non-admin each end with a message and a working page; then five admin actions and a reload ask nothing more', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const widgetUrl = encodeURIComponent(`${backend.url}/app/settings.html`);
    await page.goto(`${backend.sandbox.url}/ui/${org.zoho.org_id}/tab?user=${encodeURIComponent(org.zoho.admin.email)}&widget=${widgetUrl}`);
    const tab = page.frameLocator('#widget');
    const alert = tab.locator('[role="alert"]');
    const alertText = async () => ((await alert.count()) > 0 ? await alert.first().textContent() : '');
    const refresh = tab.getByRole('button', { name: 'Refresh' });
    await expect.poll(() => statusOf(page), { timeout: 15_000 }).not.toBeNull();
    let popups = 0;
    page.on('popup', () => (popups += 1));
    const signInWith = async (choose: (popup: Page) => Promise<void>) => {
      const opened = page.waitForEvent('popup', { timeout: 5_000 });
      await refresh.click();
      const popup = await opened;
      await popup.waitForLoadState();
      await choose(popup);
    };

    // 1. Closed before signing in.
    await signInWith((popup) => popup.close());
    await expect.poll(alertText, { timeout: 5_000 }).toBe('Not signed in: the sign-in window was closed before signing in. Nothing was changed.');
    expect(await refresh.isEnabled()).toBe(true);

    // 2. Declined at Zoho's consent screen.
    await signInWith(async (popup) => {
      await popup.locator(`input[type="radio"][value$="|${org.zoho.admin.email}"]`).check();
      await popup.getByRole('button', { name: 'Reject' }).click();
    });
    await expect.poll(alertText, { timeout: 5_000 }).toContain('Not signed in: Authorization was declined.');
    expect(await refresh.isEnabled()).toBe(true);

    // 3. Someone who is not an administrator.
    const rep = org.zoho.users.find((user) => user.profile !== 'Administrator')!;
    await signInWith(async (popup) => {
      await popup.locator(`input[type="radio"][value$="|${rep.email}"]`).check();
      await popup.getByRole('button', { name: 'Accept' }).click();
    });
    await expect.poll(alertText, { timeout: 5_000 }).toContain(`is not an administrator`);
    expect(await refresh.isEnabled()).toBe(true);
    expect(await tab.locator('body').textContent()).not.toContain('Signed in as');
    await page.screenshot({ path: artifactPath('settings', '5-sign-in-refused.png') });

    // 4. The administrator: signed in, and the action done.
    await signInWith(async (popup) => {
      await popup.locator(`input[type="radio"][value$="|${org.zoho.admin.email}"]`).check();
      await popup.getByRole('button', { name: 'Accept' }).click();
    });
    await expect.poll(() => tab.locator('body').textContent(), { timeout: 5_000 }).toContain(`Signed in as ${org.zoho.admin.email}`);
    await expect.poll(() => tab.locator('[role="status"]').last().textContent()).toBe('CRM Details refreshed from Zoho.');
    expect(popups).toBe(4);

    // 5. Five admin actions in a row, and a reload: no more sign-ins.
    for (let action = 0; action < 5; action += 1) {
      await refresh.click();
      await expect.poll(() => refresh.isEnabled()).toBe(true);
      expect(await alertText()).toBe('');
    }
    await page.reload();
    await expect.poll(() => page.frameLocator('#widget').locator('body').textContent(), { timeout: 15_000 }).toContain(`Signed in as ${org.zoho.admin.email}`);
    await page.frameLocator('#widget').getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => page.frameLocator('#widget').locator('[role="status"]').last().textContent(), { timeout: 5_000 }).toBe('CRM Details refreshed from Zoho.');
    expect(popups).toBe(4);
    await page.screenshot({ path: artifactPath('settings', '6-signed-in.png') });
    await page.close();
  }, 60_000);
});
