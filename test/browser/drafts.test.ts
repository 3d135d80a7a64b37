import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TestBackend } from '../helpers/backend-harness.js';
import { artifactPath, launchChromium } from '../helpers/browser.js';
import type { ConnectedOrg } from '../helpers/connected-org.js';
import { type Scenario, startWithAssistant } from '../helpers/engine-scenario.js';
import { parseMail } from '../helpers/smtp-sink.js';

/**
 * Drafts for approval in a real browser: an assistant set to "approve every email". The record
 * widget shows the lead's draft; the edit made there is what the SMTP server receives. The settings
 * tab's Drafts list opens a draft, shows a refused edit next to its field, and skips it: never sent.
 */

let backend: TestBackend;
let org: ConnectedOrg;
let scenario: Scenario;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  ({ backend, org, scenario } = await startWithAssistant({ assistant: { approval: 'every', time_zone: 'UTC', business_hours: { start: '00:00', end: '23:59' }, off_days: [] } }));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
});

interface DraftJson {
  id: number;
  leadId: string;
  step: number;
  subject: string;
  text: string;
}

/** Assigns a new contact to the assistant and runs the engine until its first draft waits. */
async function draftFor(fields: Record<string, unknown>): Promise<{ recordId: string; draft: DraftJson }> {
  const recordId = await scenario.contact(fields);
  await scenario.assign('Contacts', recordId, scenario.assistantUserId);
  await scenario.settle();
  for (let round = 0; round < 10; round += 1) {
    const lead = await scenario.leadOf(recordId);
    const drafts = ((await org.api('GET', '/drafts')).body.drafts as DraftJson[]).filter((draft) => draft.leadId === lead?.id);
    if (drafts[0]) return { recordId, draft: drafts[0] };
    await scenario.advanceToNextWork();
  }
  throw new Error('no draft was written');
}

async function open(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${backend.sandbox.url}/ui/${org.zoho.org_id}/${path}`);
  return page;
}

describe('drafts for approval, in chromium', () => {
  it('the record widget shows the draft; the edited email is exactly what SMTP receives; nothing before approval', async () => {
    const { recordId, draft } = await draftFor({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane.doe@initech.test' });
    const sentBefore = backend.smtp.messages.length;
    const widgetUrl = encodeURIComponent(`${backend.url}/app/widget.html`);
    const page = await open(`Contacts/${recordId}?user=${encodeURIComponent(org.zoho.admin.email)}&widget=${widgetUrl}`);
    const widget = page.frameLocator('#widget');
    const section = widget.locator('section[aria-label="Draft for approval"]');
    await expect.poll(() => section.textContent(), { timeout: 15_000 }).toContain('Email 1 of 4 to jane.doe@initech.test');
    expect(await widget.locator('body').textContent()).toContain('Waiting for approval');
    expect(await section.getByLabel('Subject').inputValue()).toBe(draft.subject);
    expect(await section.getByLabel('Email').inputValue()).toBe(draft.text);
    await page.screenshot({ path: artifactPath('widget', '6-draft-for-approval.png') });
    // Nothing went out while it waited (the next work due is the draft's expiry, days away).
    await scenario.drain();
    expect(backend.smtp.messages.length).toBe(sentBefore);

    const subject = 'Jane, a question about Initech';
    const text = draft.text.replace(/^Hi Jane,/, 'Hi Jane,\n\nI wrote this line myself in the widget.');
    await section.getByLabel('Subject').fill(subject);
    await section.getByLabel('Email').fill(text);
    await section.getByRole('button', { name: 'Approve edited email' }).click();
    await expect.poll(() => widget.locator('body').textContent(), { timeout: 5_000 }).toContain('Email 1 approved with your edits.');
    await expect.poll(() => section.count(), { timeout: 5_000 }).toBe(0);

    for (let round = 0; round < 5 && backend.smtp.messages.length === sentBefore; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages.length).toBe(sentBefore + 1);
    const mail = backend.smtp.messages.at(-1)!;
    expect(mail.to).toEqual(['jane.doe@initech.test']);
    expect(mail.headers.subject).toBe(subject);
    const body = parseMail(mail.raw).body.replace(/\r\n/g, '\n');
    expect(body).toContain('I wrote this line myself in the widget.');
    // The approval is a note on the record, naming the user the CRM page signed in.
    await scenario.drain();
    const titles = (await scenario.notes('Contacts', recordId)).map((note) => String(note.Note_Title));
    const approval = titles.find((title) => title.startsWith('Email 1 of 4 approved by '));
    expect(approval).toBeDefined();
    expect(approval).not.toBe('Email 1 of 4 approved by a Zoho user');
    await page.close();
  }, 60_000);

  it('the settings tab lists drafts; a refused edit shows next to its field; Skip means never sent', async () => {
    const { recordId, draft } = await draftFor({ First_Name: 'Carlos', Last_Name: 'Silva', Email: 'carlos@portoreal.test', Mailing_Country: 'Portugal' });
    const sentBefore = backend.smtp.messages.length;
    const settingsUrl = encodeURIComponent(`${backend.url}/app/settings.html`);
    const page = await open(`tab?user=${encodeURIComponent(org.zoho.admin.email)}&widget=${settingsUrl}`);
    const tab = page.frameLocator('#widget');
    const list = tab.locator('section[aria-label="Drafts"]');
    await expect.poll(() => list.locator('tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const row = list.locator('tr', { hasText: 'Carlos Silva' });
    expect(await row.textContent()).toContain(draft.subject);
    await row.getByRole('button', { name: 'Review the draft to Carlos Silva' }).click();
    const editor = list.locator('section[aria-label="Draft to Carlos Silva"]');
    expect(await editor.getByLabel('Email').inputValue()).toBe(draft.text);
    await page.screenshot({ path: artifactPath('settings', '12-drafts.png'), fullPage: true });

    // An empty subject is refused by the server and shown next to the field; nothing is sent.
    await editor.getByLabel('Subject').fill('');
    await editor.getByRole('button', { name: 'Approve edited email' }).click();
    await expect.poll(() => editor.textContent(), { timeout: 5_000 }).toContain('Write a subject.');
    expect(await editor.locator(`#draft-${draft.id}-subject-error`).textContent()).toBe('Write a subject.');
    expect(await editor.getByLabel('Subject').getAttribute('aria-invalid')).toBe('true');

    await editor.getByRole('button', { name: 'Skip this email' }).click();
    await expect.poll(() => list.textContent(), { timeout: 5_000 }).toContain('Email 1 skipped: it will not be sent.');
    await expect.poll(() => list.locator('tr', { hasText: 'Carlos Silva' }).count()).toBe(0);
    for (let round = 0; round < 3; round += 1) await scenario.advanceToNextWork();
    expect(backend.smtp.messages.slice(sentBefore).some((mail) => mail.headers.subject === draft.subject)).toBe(false);
    const lead = (await scenario.leadOf(recordId))!;
    expect(lead.next_step).toBeGreaterThanOrEqual(1);
    await scenario.drain();
    const titles = (await scenario.notes('Contacts', recordId)).map((note) => String(note.Note_Title));
    expect(titles).toContain('Email 1 of 4 skipped by a Zoho user');
    await page.close();
  }, 60_000);
});
