import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, FrameLocator, Page } from 'playwright-core';
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

async function openSettings(): Promise<{ page: Page; tab: FrameLocator }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const widgetUrl = encodeURIComponent(`${backend.url}/app/settings.html`);
  await page.goto(`${backend.sandbox.url}/ui/${org.zoho.org_id}/tab?user=${encodeURIComponent(org.zoho.admin.email)}&widget=${widgetUrl}`);
  const tab = page.frameLocator('#widget');
  await expect.poll(() => tab.locator('section[aria-label="CRM Details"] tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  return { page, tab };
}

/** Signs the administrator in through the popup the first admin action opens. */
async function withSignIn(page: Page, act: () => Promise<void>): Promise<void> {
  const opened = page.waitForEvent('popup', { timeout: 5_000 });
  await act();
  const popup = await opened;
  await popup.locator(`input[type="radio"][value$="|${org.zoho.admin.email}"]`).check();
  await popup.getByRole('button', { name: 'Accept' }).click();
}

const statusText = (tab: FrameLocator) => tab.locator('main > [role="status"]').last().textContent();
const fieldError = (tab: FrameLocator, id: string) => tab.locator(`#${id}-error`).textContent();

describe('managing assistants and sequences in the settings tab, in chromium', () => {
  it('creates an assistant and a second sequence, edits every field of the assistant (seen in the API), and the widget assigns a record on the second sequence', async () => {
    const { page, tab } = await openSettings();
    const mailbox = `nova.${org.zoho.org_id}@assist.test`;
    await tab.locator('#assistant-name').fill('Nova');
    await tab.locator('#assistant-mailbox').fill(mailbox);
    await tab.locator('#assistant-context').fill('We cut energy bills for factories.');
    await withSignIn(page, () => tab.getByRole('button', { name: 'Create assistant' }).click());
    await expect.poll(() => statusText(tab), { timeout: 10_000 }).toContain('Assistant Nova created');
    await page.screenshot({ path: artifactPath('settings', '7-assistant-created.png'), fullPage: true });

    // A second sequence: two emails, the second in our own words, previewed before saving.
    await tab.locator('#sequence-name').fill('Quick');
    await tab.getByRole('button', { name: 'Remove email 4' }).click();
    await tab.getByRole('button', { name: 'Remove email 3' }).click();
    await tab.locator('#step-1-days').fill('2');
    await tab.locator('#step-1-mode').selectOption('custom');
    await tab.locator('#step-1-subject').fill('Still on for {{company}}?');
    await tab.locator('#step-1-body').fill('Hi {{first_name}}, one short follow-up on energy bills.');
    await tab.getByRole('button', { name: 'Preview email 2' }).click();
    const preview = tab.locator('[aria-label="Preview of email 2"]');
    await expect.poll(() => preview.textContent()).toContain('Subject: Still on for Morgan Industries?');
    expect(await preview.textContent()).toContain('Hi Alex, one short follow-up on energy bills.');
    expect(await preview.textContent()).toContain('To stop these emails, unsubscribe:');
    await tab.locator('section[aria-label="Sequences"]').screenshot({ path: artifactPath('settings', '8-sequence-preview.png') });
    await tab.getByRole('button', { name: 'Create sequence' }).click();
    await expect.poll(() => statusText(tab)).toContain('Sequence Quick created');
    expect(await tab.locator('li[data-sequence="Quick"]').textContent()).toContain('Quick: 2 emails over 2 days');

    // Edit every field of the assistant.
    await tab.getByRole('button', { name: 'Edit Nova' }).click();
    const edits: [string, string][] = [
      ['assistant-name', 'Nova Prime'],
      ['assistant-mailbox', mailbox],
      ['assistant-context', 'We cut energy bills for mid-sized factories by 18%.'],
      ['assistant-signature', 'Nova Prime\nEnergy desk, Acme'],
      ['assistant-start', '08:30'],
      ['assistant-end', '16:00'],
      ['assistant-zone', 'Europe/Lisbon'],
      ['assistant-cap', '120'],
      ['assistant-owner', org.repId],
      ['assistant-bounce', '2.5'],
      ['assistant-brochure', 'https://acme.test/energy.pdf'],
      ['assistant-nurture', 'Used by 40 plants in Europe\nISO 50001 certified'],
      ['assistant-address', 'Acme GmbH, Hafenstraße 1, 20457 Hamburg'],
    ];
    for (const [id, text] of edits) await tab.locator(`#${id}`).fill(text);
    await tab.locator('#assistant-sequence').selectOption({ label: 'Quick' });
    await tab.getByRole('group', { name: 'Off days' }).getByLabel('Sat').uncheck();
    await tab.getByRole('group', { name: 'Off days' }).getByLabel('Fri').check();
    await tab.getByRole('button', { name: 'Save assistant' }).click();
    await expect.poll(() => statusText(tab)).toBe('Assistant Nova Prime saved.');
    await tab.locator('section[aria-label="Assistants"]').screenshot({ path: artifactPath('settings', '9-assistants.png') });

    const sequences = (await org.api('GET', '/sequences')).body.sequences as { id: string; name: string }[];
    const quick = sequences.find((sequence) => sequence.name === 'Quick')!;
    const [saved] = (await org.api('GET', '/assistants')).body.assistants;
    expect(saved).toMatchObject({
      name: 'Nova Prime',
      mailbox_email: mailbox,
      default_context: 'We cut energy bills for mid-sized factories by 18%.',
      signature: 'Nova Prime\nEnergy desk, Acme',
      default_sequence_id: quick.id,
      time_zone: 'Europe/Lisbon',
      business_hours: { start: '08:30', end: '16:00' },
      daily_cap: 120,
      default_owner_id: org.repId,
      nurture_lines: ['Used by 40 plants in Europe', 'ISO 50001 certified'],
      postal_address: 'Acme GmbH, Hafenstraße 1, 20457 Hamburg',
      brochure_url: 'https://acme.test/energy.pdf',
      bounce_threshold: 0.025,
    });
    expect([...saved.off_days].sort()).toEqual(['fri', 'sun']);

    // The widget on a record assigns it on the second sequence.
    await backend.sandbox.admin('POST', `/sandbox/orgs/${org.zoho.org_id}/users`, { first_name: 'Nova', last_name: 'Prime', email: mailbox });
    const token = (await backend.sandbox.token(org.zoho)).access_token;
    const created = await backend.sandbox.crm(token, 'POST', '/Contacts', { data: [{ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane@prospect.test', Owner: { id: org.repId } }] }, org.zoho.api_domain);
    const recordId = created.body.data[0].details.id as string;
    const record = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await record.goto(`${backend.sandbox.url}/ui/${org.zoho.org_id}/Contacts/${recordId}?user=${encodeURIComponent(org.zoho.admin.email)}&widget=${encodeURIComponent(`${backend.url}/app/widget.html`)}`);
    const widget = record.frameLocator('#widget');
    await expect.poll(() => widget.locator('body').textContent(), { timeout: 15_000 }).toContain('Assign to Nova Prime');
    await widget.getByLabel('Sequence').selectOption({ label: 'Quick (2 emails)' });
    await widget.getByRole('button', { name: 'Assign to Nova Prime' }).click();
    await backend.sandbox.sandbox.deps.notifier.idle();
    await backend.deps.engine.runUntilIdle();
    await expect.poll(() => widget.locator('body').textContent(), { timeout: 10_000 }).toContain('Quick');
    const lead = (await org.api('GET', `/leads/by-record/Contacts/${recordId}`)).body;
    expect(lead).toMatchObject({ status: 'active', sequence: { id: quick.id, name: 'Quick' }, step: { total: 2 } });
    // The settings tab's send plan now lists her second email (the first went at once), from the new assistant.
    const plan = tab.locator('section[aria-label="Send plan"]');
    await plan.getByRole('button', { name: 'Update plan' }).click();
    await expect.poll(() => plan.textContent(), { timeout: 10_000 }).toContain('Jane Doe');
    expect(await plan.textContent()).toContain('2 of 2, from Nova Prime');
    expect(await plan.textContent()).not.toContain('1 of 2');
    await plan.screenshot({ path: artifactPath('settings', '11-send-plan.png') });
    await record.close();
    await page.close();
  }, 90_000);

  it('five invalid inputs each show their message next to their field, and nothing changes', async () => {
    const made = await org.api('POST', '/assistants', { name: 'Vera', mailbox_email: `vera.${org.zoho.org_id}@assist.test`, default_context: 'We service compressors.' });
    expect(made.status).toBe(201);
    const before = (await org.api('GET', '/assistants')).body.assistants;
    const sequencesBefore = (await org.api('GET', '/sequences')).body.sequences;
    const { page, tab } = await openSettings();
    await tab.getByRole('button', { name: 'Edit Vera' }).click();
    await tab.locator('#assistant-name').fill('   ');
    await tab.locator('#assistant-mailbox').fill('nova at acme');
    await tab.locator('#assistant-cap').fill('5000');
    await tab.locator('#assistant-brochure').fill('ftp://acme.test/brochure');
    await tab.locator('#assistant-zone').fill('Mars/Olympus');
    await withSignIn(page, () => tab.getByRole('button', { name: 'Save assistant' }).click());
    await expect.poll(() => fieldError(tab, 'assistant-name'), { timeout: 10_000 }).toBe('Give the assistant a name.');
    expect(await fieldError(tab, 'assistant-mailbox')).toBe('Enter the mailbox as an email address, such as nova@yourcompany.com.');
    expect(await fieldError(tab, 'assistant-cap')).toBe('The daily limit is a whole number, 1–2,000.');
    expect(await fieldError(tab, 'assistant-brochure')).toBe('Enter a web address starting with https://.');
    expect(await fieldError(tab, 'assistant-zone')).toBe('Choose a time zone such as Europe/Berlin.');
    expect(await tab.locator('#assistant-cap').getAttribute('aria-invalid')).toBe('true');
    expect(await tab.locator('form[aria-label^="Edit"] > [role="alert"]').textContent()).toBe('Not saved: see the fields marked below.');
    // Each message sits right under its own input.
    const capBox = await tab.locator('#assistant-cap').boundingBox();
    const capError = await tab.locator('#assistant-cap-error').boundingBox();
    expect(capError!.y - (capBox!.y + capBox!.height)).toBeLessThan(40);
    await tab.locator('section[aria-label="Assistants"]').screenshot({ path: artifactPath('settings', '10-field-errors.png') });

    // A sequence whose emails would all go at once, and a day past a year.
    await tab.locator('#sequence-name').fill('All at once');
    for (const index of [1, 2, 3]) await tab.locator(`#step-${index}-days`).fill('0');
    await tab.getByRole('button', { name: 'Create sequence' }).click();
    await expect.poll(() => fieldError(tab, 'step-1-days')).toContain('all of them would go out at once');
    await tab.locator('#step-2-days').fill('400');
    await tab.getByRole('button', { name: 'Create sequence' }).click();
    await expect.poll(() => fieldError(tab, 'step-2-days')).toBe('Days between emails must be 0–365.');

    expect((await org.api('GET', '/assistants')).body.assistants).toEqual(before);
    expect((await org.api('GET', '/sequences')).body.sequences).toEqual(sequencesBefore);
    await page.close();
  }, 60_000);

  it('screenshots of each settings section', async () => {
    const { page, tab } = await openSettings();
    for (const section of ['Connection', 'CRM Details', 'Assistants', 'Sequences', 'Send plan', 'Replies', 'Connector', 'Health']) {
      const located = tab.locator(`section[aria-label="${section}"]`);
      await expect.poll(() => located.count(), { timeout: 10_000 }).toBe(1);
      await located.screenshot({ path: artifactPath('settings', `section-${section.toLowerCase().replace(/\s+/g, '-')}.png`) });
    }
    await page.close();
  }, 60_000);
});
