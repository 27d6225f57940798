// Regression floor for the neural path: with bge-small-zh-v1.5 loaded, the product's hybrid retrieval must
// stay close to lexical-only on a fixed subset of the policy questions, and dense retrieval alone must stay
// far above chance, so a change that breaks embedding fails CI. Runs when `npm run models -- fetch` has put
// the model under MODELS_DIR (CI does); skipped with a message otherwise.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config';
import { openInProcessTarget, type EvalTarget } from './eval-target';
import { loadDataset, type EvalItem } from './load-dataset';
import { runEvaluation, type EvalRun } from './run-evaluation';

const modelId = 'Xenova/bge-small-zh-v1.5';
const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const modelsDir = resolve(repoRoot, parseConfig(process.env).MODELS_DIR);
const present = existsSync(join(modelsDir, modelId, 'config.json'));
if (!present) console.warn(`skipping the dense eval floor: no ${modelId} in ${modelsDir} (run npm run models -- fetch)`);

/**
 * Measured on 2026-12-06 on the subset below with the quantized model, before any fusion calibration:
 * lexical-only product recall@5 0.904, key facts 0.76 (19 of 25), refusals 5 of 5; hybrid product recall@5
 * 0.869, key facts 0.72 (18 of 25), refusals 5 of 5; dense retriever alone recall@5 0.771. Hybrid may not
 * fall more than `margin` (about one question of 25) under lexical-only; dense alone keeps a floor that a
 * broken model (random or misaligned vectors: recall@5 near 5 in 127 chunks) cannot reach.
 */
const floors = { margin: 0.05, denseRecall5: 0.6 };

/** The first five questions of every type: 30 across factual, reworded, cross, summary, out_of_corpus, followup. */
function policySubset(items: EvalItem[]): EvalItem[] {
  const types = [...new Set(items.map((item) => item.type))];
  return types.flatMap((type) => items.filter((item) => item.type === type).slice(0, 5));
}

describe.skipIf(!present)(`eval floor with dense retrieval (${modelId}; needs npm run models -- fetch)`, () => {
  const config = parseConfig({ LOG_LEVEL: 'silent', MODELS_DIR: modelsDir, EMBEDDING_MODEL: modelId, ALLOW_REMOTE_MODELS: 'false' });
  const targets: EvalTarget[] = [];
  let hybrid: EvalRun;
  let lexical: EvalRun;

  beforeAll(async () => {
    const items = policySubset(await loadDataset('evals/datasets/policy-qa.jsonl'));
    const denseTarget = await openInProcessTarget({ corpusDir: 'corpus', config });
    targets.push(denseTarget);
    hybrid = await runEvaluation({ items, target: denseTarget, dataset: 'policy-qa subset, dense on', systems: ['dense', 'product'] });
    const lexicalTarget = await openInProcessTarget({ corpusDir: 'corpus', config, embeddingModel: null });
    targets.push(lexicalTarget);
    lexical = await runEvaluation({ items, target: lexicalTarget, dataset: 'policy-qa subset, lexical only', systems: ['product'] });
    // Generous: on a loaded 2-core machine embedding the seeds and 60 queries can take minutes.
  }, 15 * 60_000);

  afterAll(async () => {
    await Promise.all(targets.map((target) => target.close()));
  });

  it('runs with dense retrieval on', () => {
    expect(targets[0].dense).toBe(true);
    expect(hybrid.items).toHaveLength(30);
    expect(hybrid.overall.dense).toBeDefined();
  });

  it('keeps hybrid retrieval and answers within a small margin of lexical-only', () => {
    const withDense = hybrid.overall.product!;
    const lexicalOnly = lexical.overall.product!;
    expect(withDense.recall5).toBeGreaterThanOrEqual(lexicalOnly.recall5! - floors.margin);
    expect(withDense.factAccuracy).toBeGreaterThanOrEqual(lexicalOnly.factAccuracy! - floors.margin);
    expect(withDense.refusalRecall).toBeGreaterThanOrEqual(lexicalOnly.refusalRecall! - floors.margin);
  });

  it('finds the gold clause with dense retrieval alone far above chance', () => {
    expect(hybrid.overall.dense!.recall5).toBeGreaterThanOrEqual(floors.denseRecall5);
  });
});
