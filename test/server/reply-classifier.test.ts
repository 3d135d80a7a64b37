import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPLY_INTENTS } from '../../server/src/domain/reply-intents.js';
import { type Classification, classify, readMessage } from '../../server/src/replies/classifier.js';
import { type CorpusEntry, loadCorpus } from '../../server/src/replies/corpus.js';
import { classifyAll, suppressingMisreads, trainingExamples } from '../../server/src/replies/evaluation.js';
import { MODEL_PATH } from '../../server/src/replies/model.js';
import { parseMessage } from '../../server/src/replies/message.js';
import { extractDate, extractMeeting } from '../../server/src/replies/dates.js';
import { ownTextOf, replyText } from '../../server/src/replies/reply-text.js';
import { MIN_CONFIDENCE, decide } from '../../server/src/replies/safety.js';
import { TRAINING, serialise, train } from '../../server/src/replies/training.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures');
const TRAINING_ROOT = join(ROOT, 'replies');
const SENT = JSON.parse(readFileSync(join(TRAINING_ROOT, 'sent.json'), 'utf8')) as Record<string, { text: string }>;

let corpus: CorpusEntry[];
let rows: { entry: CorpusEntry; got: Classification }[];

beforeAll(async () => {
  corpus = await loadCorpus(TRAINING_ROOT);
  rows = classifyAll(corpus);
}, 120_000);

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

const read = async (body: string, headers: Record<string, string> = {}, ours: string[] = []) => classify(await parseMessage(raw(body, headers)), { ours, ourAddresses: ['nova@acme-energy.test'] });

describe('the shipped reply model', () => {
  it('is exactly what npm run train-replies produces from the corpus (fixed seed)', () => {
    const committed = readFileSync(MODEL_PATH, 'utf8');
    expect(serialise(train(trainingExamples(corpus), TRAINING)) === committed, 'the committed weights are stale: run npm run train-replies').toBe(true);
    expect(committed.length).toBeLessThan(1_500_000);
  });

  it('reads its own training corpus: at least 95% overall and 80% within every intent and language', () => {
    const right = rows.filter((row) => row.got.intent === row.entry.label.intent);
    const misread = rows.filter((row) => row.got.intent !== row.entry.label.intent).map((row) => `${row.entry.file}: ${row.entry.label.intent} read as ${row.got.intent}`);
    expect(right.length / rows.length, misread.join('\n')).toBeGreaterThanOrEqual(0.95);
    for (const intent of REPLY_INTENTS) {
      const of = rows.filter((row) => row.entry.label.intent === intent);
      expect(of.filter((row) => row.got.intent === intent).length / of.length, intent).toBeGreaterThanOrEqual(0.8);
    }
    for (const language of ['en', 'de', 'es', 'fr', 'pt']) {
      const of = rows.filter((row) => row.entry.language === language);
      expect(of.length, language).toBeGreaterThan(0);
      expect(of.filter((row) => row.got.intent === row.entry.label.intent).length / of.length, language).toBeGreaterThanOrEqual(0.8);
    }
  });

  it('never suppresses a sender who neither opted out nor said no, across the training and held-out corpora', async () => {
    const holdout = classifyAll(await loadCorpus(join(ROOT, 'replies-holdout')).catch(() => []));
    const unsafe = suppressingMisreads([...rows, ...holdout]).map((row) => `${row.entry.file}: ${row.entry.label.intent} read as ${row.got.intent} (${row.got.reason})`);
    expect(unsafe).toEqual([]);
  });

  it("names the referred person and address, and each bounce's recipient and kind", () => {
    for (const row of rows) {
      const { label, file } = row.entry;
      if (row.got.intent !== label.intent) continue;
      const referral = typeof label.referral === 'string' ? label.referral : label.referral?.email;
      if (label.intent === 'ReferredSomeone' && referral) expect(row.got.referral?.email, file).toBe(referral.toLowerCase());
      if (label.intent === 'Bounce' && label.recipient) expect(row.got.bounce?.recipient, file).toBe(label.recipient.toLowerCase());
      if (label.intent === 'Bounce' && (label.hard !== undefined || label.bounce)) expect(row.got.bounce?.hard, file).toBe(label.hard ?? label.bounce === 'hard');
    }
  });
});

describe("the sender's own words", () => {
  const first = SENT['<seq-granite-1@acme-energy.test>']!.text;

  it('a reply written below our quoted email is read without our footer: a demo request is not an unsubscribe', async () => {
    const quoted = first.split('\n').map((line) => `> ${line}`).join('\n');
    const body = `On Thu, Nov 12, 2026 at 9:02 AM Nova <nova@acme-energy.test> wrote:\n${quoted}\n\nYes, we'd like to see a demo. Could we meet next Tuesday at 11am?\n\nLaura`;
    for (const ours of [[first], []]) {
      const result = await read(body, {}, ours);
      expect(result.intent).toBe('AgreedToMeet');
      expect(result.optOut).toBeUndefined();
      expect(result.meeting).toMatchObject({ at: '2026-11-24 11:00', label: 'Tuesday 11:00' });
      expect(result.excerpt).not.toMatch(/unsubscribe/i);
    }
  });

  it('interleaved answers between unquoted lines of our email keep only the answers', async () => {
    const lines = first.split('\n');
    const ask = lines.findIndex((line) => line.startsWith('Would it be worth'));
    const body = [...lines.slice(0, ask + 1), '', 'Yes. Thursday 14:00 works for me.', '', ...lines.slice(ask + 1)].join('\n');
    expect(replyText(body, ownTextOf([first]))).toBe('Yes. Thursday 14:00 works for me.');
    const result = await read(body, {}, [first]);
    expect(result).toMatchObject({ intent: 'AgreedToMeet', meeting: { at: '2026-11-19 14:00' } });
  });

  it('quoted text, signatures and our footer never opt a lead out; the sender\'s own words do', async () => {
    expect((await read('Thanks!\n\nOn Mon, Nov 16, 2026 at 9:00 AM Nova <nova@acme-energy.test> wrote:\n> Would it be worth a short call?\n> --\n> To stop these emails, unsubscribe: https://x.test/unsubscribe/abc')).optOut).toBeUndefined();
    expect((await read('Sounds interesting, call me.\n\n--\nJane Doe\nIf you received this in error, please delete it and unsubscribe the sender.')).optOut).toBeUndefined();
    const out = await read('please remove me');
    expect(out).toMatchObject({ intent: 'Unsubscribed', optOut: 'please remove me' });
    expect(decide(out)).toEqual({ kind: 'act', intent: 'Unsubscribed' });
  });

  it('our footer with a link rewritten by a scanner (Outlook Safe Links) is still ours', async () => {
    const safe = first.replace(/https:\/\/\S+/, (url) => `https://eur01.safelinks.protection.outlook.example/?url=${encodeURIComponent(url)}&data=05%7C01`);
    const body = `Who is this?\n\n________________________________\nFrom: Nova <nova@acme-energy.test>\nSent: Thursday, November 12, 2026 9:02 AM\nTo: Laura Bennett <laura.bennett@granite.example>\nSubject: A quick question\n\n${safe}`;
    for (const ours of [[first], []]) {
      const result = await read(body, {}, ours);
      expect(result.optOut).toBeUndefined();
      expect(decide(result)).not.toEqual({ kind: 'act', intent: 'Unsubscribed' });
    }
  });

  it('an example or taught phrase never overrides a request to stop, and a similar but negated reply cannot close the lead', async () => {
    const taught = classify(await parseMessage(raw('Not interested. Please remove me from your list.')), { taught: [{ phrase: 'interested', intent: 'InterestedToProceed' }] });
    expect(decide(taught).kind).toBe('unclear');
    const no = await parseMessage(raw('We are not interested in switching suppliers this year, our current contract runs on.'));
    const example = { kind: 'reply' as const, intent: 'Deactivated' as const, text: 'x', features: readMessage(no).features };
    const yes = classify(await parseMessage(raw('We are interested in switching suppliers this year, our current contract runs out. Call me.')), { examples: [example] });
    expect(decide(yes)).not.toEqual({ kind: 'act', intent: 'Deactivated' });
  });

  it('a reply that is both positive and an opt-out goes to a person, never suppressed', async () => {
    const result = await read('Happy to talk, but please take me off the marketing list.');
    expect(result).toMatchObject({ intent: 'Unsubscribed', mixed: true });
    expect(decide(result).kind).toBe('unclear');
  });

  it('below its named threshold a consequential reading is unclear; the thresholds are named per intent', () => {
    const base = { language: 'en' as const, excerpt: '', source: 'model' as const, reason: '', alternatives: [] };
    expect(decide({ ...base, intent: 'Deactivated', confidence: MIN_CONFIDENCE.Deactivated - 0.01 }).kind).toBe('unclear');
    expect(decide({ ...base, intent: 'Deactivated', confidence: MIN_CONFIDENCE.Deactivated }).kind).toBe('act');
    expect(decide({ ...base, intent: 'Unsubscribed', confidence: 0.99 }).kind).toBe('unclear');
    expect(decide({ ...base, intent: 'Bounce', confidence: 0.99 }).kind).toBe('unclear');
    expect(decide({ ...base, intent: 'OutOfOffice', confidence: 0.9, optOut: 'stop emailing' }).kind).toBe('unclear');
    for (const intent of REPLY_INTENTS) expect(MIN_CONFIDENCE[intent], intent).toBeGreaterThanOrEqual(0);
  });
});

describe('extraction', () => {
  it('reads referrals from one-liners, return dates and relative dates against the Date header', async () => {
    expect((await read('talk to Maria Lopez, maria.lopez@brightline-partner.test')).referral).toEqual({ name: 'Maria Lopez', email: 'maria.lopez@brightline-partner.test' });
    expect((await read('not me, try Jens in accounting (jens.k@weber.example)')).referral?.email).toBe('jens.k@weber.example');
    expect(await read("I'm out of the office until 3 December", { 'Auto-Submitted': 'auto-replied' })).toMatchObject({ intent: 'OutOfOffice', date: '2026-12-03' });
    expect(await read('Not a good time. Please contact me again in two weeks.')).toMatchObject({ intent: 'ConnectLater', date: '2026-12-01' });
    const away = await read('I am currently out of the office with limited access to email.', { 'Auto-Submitted': 'auto-replied' });
    expect(away.intent).toBe('OutOfOffice');
    expect(away.date).toBeUndefined();
  });

  it('resolves "after Easter", "Q3" and a German meeting time in the sender\'s own clock', async () => {
    const reference = { instant: new Date('2026-11-17T10:00:00Z'), offsetMinutes: 0 };
    expect(extractDate('Interesting, but the budget is frozen. Get back to me after Easter.', reference, 'en', 'later')).toBe('2027-03-30');
    expect(extractDate('We cannot look at this before Q3, reach out again then.', reference, 'en', 'later')).toBe('2027-07-01');
    expect(extractDate('Melden Sie sich bitte im nächsten Quartal wieder.', reference, 'de', 'later')).toBe('2027-01-01');
    expect(extractDate('back at my desk tomorrow', reference, 'en', 'return')).toBe('2026-11-18');
    const german = classify(await parseMessage(raw('Gerne, passt Ihnen Donnerstag um 14:00 Uhr?', {}).replace('Date: Tue, 17 Nov 2026 10:00:00 +0000', 'Date: Tue, 17 Nov 2026 23:30:00 -0800')));
    expect(german.meeting).toMatchObject({ at: '2026-11-19 14:00', offsetMinutes: -480 });
  });
});

describe('meeting times and reconnect dates as people write them', () => {
  // A Thursday morning in Berlin (the sender's clock is the Date header's).
  const thursday = { instant: new Date('2026-11-19T07:03:00Z'), offsetMinutes: 60 };

  it('reads the day written after a weekday and the time after it, in five languages', () => {
    expect(extractMeeting('jetzt passt es besser. Wie wäre es mit Dienstag, 24.11., um 14:30 Uhr?', thursday, 'de')?.at).toBe('2026-11-24 14:30');
    expect(extractMeeting('Guten Morgen, passt Ihnen Dienstag um 10:30 Uhr?', thursday, 'de')?.at).toBe('2026-11-24 10:30');
    expect(extractMeeting('Ok, morgen um 14 Uhr?', thursday, 'de')?.at).toBe('2026-11-20 14:00');
    expect(extractMeeting('Pode ser na quarta-feira, dia 25, às 15h00?', thursday, 'pt')?.at).toBe('2026-11-25 15:00');
    expect(extractMeeting('Je serais disponible jeudi prochain à 13 h 30.', { ...thursday, instant: new Date('2026-11-16T13:40:00Z') }, 'fr')?.at).toBe('2026-11-19 13:30');
    // "Wed to Fri" names days, not the meeting: the time belongs to the day said with it.
    expect(extractMeeting('Not this week, we have an audit Wed to Fri. Maybe next Tuesday at 10?', thursday, 'en')?.at).toBe('2026-11-24 10:00');
    expect(extractMeeting('Tuesday the 24th at 2:00 pm works.', thursday, 'en')?.at).toBe('2026-11-24 14:00');
  });

  it('"next <weekday>" is the coming one, unless that is a day or two away', () => {
    const tuesday = { instant: new Date('2026-11-10T10:00:00Z'), offsetMinutes: 0 };
    expect(extractMeeting('Pode ser na próxima quarta às 15h?', tuesday, 'pt')?.at).toBe('2026-11-18 15:00');
    expect(extractMeeting('How about next Friday at 9am?', tuesday, 'en')?.at).toBe('2026-11-13 09:00');
  });

  it('a dotted date chrono does not read is the return day; a past one in the same notice is not', () => {
    expect(extractDate('bin bis 04.12. auf montage in polen, ab 07.12. wieder im büro', thursday, 'de', 'return')).toBe('2026-12-07');
    expect(extractDate('Ich bin vom 09.11. bis einschließlich 24.11.2026 nicht im Hause.', { ...thursday, instant: new Date('2026-11-11T09:00:00Z') }, 'de', 'return')).toBe('2026-11-25');
  });

  it('the period named where the sender asks to be contacted again wins over what is in the way', () => {
    expect(extractDate("Half the team is on leave from mid-December. Reach out again in February and I'll see.", thursday, 'en', 'later')).toBe('2027-02-01');
    expect(extractDate("On tourne jusqu'à la mi-décembre. Recontactez-moi après les fêtes.", thursday, 'fr', 'later')).toBe('2027-01-04');
    expect(extractDate('Melden Sie sich bitte im Februar noch einmal, dann weiß ich, was wir nächstes Jahr investieren.', thursday, 'de', 'later')).toBe('2027-02-01');
    expect(extractDate('Bitte melden Sie sich nach dem 15. Januar noch einmal.', thursday, 'de', 'later')).toBe('2027-01-15');
    expect(extractDate('Bitte kommen Sie nach dem\nSommer wieder auf uns zu.', thursday, 'de', 'later')).toBe('2027-09-01');
  });

  it('answers written between the lines of our email quoted without ">" (Outlook) are the sender\'s words', () => {
    const ours = SENT['<seq-weber-2@acme-energy.test>']!.text;
    const lines = ours.split('\n');
    const ask = lines.findIndex((line) => line.startsWith('Is this something'));
    const body = ['Hallo,', '', 'meine Antworten stehen unten im Text [KW].', '', '-----Ursprüngliche Nachricht-----', 'Von: Nova <nova@acme-energy.test>', 'Gesendet: Donnerstag, 5. November 2026 10:02', 'Betreff: Re: A quick question', '', ...lines.slice(0, ask + 1), '', '[KW] Dieses Quartal nicht mehr. Melden Sie sich bitte im Februar noch einmal.', '', ...lines.slice(ask + 1)].join('\n');
    const own = replyText(body, ownTextOf([ours]));
    expect(own).toContain('[KW] Dieses Quartal nicht mehr. Melden Sie sich bitte im Februar noch einmal.');
    expect(own).not.toMatch(/unsubscribe|Acme Energy|smart meters/i);
  });
});

describe('org examples', () => {
  it('taught phrases and corrected replies change the reading for that org only', async () => {
    const message = await parseMessage(raw('Let me loop in our energy desk and we will see.'));
    expect(classify(message, { taught: [{ phrase: 'loop in our energy desk', intent: 'InterestedToProceed' }] })).toMatchObject({ intent: 'InterestedToProceed', confidence: 0.95, source: 'example' });
    const corrected = await parseMessage(raw('Please remove me from the cc on this thread, but keep me posted on the pilot.'));
    const before = classify(corrected);
    const example = { kind: 'reply' as const, intent: 'SeekingMoreInfo' as const, text: 'x', features: readMessage(corrected).features };
    const similar = await parseMessage(raw('Please remove me from the cc of this thread but keep me posted about the pilot'));
    expect(classify(similar, { examples: [example] })).toMatchObject({ intent: 'SeekingMoreInfo', source: 'example' });
    expect(classify(similar).intent).toBe(before.intent);
  });
});

describe('npm run classify', () => {
  it('prints one JSON line per message with file, intent, confidence and reason', async () => {
    const folder = join(TRAINING_ROOT, 'set-a');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'server', 'src', 'replies', 'cli.ts'), folder], { maxBuffer: 10_000_000 });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(readdirSync(folder).filter((file) => file.endsWith('.eml')).length);
    for (const line of lines) expect(Object.keys(line).slice(0, 4)).toEqual(['file', 'intent', 'confidence', 'reason']);
    expect(lines.some((line) => typeof line.date === 'string')).toBe(true);
  });
});
