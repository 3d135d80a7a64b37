import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { classify } from '../../server/src/replies/classifier.js';
import { parseMessage } from '../../server/src/replies/message.js';

/**
 * Reply reading throughput: parsing raw RFC 822 messages (mailparser) and classifying them, over
 * the labelled corpus, repeated. Reported as messages per second and per-message latency.
 */
const root = join(import.meta.dirname, '..', 'fixtures', 'replies');
const raws = readdirSync(root).flatMap((set) =>
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
