import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactPath, launchChromium } from '../helpers/browser.js';

const ROOT = resolve(import.meta.dirname, '../..');
let child: ChildProcess | undefined;
let browser: Browser;
let dataDir: string;
let output = '';

/** Runs `npm start`'s entry as a new user would (no Zoho client configured), on free ports. */
function startDemo(extraArgs: string[] = []): Promise<string> {
  output = '';
  child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', ...extraArgs], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, PORT: '0', SANDBOX_PORT: '0', DEMO_MAIL_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((done, fail) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /Open the CRM: (\S+)/.exec(output)?.[1];
      if (url) done(url);
    };
    child!.stdout!.on('data', read);
    child!.stderr!.on('data', read);
    child!.once('exit', (code) => fail(new Error(`the demo exited (${String(code)}) before printing the CRM URL:\n${output}`)));
  });
}

async function stopDemo(): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child!.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'demo-'));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stopDemo();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * Reloads until `check` holds: the demo runs in its own process (a day a minute), so the pages are
 * polled for the state it reaches, as a person would press reload.
 */
async function reloadUntil(page: Page, check: () => Promise<boolean>, what: string): Promise<void> {
  let first = true;
  await expect
    .poll(
      async () => {
        if (!first) await page.reload();
        first = false;
        return check().catch(() => false);
      },
      { message: `never saw ${what}`, timeout: 60_000, interval: 500 },
    )
    .toBe(true);
}

describe('npm start: the demo, end to end in chromium', () => {
  it('assign a Contact in the CRM → the widget shows the lead → the first email in the mail view → reply as the lead → handed back with a note', async () => {
    const crmUrl = await startDemo();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(crmUrl);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Brightline Manufacturing (demo)');
    const mailUrl = await page.getByRole('link', { name: 'Mail (demo)' }).getAttribute('href');
    await page.screenshot({ path: artifactPath('demo', '1-crm.png') });

    // A Contact owned by a sales rep: assign it to Nova from the record page, as a salesperson would.
    await page.getByRole('link', { name: 'Jane Doe' }).click();
    const owner = page.getByLabel('Owner');
    await expect.poll(() => owner.locator('option:checked').textContent(), { timeout: 15_000 }).toBe('Sam Rivera');
    await owner.selectOption({ label: 'Nova Assistant' });
    await page.getByRole('button', { name: 'Change owner' }).click();
    await expect.poll(() => owner.locator('option:checked').textContent()).toBe('Nova Assistant');

    // The widget on the record shows the assistant at work.
    const widget = page.frameLocator('#widget');
    let seen = '';
    await reloadUntil(page, async () => (seen = (await widget.locator('body').textContent({ timeout: 10_000 })) ?? '').includes('Working this record'), 'the widget showing the lead').catch((error: unknown) => {
      throw new Error(`${String(error)}\nwidget: ${seen.replace(/\s+/g, ' ').slice(0, 500)}\ndemo output:\n${output.slice(-3000)}`);
    });
    await page.screenshot({ path: artifactPath('demo', '2-widget-working.png') });

    // The first email, in the mail view.
    const mail = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await mail.goto(mailUrl!);
    const thread = mail.getByRole('region', { name: /^Thread with jane\.doe@/ });
    await reloadUntil(mail, async () => (await thread.count()) > 0 && ((await thread.textContent()) ?? '').includes('Nova → jane.doe@'), 'the first email in the mail view');
    expect(await thread.textContent()).toContain('Brightline helps mid-size manufacturers cut energy costs');
    await mail.screenshot({ path: artifactPath('demo', '3-mail-view.png') });

    // The mail view updates itself and keeps a reply being typed: start one, assign another record, wait with no reload.
    const draft = thread.getByLabel(/^Reply as jane\.doe@/);
    await draft.fill('Half-written reply');
    await page.bringToFront();
    await page.goto(crmUrl);
    await page.getByRole('link', { name: 'Grace Kim' }).click();
    await expect.poll(() => owner.locator('option:checked').textContent(), { timeout: 15_000 }).toBe('Priya Shah');
    await owner.selectOption({ label: 'Nova Assistant' });
    await page.getByRole('button', { name: 'Change owner' }).click();
    await mail.bringToFront();
    await expect.poll(() => mail.getByRole('region', { name: /^Thread with grace\.kim@/ }).count(), { message: 'the new thread without a reload', timeout: 30_000 }).toBe(1);
    expect(await draft.inputValue()).toBe('Half-written reply');
    await page.goto(crmUrl);
    await page.getByRole('link', { name: 'Jane Doe' }).click();

    // Reply as the lead.
    await thread.getByLabel(/^Reply as jane\.doe@/).fill('Sounds good. Thursday at 2pm works for me, send an invite.');
    await thread.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => thread.textContent()).toContain('jane.doe@');
    expect(await thread.textContent()).toContain('Thursday at 2pm works for me');

    // The record goes back to its previous owner, with the assistant's note.
    await page.bringToFront();
    await reloadUntil(page, async () => (await owner.locator('option:checked').textContent()) === 'Sam Rivera', 'the record handed back to Sam Rivera');
    const notes = page.locator('#notes');
    await expect.poll(() => notes.textContent(), { timeout: 15_000 }).toContain('Nova handed this back');
    expect(await notes.textContent()).toContain('Last understood as AgreedToMeet');
    expect(await notes.textContent()).toContain('Reply received');
    await reloadUntil(page, async () => ((await widget.locator('body').textContent({ timeout: 10_000 })) ?? '').includes('Agreed to meet'), 'the widget showing the reply');
    await page.screenshot({ path: artifactPath('demo', '4-handed-back.png'), fullPage: true });

    // State survives a restart: the same org, the lead still handed back, nothing provisioned twice.
    await stopDemo();
    const again = await startDemo();
    expect(again.replace(/:\d+\//, ':PORT/')).toBe(crmUrl.replace(/:\d+\//, ':PORT/'));
    await page.goto(again);
    await expect.poll(() => page.getByRole('link', { name: 'Jane Doe' }).count()).toBe(1);
  }, 240_000);

  it("the README's example replies do what it says, and a correction in the widget lifts a misread opt-out for good", async () => {
    await stopDemo();
    rmSync(dataDir, { recursive: true, force: true });
    dataDir = mkdtempSync(join(tmpdir(), 'demo-'));
    const crmUrl = await startDemo();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const mail = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await page.goto(crmUrl);
    const mailUrl = (await page.getByRole('link', { name: 'Mail (demo)' }).getAttribute('href'))!;
    const widget = page.frameLocator('#widget');
    const notes = page.locator('#notes');
    const field = (name: string) => page.locator(`#fields td[data-field="${name}"]`);

    /** Assign a Contact to Nova, wait for the first email, reply as the lead, and wait for the assistant to act. */
    const replyAs = async (name: string, email: string, text: string, until: string) => {
      await page.goto(crmUrl);
      await page.getByRole('link', { name }).first().click();
      const owner = page.getByLabel('Owner');
      await expect.poll(() => owner.locator('option:checked').textContent(), { timeout: 15_000 }).not.toBe('Nova Assistant');
      await owner.selectOption({ label: 'Nova Assistant' });
      await page.getByRole('button', { name: 'Change owner' }).click();
      await mail.goto(mailUrl);
      const thread = mail.getByRole('region', { name: `Thread with ${email}` });
      await reloadUntil(mail, async () => (await thread.count()) > 0, `the first email to ${email}`);
      await thread.getByLabel(`Reply as ${email}`).fill(text);
      await thread.getByRole('button', { name: 'Send reply' }).click();
      await page.bringToFront();
      await reloadUntil(page, async () => ((await notes.textContent()) ?? '').includes(until), `"${until}" on ${name}`);
    };

    // "please remove me": suppressed and Email_Opt_Out set in Zoho.
    await replyAs('Olivia Grant', 'olivia.grant@harborview-textiles.example', 'please remove me', 'Nova handed this back');
    await reloadUntil(page, async () => (await field('Email_Opt_Out').textContent()) === 'true', 'Email_Opt_Out set for Olivia Grant');
    expect(await notes.textContent()).toContain('Understood as: Unsubscribed');

    // A one-line referral: Maria Lopez becomes a Contact in Zoho.
    await replyAs('Martin Hale', 'martin.hale@pennine-glass.example', 'Not me, talk to Maria Lopez, maria.lopez@pennine-glass.example', 'Nova handed this back');
    expect(await notes.textContent()).toContain('Referred to: Maria Lopez <maria.lopez@pennine-glass.example>');
    await page.goto(crmUrl);
    await reloadUntil(page, async () => (await page.getByRole('link', { name: 'Maria Lopez' }).count()) === 1, 'the referred Contact Maria Lopez in the CRM');

    // A meeting proposal: handed back as Hot with the time.
    await replyAs('Carlos Mendes', 'carlos.mendes@porto-real-ceramics.example', "Yes, we'd like to see a demo. Could we meet next Tuesday at 11am?", 'Nova handed this back');
    expect(await notes.textContent()).toMatch(/Proposed meeting time: Tuesday 11:00 \(\d{4}-\d{2}-\d{2}\)/);
    await reloadUntil(page, async () => ((await page.locator('#fields').textContent()) ?? '').includes('Hot'), 'Carlos Mendes as Hot');
    await page.screenshot({ path: artifactPath('demo', '5-meeting-hot.png'), fullPage: true });

    // A misread: "take me off this email chain" read as an opt-out. The salesperson corrects it in the widget.
    await replyAs('Hannah Weber', 'hannah.weber@weber-metallbau.example', "Please take me off this email chain, I've forwarded it to our CFO Dana Reyes.", 'Nova handed this back');
    await reloadUntil(page, async () => (await field('Email_Opt_Out').textContent()) === 'true', 'the misread opt-out for Hannah Weber');
    await widget.getByLabel('This was').selectOption({ label: 'Referred someone' });
    await widget.getByRole('button', { name: 'Correct' }).click();
    await expect.poll(() => widget.getByRole('status').textContent(), { timeout: 15_000 }).toContain('Corrected to Referred someone');
    expect(await widget.getByRole('status').textContent()).toContain('lifted the suppression');
    await reloadUntil(page, async () => (await field('Email_Opt_Out').textContent()) === 'false' && ((await notes.textContent()) ?? '').includes('Reply reading corrected: ReferredSomeone'), 'the opt-out lifted in Zoho');
    await reloadUntil(page, async () => ((await widget.getByRole('region', { name: 'Last reply' }).textContent({ timeout: 10_000 })) ?? '').includes('Corrected to Referred someone'), 'the widget showing the corrected reading');
    expect(await widget.locator('body').textContent()).toContain('A person corrected the reading');
    await page.screenshot({ path: artifactPath('demo', '6-corrected.png'), fullPage: true });

    // Another lead of the same org writes much the same: read the corrected way, not suppressed.
    await replyAs('Sophie Dubois', 'sophie.dubois@plastiques-du-rhone.example', "Please take me off this email chain, I've forwarded it to our COO Luc Bernard.", 'Nova handed this back');
    expect(await notes.textContent()).toContain('Understood as: ReferredSomeone');
    // Never set: the sandbox shows no Email_Opt_Out row for a record that has none.
    const optOut = field('Email_Opt_Out');
    expect((await optOut.count()) === 0 ? 'unset' : await optOut.textContent()).not.toBe('true');
  }, 240_000);
});
