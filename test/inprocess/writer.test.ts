import { afterEach, describe, expect, it } from 'vitest';
import { languageOfRecord } from '../../server/src/domain/languages.js';
import { DEMO_ASSISTANT, DEMO_PEOPLE, type DemoPerson } from '../../server/src/demo/demo-data.js';
import type { ComposeInput } from '../../server/src/engine/composer.js';
import { TemplateComposer, sentencesOf } from '../../server/src/engine/writing/writer.js';
import { detectLanguage } from '../../server/src/replies/language.js';
import { normalise } from '../../server/src/replies/reply-text.js';
import { type InProcess, startInProcess } from '../helpers/in-process.js';

const composer = new TemplateComposer();
const STEP = { after_days: 3, mode: 'generated' as const, subject: null, body: null };

const leadOf = (person: DemoPerson): ComposeInput['lead'] => ({
  first_name: person.first,
  last_name: person.last,
  company: person.company,
  context: DEMO_ASSISTANT.default_context,
  title: person.title,
  industry: person.industry ?? null,
  city: person.city,
  country: person.country,
  language: languageOfRecord({ country: person.country }),
});

/** The four emails of one lead's sequence, each written with the thread so far, as the engine does. */
async function threadOf(lead: ComposeInput['lead'], assistant: ComposeInput['assistant'] = DEMO_ASSISTANT, steps = 4) {
  const thread: { subject: string; text: string }[] = [];
  for (let stepIndex = 0; stepIndex < steps; stepIndex += 1) {
    thread.push(await composer.compose({ lead, assistant, step: STEP, stepIndex, stepsTotal: steps, unsubscribeUrl: 'https://assist.example/u/abc', thread: [...thread] }));
  }
  return thread;
}

/** The email's own words: no greeting, signature, P.S., quoted email or footer. */
function ownWords(text: string, signature: string): string {
  const body = text.split('\n--\n')[0]!;
  const paragraphs = body.split('\n\n').slice(1).map((paragraph) => paragraph.trim());
  return paragraphs
    .filter((paragraph) => paragraph !== signature && !paragraph.startsWith('P.S.') && !paragraph.split('\n').some((line) => line.startsWith('>')))
    .join('\n\n');
}

describe('the built-in composer writes, in the lead’s language, from the context as information', () => {
  it('over the demo’s twelve leads: no two first emails share a sentence, no email repeats an earlier one, each lead gets their language', async () => {
    const threads = new Map<string, { subject: string; text: string }[]>();
    for (const person of DEMO_PEOPLE) threads.set(person.first, await threadOf(leadOf(person)));

    // No two leads' first emails share a sentence other than the greeting, signature and footer.
    const seenIn = new Map<string, string>();
    const shared: string[] = [];
    for (const [first, thread] of threads) {
      for (const sentence of sentencesOf(ownWords(thread[0]!.text, DEMO_ASSISTANT.signature))) {
        const other = seenIn.get(sentence);
        if (other && other !== first) shared.push(`${other} and ${first}: ${sentence}`);
        seenIn.set(sentence, first);
      }
    }
    expect(shared).toEqual([]);
    expect(seenIn.size).toBeGreaterThanOrEqual(12 * 2);

    // No email repeats a sentence of an earlier one in its thread (the quoted email aside).
    for (const [first, thread] of threads) {
      const earlier = new Set<string>();
      thread.forEach((email, index) => {
        const sentences = sentencesOf(ownWords(email.text, DEMO_ASSISTANT.signature));
        expect(sentences.length, `${first}, email ${index + 1}`).toBeGreaterThanOrEqual(2);
        expect(sentences.filter((sentence) => earlier.has(sentence)), `${first}, email ${index + 1}`).toEqual([]);
        for (const sentence of sentences) earlier.add(sentence);
      });
    }

    // German, Spanish, French and Portuguese leads get their language, footer included; the rest English.
    const expected: Record<string, string> = { Carlos: 'pt', Hannah: 'de', Sophie: 'fr', Emma: 'de', Diego: 'es' };
    for (const [first, thread] of threads) {
      for (const email of thread) {
        const words = ownWords(email.text, DEMO_ASSISTANT.signature);
        expect(detectLanguage(words, normalise(words)), `${first}: ${words}`).toBe(expected[first] ?? 'en');
      }
    }
    expect(threads.get('Hannah')![0]!.text).toContain('Hier abmelden: https://assist.example/u/abc');
    expect(threads.get('Hannah')![0]!.text).not.toContain('Brightline helps');

    // The second email refers to the first and quotes it below; the subjects keep the thread.
    const jane = threads.get('Jane')!;
    expect(jane[1]!.text).toContain('A short follow-up to my note below');
    expect(jane[1]!.text).toContain('Nova wrote:\n> Hi Jane,\n>\n> As Head of Operations at Initech Plastics');
    expect(jane.map((email) => email.subject)).toEqual(['A quick question for Initech Plastics', ...Array(3).fill('Re: A quick question for Initech Plastics')]);
    // Each proof point of the nurture table is used once, in the email whose purpose it serves.
    expect(jane[1]!.text).toContain(DEMO_ASSISTANT.nurture_lines[0]);
    expect(jane[2]!.text).not.toContain('P.S.');
    expect(jane[3]!.text.split('\n--\n')[0]!.split(/\s+/).length).toBeLessThan(60);

    // A five-email sequence adds a case from the nurture table, the proof point no earlier email used.
    const martin = await threadOf(leadOf(DEMO_PEOPLE[4]!), DEMO_ASSISTANT, 5);
    expect(martin[3]!.text).toContain(`A short example that may be close to home for Pennine Glass: a ceramics plant near Leeds found 31% of its night-time load came from two idle kilns.`);
    const sentences = martin.flatMap((email) => sentencesOf(ownWords(email.text, DEMO_ASSISTANT.signature)));
    expect(sentences.length - new Set(sentences).size).toBe(0);

    for (const first of ['Jane', 'Hannah', 'Carlos']) console.log(`--- ${first}\n${threads.get(first)!.map((email, index) => `[${index + 1}] ${email.subject}\n${email.text}`).join('\n')}`);
  });

  it('a context written about the person is said to them, not pasted in as the opening line', async () => {
    const lead = { first_name: 'Pierre', last_name: 'Martin', company: 'Rhône Plastics', context: 'Pierre runs the Lyon plant and worries about his night-time load. We cut energy bills for factories with sub-meters.', language: 'en' };
    const [opening] = await threadOf(lead, { ...DEMO_ASSISTANT, nurture_lines: [] }, 1);
    const body = opening!.text.split('\n\n');
    expect(body[0]).toBe('Hi Pierre,');
    expect(body[1]).toBe('From what I hear, you run the Lyon plant and worry about your night-time load. I\'m writing to you at Rhône Plastics with one thing we do well: we cut energy bills for factories with sub-meters.');
    expect(opening!.text).not.toContain('Pierre runs');
  });

  it('a German record with no German pitch is written to in the context’s language, never half in each; a custom step sends its own text', async () => {
    const lead = { ...leadOf(DEMO_PEOPLE[2]!), context: 'We cut energy bills for factories with sub-meters.' };
    const [email] = await threadOf(lead, { ...DEMO_ASSISTANT, default_context: 'We cut energy bills for factories with sub-meters.', other_languages: {} }, 1);
    const words = ownWords(email!.text, DEMO_ASSISTANT.signature);
    expect(detectLanguage(words, normalise(words))).toBe('en');
    expect(email!.text).toContain('To stop these emails, unsubscribe:');

    const custom = await composer.compose({ lead, assistant: DEMO_ASSISTANT, step: { after_days: 0, mode: 'custom', subject: 'For {{company}}', body: 'Hi {{first_name}}, a word from {{assistant_name}}.' }, stepIndex: 0, stepsTotal: 2, unsubscribeUrl: 'https://assist.example/u/abc' });
    expect(custom.subject).toBe('For Weber Metallbau');
    expect(custom.text.startsWith('Hi Hannah, a word from Nova.\n\nNova\nEnergy Advisor, Brightline\n\nP.S. Brightline customers save 18% on energy in the first year.')).toBe(true);
  });
});

describe('the assistant’s pitch in other languages, through the API and the engine', () => {
  let world: InProcess | undefined;
  afterEach(() => world?.close());

  it('is refused for a language we do not write, kept for ours, and a German contact gets German from it', async () => {
    world = await startInProcess();
    const org = await world.authorizedOrg();
    const refused = await org.api('POST', '/assistants', { name: 'Nova', mailbox_email: 'nova@brightline.example', default_context: DEMO_ASSISTANT.default_context, other_languages: { it: { context: 'Aiutiamo le fabbriche.' } } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(refused.body.error)).toContain('Other languages are en, de, es, fr and pt.');
    const empty = await org.api('POST', '/assistants', { name: 'Nova', mailbox_email: 'nova@brightline.example', default_context: DEMO_ASSISTANT.default_context, other_languages: { de: { context: ' ' } } });
    expect(empty.status).toBe(400);
    expect((await org.api('GET', '/assistants')).body.assistants).toEqual([]);

    const nova = await org.addAssistant({ default_context: DEMO_ASSISTANT.default_context, nurture_lines: DEMO_ASSISTANT.nurture_lines, other_languages: { de: DEMO_ASSISTANT.other_languages.de } });
    expect(nova.assistant.other_languages).toEqual({ de: DEMO_ASSISTANT.other_languages.de });
    const recordId = org.contact({ First_Name: 'Hannah', Last_Name: 'Weber', Email: 'hannah@weber-metallbau.example', Title: 'Geschäftsführerin', Mailing_City: 'Stuttgart', Mailing_Country: 'Deutschland' });
    await org.assign(recordId, nova.user.id);
    await world.settle();
    await world.advanceToNextWork();
    const [email] = world.mailer.sent;
    expect(email!.subject).toBe('Eine kurze Frage an Sie');
    expect(email!.text).toContain('Guten Tag Hannah Weber,\n\nAls Geschäftsführerin');
    expect(email!.text).toContain('Brightline senkt die Energiekosten');
    expect(email!.text).toContain('Hier abmelden:');
    expect((await org.leadOf(recordId))!.language).toBe('de');
  });
});

describe('the lead’s time zone', () => {
  let world: InProcess | undefined;
  afterEach(() => world?.close());

  it('sending hours hold in the lead’s time zone (from the country), else in the assistant’s', async () => {
    // Sunday 22:00 UTC: Monday has begun nowhere in Europe's business hours yet.
    world = await startInProcess({ start: '2026-11-22T22:00:00.000Z' });
    const org = await world.authorizedOrg();
    const nova = await org.addAssistant({ time_zone: 'America/New_York', business_hours: { start: '09:00', end: '17:00' }, off_days: ['sat', 'sun'] });
    const hannah = org.contact({ First_Name: 'Hannah', Last_Name: 'Weber', Email: 'hannah@weber.example', Mailing_Country: 'Deutschland' });
    const olivia = org.contact({ First_Name: 'Olivia', Last_Name: 'Grant', Email: 'olivia@harborview.example', Mailing_Country: 'United States' });
    await org.assign(hannah, nova.user.id);
    await org.assign(olivia, nova.user.id);
    await world.settle();
    expect((await org.leadOf(hannah))!.time_zone).toBe('Europe/Berlin');
    expect((await org.leadOf(olivia))!.time_zone).toBeNull();
    while (world.mailer.sent.length < 2 && (await world.advanceToNextWork())) await world.settle();
    const at = Object.fromEntries(world.mailer.sent.map((email) => [email.to, new Date(email.at).toISOString()]));
    // Monday 09:00 in Berlin (08:00 UTC) for Hannah; Monday 09:00 in New York (14:00 UTC) for Olivia.
    expect(at).toEqual({ 'hannah@weber.example': '2026-11-23T08:00:00.000Z', 'olivia@harborview.example': '2026-11-23T14:00:00.000Z' });
  });
});
