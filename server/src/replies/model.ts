import { readFileSync } from 'node:fs';
import { REPLY_INTENTS, type ReplyIntent } from '../domain/reply-intents.js';

/**
 * The reply model: a multinomial logistic regression over the features of features.ts, trained by
 * `npm run train-replies` from the labelled corpus (training.ts). Its weights are a committed JSON
 * file: per feature, the classes it moves and by how much.
 */
export interface ModelFile {
  version: 1;
  classes: ReplyIntent[];
  /** Feature → "classIndex:weight classIndex:weight …" (weights below the pruning step left out). */
  weights: Record<string, string>;
  trainedOn: { messages: number; seed: number; epochs: number };
}

export interface Scores {
  /** Probability per intent, summing to 1. */
  probabilities: Map<ReplyIntent, number>;
}

/** Each present feature counts 1/√n: long and short replies speak with the same voice. */
export function featureScale(count: number): number {
  return count > 0 ? 1 / Math.sqrt(count) : 0;
}

/** The old phrase rules and the automatic-reply header speak louder than one word among hundreds. */
export const STRONG_FEATURE = /^(rule:|has:auto-header|has:ticket)/;
export const STRONG_VALUE = 4;

export function featureValue(feature: string): number {
  return STRONG_FEATURE.test(feature) ? STRONG_VALUE : 1;
}

export class ReplyModel {
  /** Per feature, its weight for every class (dense: a few MB at most, and a plain sum to score). */
  private readonly weights = new Map<string, Float64Array>();
  readonly classes: ReplyIntent[];

  constructor(file: ModelFile) {
    this.classes = file.classes;
    for (const [feature, packed] of Object.entries(file.weights)) {
      const row = new Float64Array(this.classes.length);
      // The feature's value is folded into its weights once.
      const value = featureValue(feature);
      for (const pair of packed.split(' ')) {
        const colon = pair.indexOf(':');
        row[Number(pair.slice(0, colon))] = Number(pair.slice(colon + 1)) * value;
      }
      this.weights.set(feature, row);
    }
  }

  /** Probabilities over the classes, restricted to `allowed` when given (the others get 0). */
  score(features: readonly string[], allowed?: ReadonlySet<ReplyIntent>): Scores {
    const k = this.classes.length;
    const logits = new Float64Array(k);
    const scale = featureScale(features.length);
    for (const feature of features) {
      const row = this.weights.get(feature);
      if (row) for (let c = 0; c < k; c += 1) logits[c]! += row[c]! * scale;
    }
    const open = this.classes.map((intent) => !allowed || allowed.has(intent));
    let max = -Infinity;
    for (let c = 0; c < k; c += 1) if (open[c]) max = Math.max(max, logits[c]!);
    let sum = 0;
    for (let c = 0; c < k; c += 1) {
      logits[c] = open[c] ? Math.exp(logits[c]! - max) : 0;
      sum += logits[c]!;
    }
    const probabilities = new Map<ReplyIntent, number>();
    for (let c = 0; c < k; c += 1) probabilities.set(this.classes[c]!, sum > 0 ? logits[c]! / sum : 0);
    return { probabilities };
  }
}

export const MODEL_PATH = new URL('./model/reply-model.json', import.meta.url);

let shipped: ReplyModel | null = null;

/** The shipped model, read once. */
export function shippedModel(): ReplyModel {
  if (!shipped) {
    const file = JSON.parse(readFileSync(MODEL_PATH, 'utf8')) as ModelFile;
    if (file.version !== 1 || file.classes.some((intent) => !REPLY_INTENTS.includes(intent))) throw new Error(`unreadable reply model at ${MODEL_PATH.pathname}`);
    shipped = new ReplyModel(file);
  }
  return shipped;
}
