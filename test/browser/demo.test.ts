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
});
