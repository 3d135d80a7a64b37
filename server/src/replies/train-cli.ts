import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TRAINING_CORPUS, loadCorpus } from './corpus.js';
import { trainingExamples } from './evaluation.js';
import { MODEL_PATH } from './model.js';
import { TRAINING, serialise, train } from './training.js';

/** `npm run train-replies`: trains the reply model from test/fixtures/replies and writes its weights. */

async function main(): Promise<void> {
  const entries = await loadCorpus(TRAINING_CORPUS);
  const file = train(trainingExamples(entries), TRAINING);
  const text = serialise(file);
  writeFileSync(MODEL_PATH, text);
  console.log(`trained on ${entries.length} messages (seed ${TRAINING.seed}, ${TRAINING.epochs} epochs): ${Object.keys(file.weights).length} features, ${(text.length / 1024).toFixed(0)} KiB → ${fileURLToPath(MODEL_PATH)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
