import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPLY_INTENTS } from '../../server/src/domain/reply-intents.js';
import { type Classification, classify } from '../../server/src/replies/classifier.js';
import { parseMessage } from '../../server/src/replies/message.js';
import { replyText } from '../../server/src/replies/reply-text.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'replies');

interface Label {
  intent: string;
  date?: string;
  referral?: { name: string; email?: string };
  recipient?: string;
  hard?: boolean;
}

interface Case {
  file: string;
  label: Label;
  got: Classification;
}

async function corpus(): Promise<Case[]> {
  const cases: Case[] = [];
  for (const set of readdirSync(ROOT).sort()) {
    const labels = JSON.parse(readFileSync(join(ROOT, set, 'labels.json'), 'utf8')) as Record<string, Label>;
    for (const [file, label] of Object.entries(labels)) {
      const message = await parseMessage(readFileSync(join(ROOT, set, file)));
      cases.push({ file: `${set}/${file}`, label, got: classify(message, { ourAddresses: ['nova@acme-energy.test'] }) });
    }
  }
  return cases;
}

const raw = (body: string, headers: Record<string, string> = {}) =>
  [
    'From: Jane Doe <jane@prospect.test>',
    'To: Nova <nova@acme-energy.test>',
    'Subject: Re: A quick question for Brightline',
    'Date: Tue, 17 Nov 2026 10:00:00 +0000',
    'Message-ID: <r1@prospect.test>',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    body,
    '',
  ].join('\r\n');

describe('the reply classifier on the labelled corpus', () => {
  it('reads at least 90% of the replies right overall and at least 75% within every intent', async () => {
    const cases = await corpus();
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const right = cases.filter((entry) => entry.got.intent === entry.label.intent);
    const misread = cases.filter((entry) => entry.got.intent !== entry.label.intent).map((entry) => `${entry.file}: ${entry.label.intent} read as ${entry.got.intent}`);
    expect(right.length / cases.length, misread.join('\n')).toBeGreaterThanOrEqual(0.9);
    for (const intent of REPLY_INTENTS) {
      const ofIntent = cases.filter((entry) => entry.label.intent === intent);
      expect(ofIntent.length, intent).toBeGreaterThanOrEqual(4);
      expect(ofIntent.filter((entry) => entry.got.intent === intent).length / ofIntent.length, intent).toBeGreaterThanOrEqual(0.75);
    }
    // Every language of the corpus is represented.
    expect(new Set(cases.map((entry) => entry.file.split('/')[1]!.split('-')[1]))).toEqual(new Set(['en', 'es', 'fr', 'de', 'pt']));
  });

  it('finds the return date and the "later" date the labels give', async () => {
    const dated = (await corpus()).filter((entry) => entry.label.date && entry.got.intent === entry.label.intent);
    expect(dated.length).toBeGreaterThanOrEqual(20);
    const wrong = dated.filter((entry) => entry.got.date !== entry.label.date).map((entry) => `${entry.file}: ${entry.label.date} read as ${entry.got.date}`);
    expect(wrong.length / dated.length, wrong.join('\n')).toBeLessThanOrEqual(0.1);
  });

  it('names the referred person and address (never the sender from the signature)', async () => {
    const referrals = (await corpus()).filter((entry) => entry.label.referral?.email && entry.got.intent === entry.label.intent);
    expect(referrals.length).toBeGreaterThanOrEqual(10);
    for (const entry of referrals) expect(entry.got.referral?.email, entry.file).toBe(entry.label.referral!.email!.toLowerCase());
    const named = referrals.filter((entry) => entry.got.referral?.name === entry.label.referral!.name).length;
    expect(named / referrals.length).toBeGreaterThanOrEqual(0.8);
  });

  it("reads each bounce's failed recipient and whether it is permanent", async () => {
    const bounces = (await corpus()).filter((entry) => entry.label.intent === 'Bounce');
    for (const entry of bounces) {
      expect(entry.got.bounce?.recipient, entry.file).toBe(entry.label.recipient?.toLowerCase());
      expect(entry.got.bounce?.hard, entry.file).toBe(entry.label.hard);
    }
  });
});

describe('the reply classifier on its own', () => {
  it('ignores our own quoted email: "thanks" above a footer that says unsubscribe is not an unsubscribe', async () => {
    const message = await parseMessage(raw('Thanks!\r\n\r\nOn Mon, Nov 16, 2026 at 9:00 AM Nova <nova@acme-energy.test> wrote:\r\n> Would it be worth a short call?\r\n> --\r\n> To stop these emails, unsubscribe: https://x.test/unsubscribe/abc'));
    expect(replyText(message.text)).toBe('Thanks!');
    expect(classify(message)).toMatchObject({ intent: 'Unclassified', excerpt: 'Thanks!' });
  });

  it('gives the reason behind each result and a confidence', async () => {
    const result = classify(await parseMessage(raw('Please remove me from your mailing list.')));
    expect(result).toMatchObject({ intent: 'Unsubscribed', language: 'en' });
    expect(result.reason).toMatch(/^phrase "remove me from your mailing list"/);
    expect(result.confidence).toBeGreaterThanOrEqual(0.9);
  });

  it('taught phrases win over the built-in rules when they match exactly', async () => {
    const message = await parseMessage(raw('Let me loop in our energy desk and we will see. We already have a supplier.'));
    expect(classify(message).intent).toBe('Deactivated');
    const taught = classify(message, { taught: [{ phrase: 'loop in our energy desk', intent: 'InterestedToProceed' }] });
    expect(taught).toMatchObject({ intent: 'InterestedToProceed', confidence: 0.95, reason: 'taught phrase "loop in our energy desk"' });
    // Words of the phrase scattered in the text are a weak match: the built-in rules keep precedence.
    const scattered = classify(message, { taught: [{ phrase: 'supplier energy desk', intent: 'InterestedToProceed' }] });
    expect(scattered.intent).toBe('Deactivated');
  });

  it('reads the message Date for relative dates, and an absence without a date has none', async () => {
    const later = classify(await parseMessage(raw('Not a good time. Please contact me again in two weeks.')));
    expect(later).toMatchObject({ intent: 'ConnectLater', date: '2026-12-01' });
    const away = classify(await parseMessage(raw('I am currently out of the office with limited access to email.', { 'Auto-Submitted': 'auto-replied' })));
    expect(away.intent).toBe('OutOfOffice');
    expect(away.date).toBeUndefined();
  });

  it('npm run classify prints one JSON line per message with file, intent, confidence, reason and date', async () => {
    const folder = join(ROOT, 'set-a');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'server', 'src', 'replies', 'cli.ts'), folder], { maxBuffer: 10_000_000 });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(readdirSync(folder).filter((file) => file.endsWith('.eml')).length);
    for (const line of lines) {
      expect(Object.keys(line).filter((key) => key !== 'date')).toEqual(['file', 'intent', 'confidence', 'reason']);
      if (line.date !== undefined) expect(['OutOfOffice', 'ConnectLater']).toContain(line.intent);
    }
    expect(lines.some((line) => typeof line.date === 'string')).toBe(true);
  });
});
