import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { classify } from '../../server/src/replies/classifier.js';
import { parseMessage } from '../../server/src/replies/message.js';

/**
 * Reply reading throughput: parsing raw RFC 822 messages (mailparser) and classifying them, over
 * the labelled corpus, repeated. Reported as messages per second and per-message latency.
 */
const root = join(import.meta.dirname, '..', 'fixtures', 'replies');
const raws = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).flatMap((set) =>
  readdirSync(join(root, set))
    .filter((file) => file.endsWith('.eml'))
    .map((file) => readFileSync(join(root, set, file))),
);
const ROUNDS = 10;

const parsed = await Promise.all(raws.map((raw) => parseMessage(raw)));
let started = process.hrtime.bigint();
for (let round = 0; round < ROUNDS; round += 1) for (const message of parsed) classify(message);
const classifyMs = Number(process.hrtime.bigint() - started) / 1e6;

started = process.hrtime.bigint();
for (let round = 0; round < ROUNDS; round += 1) for (const raw of raws) classify(await parseMessage(raw));
const totalMs = Number(process.hrtime.bigint() - started) / 1e6;

const count = raws.length * ROUNDS;
console.log(`replies: ${raws.length} messages of the labelled corpus, ${ROUNDS} rounds`);
console.log(`  classify only:      ${(count / (classifyMs / 1000)).toFixed(0).padStart(7)} messages/s (${((classifyMs / count) * 1000).toFixed(0)} µs each)`);
console.log(`  parse + classify:   ${(count / (totalMs / 1000)).toFixed(0).padStart(7)} messages/s (${((totalMs / count) * 1000).toFixed(0)} µs each)`);
console.log(`  classify / (parse + classify) time: ${(classifyMs / totalMs).toFixed(2)}`);

// Adversarial mail (what a hostile sender controls): each must stay in milliseconds, not grow with the square of its size.
const hostile: Record<string, string> = {
  'X-Original-To of 200 KB': `From: a@b.test\r\nTo: nova@x.test\r\nX-Original-To: ${'a'.repeat(200_000)}\r\nSubject: hi\r\n\r\nhello\r\n`,
  '100,000 "a@" in a row': `From: a@b.test\r\nTo: nova@x.test\r\nSubject: hi\r\n\r\n<${'a@'.repeat(100_000)}\r\n`,
  'fake bounce, 200 KB headers': `From: MAILER-DAEMON@x.test\r\nTo: nova@x.test\r\nSubject: Undelivered Mail Returned to Sender\r\nX-Failed-Recipients: ${'a'.repeat(200_000)}\r\n\r\n5.1.1 fail\r\nTo: ${'b'.repeat(200_000)}\r\n`,
  '300 KB of spaces before an address': `From: a@b.test\r\nTo: nova@x.test\r\nSubject: hi\r\n\r\nplease contact ${' '.repeat(300_000)}x@y.test\r\n`,
  '100,000 capitalised words': `From: a@b.test\r\nTo: nova@x.test\r\nSubject: hi\r\n\r\nwrong person, talk to ${'Ab '.repeat(100_000)}\r\n`,
  'punctuation runs before a return date': `From: a@b.test\r\nTo: nova@x.test\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nI am out of the office. ${`ab${'.'.repeat(45)} a b c d e `.repeat(67)} 3 December 2026\r\n`,
  '20,000 return cues and dates': `From: a@b.test\r\nTo: nova@x.test\r\nSubject: Out of office\r\nAuto-Submitted: auto-replied\r\n\r\nI am out of the office. ${'back until 3 December '.repeat(20_000)}\r\n`,
};
console.log('adversarial messages (parse + classify):');
for (const [name, raw] of Object.entries(hostile)) {
  const at = process.hrtime.bigint();
  const result = classify(await parseMessage(raw));
  const ms = Number(process.hrtime.bigint() - at) / 1e6;
  console.log(`  ${name.padEnd(40)} ${ms.toFixed(1).padStart(7)} ms  (${result.intent})${ms > 20 ? '  OVER the 20 ms goal' : ''}`);
}
