import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { z } from 'zod';
import { REPLY_INTENTS } from '../domain/reply-intents.js';
import { type InboundMessage, parseMessage } from './message.js';

/**
 * The labelled reply corpus: folders of .eml files, each folder with a labels.json, and at the
 * root an optional sent.json (our emails by Message-ID, as the outbox holds them) so the reading
 * drops our own quoted text exactly as it does in production.
 */
const Label = z.object({
  intent: z.enum(REPLY_INTENTS),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  meeting: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/).optional(),
  referral: z.union([z.string(), z.object({ name: z.string().nullable().optional(), email: z.string().nullable().optional() })]).optional(),
  hard: z.boolean().optional(),
  referral_name: z.string().optional(),
  recipient: z.string().optional(),
  bounce: z.enum(['hard', 'soft']).optional(),
  lang: z.enum(['en', 'de', 'es', 'fr', 'pt']).optional(),
  shape: z.string().optional(),
});
export type Label = z.infer<typeof Label>;

const Sent = z.record(z.string(), z.object({ text: z.string() }).passthrough());

export interface CorpusEntry {
  /** Path relative to the corpus root. */
  file: string;
  label: Label;
  language: string;
  message: InboundMessage;
  /** Our emails this message answers or quotes (by In-Reply-To and References), when known. */
  ours: string[];
}

/** The training corpus, relative to the project root (test/fixtures/replies-holdout is never trained on). */
export const TRAINING_CORPUS = 'test/fixtures/replies';

/** Every .eml under a file or folder, sorted. */
export function emlFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? emlFiles(join(path, entry.name)) : entry.name.endsWith('.eml') ? [join(path, entry.name)] : []))
    .sort();
}

function sentAt(root: string): Record<string, { text: string }> {
  for (const candidate of [join(root, 'sent.json'), join(dirname(root), 'sent.json'), join(dirname(root), 'replies', 'sent.json')]) {
    try {
      return Sent.parse(JSON.parse(readFileSync(candidate, 'utf8')));
    } catch {
      // not there: try the next place
    }
  }
  return {};
}

export async function loadCorpus(root: string): Promise<CorpusEntry[]> {
  const sent = sentAt(root);
  const labels = new Map<string, Record<string, Label>>();
  const entries: CorpusEntry[] = [];
  for (const file of emlFiles(root)) {
    const folder = dirname(file);
    if (!labels.has(folder)) {
      try {
        labels.set(folder, z.record(z.string(), Label).parse(JSON.parse(readFileSync(join(folder, 'labels.json'), 'utf8'))));
      } catch (error) {
        throw new Error(`${join(folder, 'labels.json')}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
    const label = labels.get(folder)![basename(file)];
    if (!label) throw new Error(`no label for ${file}`);
    const message = await parseMessage(readFileSync(file));
    const ours = [...message.inReplyTo, ...message.references].map((id) => sent[id]?.text).filter((text): text is string => Boolean(text));
    entries.push({ file: relative(root, file), label, language: label.lang ?? basename(file).split('-')[1] ?? 'en', message, ours: [...new Set(ours)] });
  }
  return entries;
}
