import { REPLY_INTENTS } from '../domain/reply-intents.js';
import { type Classification, classify, isAutomatic, readMessage } from './classifier.js';
import type { CorpusEntry } from './corpus.js';
import { ReplyModel } from './model.js';
import { decide } from './safety.js';
import { type TrainingExample, TRAINING, train } from './training.js';

/** Scores a reading of a labelled corpus: per intent, per language, dates, confusions, safety. */
export interface Scored {
  entry: CorpusEntry;
  got: Classification;
}

export function trainingExamples(entries: readonly CorpusEntry[]): TrainingExample[] {
  return entries.map((entry) => ({ features: readMessage(entry.message, { ours: entry.ours }).features, intent: entry.label.intent }));
}

export function classifyAll(entries: readonly CorpusEntry[], model?: ReplyModel): Scored[] {
  return entries.map((entry) => ({ entry, got: classify(entry.message, { ours: entry.ours, ...(model ? { model } : {}), ourAddresses: ['nova@acme-energy.test'] }) }));
}

/** A date the label names, and whether the reading found exactly it. */
function dateCheck(row: Scored): { expected: string; got: string | null } | null {
  const { label } = row.entry;
  if (row.got.intent !== label.intent) return null;
  if (label.date && (label.intent === 'OutOfOffice' || label.intent === 'ConnectLater')) return { expected: label.date, got: row.got.date ?? null };
  if (label.meeting) return { expected: label.meeting, got: row.got.meeting?.at ?? null };
  return null;
}

/** Readings that would suppress an address whose owner did not ask to stop or say no. */
export function suppressingMisreads(rows: readonly Scored[]): Scored[] {
  return rows.filter((row) => {
    const decision = decide(row.got, isAutomatic(row.entry.message));
    return decision.kind === 'act' && (decision.intent === 'Unsubscribed' || decision.intent === 'Deactivated') && row.entry.label.intent !== 'Unsubscribed' && row.entry.label.intent !== 'Deactivated';
  });
}

export interface Summary {
  total: number;
  right: number;
  byIntent: Map<string, { total: number; right: number }>;
  byLanguage: Map<string, { total: number; right: number }>;
  dates: { total: number; right: number; wrong: { file: string; expected: string; got: string | null }[] };
  confusions: Map<string, number>;
  wrong: Scored[];
}

export function summarise(rows: readonly Scored[]): Summary {
  const byIntent = new Map<string, { total: number; right: number }>();
  const byLanguage = new Map<string, { total: number; right: number }>();
  const confusions = new Map<string, number>();
  const dates: Summary['dates'] = { total: 0, right: 0, wrong: [] };
  let right = 0;
  for (const row of rows) {
    const ok = row.got.intent === row.entry.label.intent;
    if (ok) right += 1;
    for (const [map, key] of [[byIntent, row.entry.label.intent], [byLanguage, row.entry.language]] as const) {
      const bucket = map.get(key) ?? { total: 0, right: 0 };
      bucket.total += 1;
      if (ok) bucket.right += 1;
      map.set(key, bucket);
    }
    if (!ok) confusions.set(`${row.entry.label.intent} → ${row.got.intent}`, (confusions.get(`${row.entry.label.intent} → ${row.got.intent}`) ?? 0) + 1);
    const date = dateCheck(row);
    if (date) {
      dates.total += 1;
      if (date.got === date.expected) dates.right += 1;
      else dates.wrong.push({ file: row.entry.file, ...date });
    }
  }
  return { total: rows.length, right, byIntent, byLanguage, dates, confusions, wrong: rows.filter((row) => row.got.intent !== row.entry.label.intent) };
}

/** k-fold cross-validation: train on k-1 folds, read the k-th; folds by a fixed stride over the sorted files. */
export function crossValidate(entries: readonly CorpusEntry[], k = 5): Summary {
  const examples = trainingExamples(entries);
  const rows: Scored[] = [];
  for (let fold = 0; fold < k; fold += 1) {
    const trainOn = examples.filter((_, index) => index % k !== fold);
    const model = new ReplyModel(train(trainOn, TRAINING));
    rows.push(...classifyAll(entries.filter((_, index) => index % k === fold), model));
  }
  return summarise(rows);
}

const pct = (part: number, whole: number) => (whole === 0 ? '     -' : `${((100 * part) / whole).toFixed(1).padStart(5)}%`);

export function printSummary(title: string, summary: Summary, log: (line: string) => void = console.log): void {
  log(`\n${title}: ${summary.right} of ${summary.total} (${pct(summary.right, summary.total).trim()})`);
  log('intent                 n  right  accuracy');
  for (const intent of REPLY_INTENTS) {
    const bucket = summary.byIntent.get(intent);
    if (bucket) log(`${intent.padEnd(20)} ${String(bucket.total).padStart(3)}  ${String(bucket.right).padStart(5)}  ${pct(bucket.right, bucket.total)}`);
  }
  log('language               n  right  accuracy');
  for (const [language, bucket] of [...summary.byLanguage.entries()].sort()) log(`${language.padEnd(20)} ${String(bucket.total).padStart(3)}  ${String(bucket.right).padStart(5)}  ${pct(bucket.right, bucket.total)}`);
  log(`dates exact (return, reconnect and meeting dates, intent right): ${summary.dates.right} of ${summary.dates.total} (${pct(summary.dates.right, summary.dates.total).trim()})`);
  const confusions = [...summary.confusions.entries()].sort((a, b) => b[1] - a[1]);
  if (confusions.length > 0) log(`confusions (expected → read): ${confusions.map(([pair, count]) => `${pair} ×${count}`).join(', ')}`);
}
