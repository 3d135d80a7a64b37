import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { REPLY_INTENTS } from '../domain/reply-intents.js';
import { type Classification, classify } from './classifier.js';
import { parseMessage } from './message.js';

/**
 * `npm run classify -- <file.eml or folder>`: one JSON line per message.
 * `npm run classify -- --report <folder>`: accuracy per intent against the folder's labels.json files.
 */

interface Label {
  intent: string;
  date?: string;
}

function emlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? emlFiles(join(path, entry.name)) : entry.name.endsWith('.eml') ? [join(path, entry.name)] : []))
    .sort();
}

async function classifyFile(file: string): Promise<Classification> {
  return classify(await parseMessage(readFileSync(file)));
}

function labelFor(file: string): Label | undefined {
  try {
    const labels = JSON.parse(readFileSync(join(dirname(file), 'labels.json'), 'utf8')) as Record<string, Label>;
    return labels[basename(file)];
  } catch {
    return undefined;
  }
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}

async function report(root: string): Promise<boolean> {
  const rows: { file: string; expected: string; got: Classification; label: Label }[] = [];
  for (const file of emlFiles(root)) {
    const label = labelFor(file);
    if (!label) {
      console.error(`no label for ${file}`);
      continue;
    }
    rows.push({ file: relative(root, file), expected: label.intent, got: await classifyFile(file), label });
  }
  const byIntent = new Map<string, { total: number; right: number }>();
  for (const row of rows) {
    const entry = byIntent.get(row.expected) ?? { total: 0, right: 0 };
    entry.total += 1;
    if (row.got.intent === row.expected) entry.right += 1;
    byIntent.set(row.expected, entry);
  }
  const right = rows.filter((row) => row.got.intent === row.expected).length;
  console.log(`intent                 n   correct  accuracy`);
  for (const intent of REPLY_INTENTS) {
    const entry = byIntent.get(intent);
    if (entry) console.log(`${intent.padEnd(20)} ${String(entry.total).padStart(3)}  ${String(entry.right).padStart(7)}  ${pct(entry.right, entry.total).padStart(8)}`);
  }
  console.log(`${'all'.padEnd(20)} ${String(rows.length).padStart(3)}  ${String(right).padStart(7)}  ${pct(right, rows.length).padStart(8)}`);
  const dated = rows.filter((row) => row.label.date && row.got.intent === row.expected);
  const datesRight = dated.filter((row) => row.got.date === row.label.date).length;
  console.log(`dates (OutOfOffice/ConnectLater, intent right): ${datesRight} of ${dated.length} (${pct(datesRight, dated.length)})`);
  const wrong = rows.filter((row) => row.got.intent !== row.expected);
  if (wrong.length > 0) console.log('\nmisread:');
  for (const row of wrong) console.log(`  ${row.file}: expected ${row.expected}, got ${row.got.intent} (${row.got.reason})`);
  for (const row of dated.filter((candidate) => candidate.got.date !== candidate.label.date)) console.log(`  ${row.file}: date expected ${row.label.date}, got ${row.got.date ?? 'none'}`);
  return rows.length > 0 && right / rows.length >= 0.9;
}

async function main(args: string[]): Promise<number> {
  const reportMode = args[0] === '--report';
  const paths = reportMode ? args.slice(1) : args;
  if (paths.length === 0) {
    console.error('usage: npm run classify -- <file.eml or folder> ...\n       npm run classify -- --report <folder with labels.json>');
    return 2;
  }
  if (reportMode) return (await report(paths[0]!)) ? 0 : 1;
  for (const path of paths) {
    for (const file of emlFiles(path)) {
      const result = await classifyFile(file);
      console.log(JSON.stringify({ file, intent: result.intent, confidence: result.confidence, reason: result.reason, ...(result.date ? { date: result.date } : {}) }));
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
