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
  private readonly weights = new Map<string, [number, number][]>();
  readonly classes: ReplyIntent[];

  constructor(file: ModelFile) {
    this.classes = file.classes;
    for (const [feature, packed] of Object.entries(file.weights)) {
      this.weights.set(
        feature,
        packed.split(' ').map((pair) => {
          const [index, weight] = pair.split(':');
          return [Number(index), Number(weight)] as [number, number];
        }),
      );
    }
  }

  /** Probabilities over the classes, restricted to `allowed` when given (the others get 0). */
  score(features: readonly string[], allowed?: ReadonlySet<ReplyIntent>): Scores {
    const logits = new Float64Array(this.classes.length);
    const scale = featureScale(features.length);
    for (const feature of features) {
      for (const [index, weight] of this.weights.get(feature) ?? []) logits[index]! += weight * scale * featureValue(feature);
    }
    let max = -Infinity;
    for (const [index, intent] of this.classes.entries()) if (!allowed || allowed.has(intent)) max = Math.max(max, logits[index]!);
    let sum = 0;
    const exp = new Float64Array(this.classes.length);
    for (const [index, intent] of this.classes.entries()) {
      if (allowed && !allowed.has(intent)) continue;
      exp[index] = Math.exp(logits[index]! - max);
      sum += exp[index]!;
    }
    const probabilities = new Map<ReplyIntent, number>();
    for (const [index, intent] of this.classes.entries()) probabilities.set(intent, sum > 0 ? exp[index]! / sum : 0);
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

/** For tests and the trainer: use this model instead of the shipped file. */
export function useModel(model: ReplyModel | null): void {
  shipped = model;
}
