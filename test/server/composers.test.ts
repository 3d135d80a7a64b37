import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemplateComposer } from '../../server/src/engine/writing/writer.js';
import { LlmComposer } from '../../server/src/engine/llm-composer.js';
import { nextSendTime } from '../../server/src/engine/send-window.js';
import { silentLogger } from '../../server/src/lib/logger.js';
import { classify } from '../../server/src/replies/classifier.js';
import { LlmReplyRefiner } from '../../server/src/replies/llm-refiner.js';
import { parseMessage } from '../../server/src/replies/message.js';

const input = {
  lead: { first_name: 'Jane', last_name: 'Doe', company: 'Initech', context: 'We cut energy bills for factories.' },
  assistant: { name: 'Nova', signature: 'Nova', nurture_lines: ['Customers save 18%.'], postal_address: '1 Main St' },
  step: { after_days: 0, mode: 'generated' as const, subject: null, body: null },
  stepIndex: 0,
  stepsTotal: 4,
  unsubscribeUrl: 'https://example.test/unsubscribe/x',
};

let answers: { status: number; body: unknown }[] = [];
let server: ReturnType<typeof createServer>;
let baseUrl = '';
const prompts: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      prompts.push(text);
      const next = answers.shift() ?? { status: 500, body: {} };
      response.writeHead(next.status, { 'content-type': 'application/json' }).end(JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('composers', () => {
  it('the template composer writes from the context, with the signature and the compliance footer', async () => {
    const email = await new TemplateComposer().compose(input);
    expect(email.subject).toBe('A quick question for Initech');
    expect(email.text).toContain('Hi Jane,');
    expect(email.text).toContain("I'm writing to you at Initech with one thing we do well: we cut energy bills for factories.");
    expect(email.text).toContain('\n\nNova\n\n--\n');
    expect(email.text).toContain('unsubscribe: https://example.test/unsubscribe/x');
    expect(email.text).toContain('1 Main St');
  });

  it('an OpenAI-compatible endpoint writes the body; our footer stays', async () => {
    answers = [{ status: 200, body: { choices: [{ message: { content: 'Sure! {"subject": "Lower energy bills at Initech", "body": "Hi Jane, factories like yours usually cut their bills by a fifth. Worth a chat?"}' } }] } }];
    const email = await new LlmComposer({ baseUrl, model: 'local-model', apiKey: 'k' }, new TemplateComposer(), silentLogger).compose(input);
    expect(email.subject).toBe('Lower energy bills at Initech');
    expect(email.text).toContain('factories like yours');
    expect(email.text).toContain('unsubscribe: https://example.test/unsubscribe/x');
    expect(email.text).toContain('P.S. Customers save 18%.');
    // The model's body replaces the template's whole body: nothing of the template is left over.
    expect(email.text).not.toContain('Would it be worth a short call');
    expect(email.text).not.toContain('We cut energy bills for factories.');
    expect(email.text.split('\n\n')[0]).toBe('Hi Jane, factories like yours usually cut their bills by a fifth. Worth a chat?');
    expect(email.text.match(/unsubscribe:/g)).toHaveLength(1);
    expect(prompts.at(-1)).toContain('We cut energy bills for factories.');
  });

  it('falls back to the template on an error or an unusable answer', async () => {
    answers = [{ status: 503, body: {} }, { status: 200, body: { choices: [{ message: { content: 'no json here' } }] } }];
    const composer = new LlmComposer({ baseUrl, model: 'm', apiKey: undefined }, new TemplateComposer(), silentLogger);
    expect((await composer.compose(input)).subject).toBe('A quick question for Initech');
    expect((await composer.compose(input)).subject).toBe('A quick question for Initech');
    const unreachable = new LlmComposer({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apiKey: undefined, timeoutMs: 500 }, new TemplateComposer(), silentLogger);
    expect((await unreachable.compose(input)).subject).toBe('A quick question for Initech');
  });
});

describe('send window', () => {
  const assistant = { time_zone: 'America/New_York', business_hours: { start: '09:00', end: '17:00' }, off_days: ['sat', 'sun'] as ('sat' | 'sun')[] };

  it('waits for business hours in the assistant time zone and skips off days', () => {
    // Friday 22:30 UTC is 17:30 in New York: after hours, so Monday 09:00 New York (14:00 UTC in November).
    expect(new Date(nextSendTime(Date.UTC(2026, 10, 20, 22, 30), assistant)).toISOString()).toBe('2026-11-23T14:00:00.000Z');
    // Tuesday 15:00 UTC is 10:00 in New York: now.
    expect(nextSendTime(Date.UTC(2026, 10, 24, 15, 0), assistant)).toBe(Date.UTC(2026, 10, 24, 15, 0));
    // Tuesday 12:00 UTC is 07:00 in New York: at 09:00.
    expect(new Date(nextSendTime(Date.UTC(2026, 10, 24, 12, 0), assistant)).toISOString()).toBe('2026-11-24T14:00:00.000Z');
  });

  it('moves past days whose cap is reached', () => {
    const full = new Set(['2026-11-24', '2026-11-25']);
    expect(new Date(nextSendTime(Date.UTC(2026, 10, 24, 15, 0), assistant, (day) => full.has(day))).toISOString()).toBe('2026-11-26T14:00:00.000Z');
  });
});

describe('the reply refiner (an OpenAI-compatible model as a second opinion)', () => {
  const unsure = async () => {
    const message = await parseMessage(['From: jane@prospect.test', 'To: nova@acme.test', 'Subject: Re: hello', 'Date: Tue, 17 Nov 2026 10:00:00 +0000', '', 'Hmm. Let me mull it over with Bob when he is back from Lisbon.', ''].join('\r\n'));
    return { message, first: classify(message) };
  };
  const chat = (content: string) => ({ status: 200, body: { choices: [{ message: { content } }] } });

  it('takes the model\'s answer when it is surer, saying so in the reason', async () => {
    const { message, first } = await unsure();
    expect(first.confidence).toBeLessThan(0.7);
    answers = [chat('Here you go: {"intent": "ConnectLater", "confidence": 0.82, "date": "2026-12-01"}')];
    prompts.length = 0;
    const refined = await new LlmReplyRefiner({ baseUrl, model: 'test-model', apiKey: 'k' }, silentLogger).refine(message, first);
    expect(refined).toMatchObject({ intent: 'ConnectLater', confidence: 0.82, date: '2026-12-01' });
    expect(refined.reason).toBe(`model test-model (the built-in reading was ${first.intent}: ${first.reason})`);
    // The model sees what the person wrote, not our quoted email, and never the raw headers.
    expect(prompts[0]).toContain('Let me mull it over with Bob');
  });

  it('keeps the built-in result on an error, a timeout-like failure or an answer that is not an intent', async () => {
    const { message, first } = await unsure();
    const refiner = new LlmReplyRefiner({ baseUrl, model: 'test-model', apiKey: undefined }, silentLogger);
    answers = [{ status: 503, body: {} }];
    expect(await refiner.refine(message, first)).toBe(first);
    answers = [chat('{"intent": "BuyNow", "confidence": 0.99}')];
    expect(await refiner.refine(message, first)).toBe(first);
    answers = [chat('{"intent": "Deactivated", "confidence": 0}')];
    expect(await refiner.refine(message, first)).toBe(first);
  });
});

