import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TemplateComposer } from '../../server/src/engine/writing/writer.js';
import { LlmComposer } from '../../server/src/engine/llm-composer.js';
import { silentLogger } from '../../server/src/lib/logger.js';
import { type InProcess, startInProcess } from '../helpers/in-process.js';

/**
 * The model composer in the engine, against a local OpenAI-compatible endpoint on loopback: a good
 * answer is sent with our footer; an answer with a placeholder, an invented claim, a foreign link
 * or the wrong language is refused, the built-in composer writes instead, and the timeline says why.
 */

let answers: string[] = [];
const prompts: string[] = [];
let server: ReturnType<typeof createServer>;
let baseUrl = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      prompts.push(text);
      const content = answers.shift();
      if (content === undefined) return void response.writeHead(500).end('{}');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { content } }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

let world: InProcess;
afterEach(() => world?.close());

const answer = (subject: string, body: string) => JSON.stringify({ subject, body });
const GOOD = 'Hi Jane, plastics plants like Initech usually find their biggest energy losses in compressed air and idle moulding lines. Brightline meters show where that happens within a day of installing. Would a short call next week make sense?';

async function firstEmailWith(content: string, record: Record<string, unknown> = {}) {
  answers = [content];
  world = await startInProcess({ composer: new LlmComposer({ baseUrl, model: 'local', apiKey: undefined }, new TemplateComposer(), silentLogger) });
  const org = await world.authorizedOrg();
  const nova = await org.addAssistant({
    default_context: 'Brightline helps mid-size manufacturers cut energy costs by 10–20% with smart sub-metering that installs in an afternoon.',
    nurture_lines: ['Brightline customers save 18% on energy in the first year.'],
    brochure_url: 'https://brightline.example/brochure.pdf',
  });
  const recordId = org.contact({ First_Name: 'Jane', Last_Name: 'Doe', Email: 'jane.doe@initech.example', Title: 'Plant Manager', Mailing_City: 'Leeds', ...record });
  await org.assign(recordId, nova.user.id);
  await world.settle();
  await world.advanceToNextWork();
  expect(world.mailer.sent).toHaveLength(1);
  const lead = (await org.leadOf(recordId))!;
  const timeline = (await org.api('GET', `/leads/${lead.id}/timeline`)).body.events as { kind: string; reason?: string }[];
  return { email: world.mailer.sent[0]!, fallback: timeline.find((event) => event.kind === 'composer_fallback') };
}

describe('the model composer in the engine', () => {
  it('a good answer is sent as written, with our P.S. and footer; the prompt carries the purpose, the record and the language', async () => {
    const { email, fallback } = await firstEmailWith(answer('Energy losses at Initech', GOOD));
    expect(fallback).toBeUndefined();
    expect(email.subject).toBe('Energy losses at Initech');
    expect(email.text.startsWith(GOOD)).toBe(true);
    expect(email.text).toContain('P.S. Brightline customers save 18% on energy in the first year.');
    expect(email.text).toMatch(/To stop these emails, unsubscribe: https:\/\/assistant\.example\.test\/unsubscribe\//);
    const prompt = JSON.parse(prompts.at(-1)!).messages[1].content as string;
    expect(prompt).toContain('Its purpose: open the conversation');
    expect(prompt).toContain('- Title: Plant Manager');
    expect(prompt).toContain('- City: Leeds');
    expect(prompt).toContain('Write it in English');
  });

  it.each([
    ['a placeholder', answer('Energy at {{company}}', GOOD), 'a placeholder was left in ("{{")'],
    ['an invented claim', answer('Energy at Initech', GOOD.replace('Would a short call', 'Our customers cut 45% of their bills. Would a short call')), 'a claim that is not in the context or the nurture table ("45%")'],
    ['a foreign link', answer('Energy at Initech', `${GOOD} See https://tracker.example.net/x?id=1 for details.`), 'a link that is not ours (https://tracker.example.net/x?id=1)'],
    ['the wrong language', answer('Energie bei Initech', 'Hallo Jane, Kunststoffwerke wie Initech finden ihre größten Energieverluste meist bei Druckluft und stehenden Spritzgießmaschinen. Hätten Sie nächste Woche Zeit für ein kurzes Gespräch?'), 'written in de, not the lead\'s language (en)'],
  ])('an answer with %s is refused: the built-in composer writes, and the timeline says why', async (_, content, why) => {
    const { email, fallback } = await firstEmailWith(content);
    expect(fallback?.reason).toBe(`the model's email was refused: ${why}`);
    // The built-in composer's opening (the Contact has no account, so no company name).
    expect(email.subject).toBe('A quick question for you');
    expect(email.text).not.toContain('Plastics plants like Initech');
    expect(email.text).toContain('Brightline helps mid-size manufacturers');
    expect(email.text).toMatch(/To stop these emails, unsubscribe:/);
  });

  it('a German lead (from the record\'s country) must get German: a German answer goes out', async () => {
    const german = 'Hallo Jane, Kunststoffwerke wie Initech finden ihre größten Energieverluste meist bei Druckluft und stehenden Spritzgießmaschinen. Hätten Sie nächste Woche Zeit für ein kurzes Gespräch?';
    const { email, fallback } = await firstEmailWith(answer('Energie bei Initech', german), { Mailing_Country: 'Deutschland' });
    expect(fallback).toBeUndefined();
    expect(email.text.startsWith(german)).toBe(true);
    expect(JSON.parse(prompts.at(-1)!).messages[1].content).toContain('Write it in German');
  });
});
