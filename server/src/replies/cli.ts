import { readFileSync } from 'node:fs';
import { classify } from './classifier.js';
import { TRAINING_CORPUS, emlFiles, loadCorpus } from './corpus.js';
import { classifyAll, crossValidate, printSummary, summarise, suppressingMisreads } from './evaluation.js';
import { parseMessage } from './message.js';

/**
 * `npm run classify -- <file.eml or folder>`: one JSON line per message.
 * `npm run classify -- --report <folder>`: accuracy against the folder's labels.json files (per
 * intent, per language, dates, confusions, suppressing misreads), then k-fold cross-validation
 * over the training corpus (test/fixtures/replies; `--no-cv` skips it).
 */

async function report(root: string, cv: boolean): Promise<boolean> {
  const entries = await loadCorpus(root);
  const rows = classifyAll(entries);
  const summary = summarise(rows);
  printSummary(`${root} (shipped model)`, summary);
  const unsafe = suppressingMisreads(rows);
  console.log(`readings that would suppress a sender who did not opt out or say no: ${unsafe.length}`);
  for (const row of unsafe) console.log(`  UNSAFE ${row.entry.file}: ${row.entry.label.intent} read as ${row.got.intent} (${row.got.reason})`);
  const quoting = rows.filter((row) => (row.entry.label.shape === 'bottom-posted' || row.entry.label.shape === 'interleaved') && /unsubscribe/i.test(row.entry.message.text));
  console.log(`bottom-posted and interleaved replies quoting our footer: ${quoting.filter((row) => row.got.intent === row.entry.label.intent).length} of ${quoting.length} read right`);
  if (summary.wrong.length > 0) console.log('\nmisread:');
  for (const row of summary.wrong) console.log(`  ${row.entry.file}: expected ${row.entry.label.intent}, got ${row.got.intent} (${row.got.reason})`);
  for (const wrong of summary.dates.wrong) console.log(`  ${wrong.file}: date expected ${wrong.expected}, got ${wrong.got ?? 'none'}`);
  if (cv) {
    const training = await loadCorpus(TRAINING_CORPUS);
    printSummary(`5-fold cross-validation over ${TRAINING_CORPUS} (${training.length} messages)`, crossValidate(training, 5));
  }
  return unsafe.length === 0;
}

async function main(args: string[]): Promise<number> {
  const reportMode = args[0] === '--report';
  const cv = !args.includes('--no-cv');
  const paths = (reportMode ? args.slice(1) : args).filter((arg) => !arg.startsWith('--'));
  if (paths.length === 0) {
    console.error('usage: npm run classify -- <file.eml or folder> ...\n       npm run classify -- --report <folder with labels.json> [--no-cv]');
    return 2;
  }
  if (reportMode) return (await report(paths[0]!, cv)) ? 0 : 1;
  for (const path of paths) {
    for (const file of emlFiles(path)) {
      const result = classify(await parseMessage(readFileSync(file)));
      console.log(JSON.stringify({ file, intent: result.intent, confidence: result.confidence, reason: result.reason, ...(result.date ? { date: result.date } : {}), ...(result.meeting ? { meeting: result.meeting.at } : {}) }));
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
