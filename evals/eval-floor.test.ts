// Regression floor: fixed subsets of the eval sets, run in-process (lexical index, extractive answers),
// must stay above floors set a few points under the measured values (see evals/README.md).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../server/config';
import { openInProcessTarget, type EvalTarget } from './eval-target';
import { loadDataset, type EvalItem } from './load-dataset';
import { runEvaluation, type EvalRun } from './run-evaluation';

/**
 * Measured on 2026-12-06 with the subsets below (product = lexical retrieval, as without an embedding
 * model, + answerQuestion); the comments give the measured values. Raise the floors when the product
 * improves; never set them to zero. The seed sets' key facts fell from 0.88/0.87 when the synonym and
 * domain-word tables tuned to their questions were removed (issue 11); the floors follow the product
 * as it is now.
 */
const floors = {
  // measured: recall@5 0.904, MRR 0.92, key facts 0.76, citation precision 0.41, faithfulness 1.0, refusal recall 1.0, Doc@5 0.964
  // (citation precision fell from 0.53 when a topic spread over several sections of a document came
  // to list each of them: every listed clause is cited, not only those that hold a key fact)
  policy: { recall5: 0.86, mrr: 0.86, factAccuracy: 0.7, citationPrecision: 0.37, faithfulness: 0.98, refusalRecall: 0.8, documentsInTop5: 0.9 },
  // measured: answer span in top 5 1.0, recall@5 1.0, key facts 0.93
  heldout: { spanInTop5: 0.86, recall5: 0.86, factAccuracy: 0.8 },
  // measured: recall@5 0.946, key facts 0.839, refusal recall 1.0, false refusals 0.065 (2 of 31)
  fresh: { recall5: 0.9, factAccuracy: 0.78, refusalRecall: 0.75, maxFalseRefusal: 0.12 },
  // measured: answer span in top 5 0.933, key facts 0.9
  notices: { spanInTop5: 0.88, factAccuracy: 0.8 },
  // measured (69 of 206 questions, lexical): answer span in top 5 0.717, key facts 0.683, false refusals 0.05,
  // refusal recall 0.444 (4 of 9; 6 of 9 before a title word the sentence says came to count for the
  // question, which took the false refusals on all dev splits from 5.8 to 4.8%)
  regulations: { spanInTop5: 0.65, factAccuracy: 0.62, maxFalseRefusal: 0.09, refusalRecall: 0.4 },
  // measured (all 43 analyst questions on the seeds): gold clauses cited 0.52
  analysts: { goldClauseRecall: 0.47 },
};

/** The first five questions of every type: 30 across factual, reworded, cross, summary, out_of_corpus, followup. */
function policySubset(items: EvalItem[]): EvalItem[] {
  const types = [...new Set(items.map((item) => item.type))];
  return types.flatMap((type) => items.filter((item) => item.type === type).slice(0, 5));
}

/** Every twelfth held-out question: 15 spread over the notices. */
const heldoutSubset = (items: EvalItem[]) => items.filter((_, i) => i % 12 === 0).slice(0, 15);
/** Every other question of the fresh seed set (written without seeing the product): 35 of all types. */
const freshSubset = (items: EvalItem[]) => items.filter((_, i) => i % 2 === 0);
/** Every fourth question over the fresh notices that name their city: 30. */
const noticesSubset = (items: EvalItem[]) => items.filter((_, i) => i % 4 === 0);
/** Every third question of the regulation set (written from the real regulations by a helper): 69 of all types. */
const regulationsSubset = (items: EvalItem[]) => items.filter((_, i) => i % 3 === 0);

const config = parseConfig({ LOG_LEVEL: 'silent' });
const targets: EvalTarget[] = [];
let policy: EvalRun;
let heldout: EvalRun;
let fresh: EvalRun;
let notices: EvalRun;
let regulations: EvalRun;
let analysts: EvalRun;

beforeAll(async () => {
  const policyTarget = await openInProcessTarget({ corpusDir: 'corpus', config, embeddingModel: null });
  targets.push(policyTarget);
  policy = await runEvaluation({ items: policySubset(await loadDataset('evals/datasets/policy-qa.jsonl')), target: policyTarget, dataset: 'policy-qa subset', systems: ['naive', 'char-bm25', 'product'] });
  const heldoutTarget = await openInProcessTarget({ corpusDir: 'evals/heldout/notices', config, embeddingModel: null });
  targets.push(heldoutTarget);
  heldout = await runEvaluation({ items: heldoutSubset(await loadDataset('evals/heldout/questions.jsonl')), target: heldoutTarget, dataset: 'held-out subset', systems: ['product'] });
  fresh = await runEvaluation({ items: freshSubset(await loadDataset('evals/fresh/seeds-qa.jsonl')), target: policyTarget, dataset: 'fresh subset', systems: ['product'] });
  analysts = await runEvaluation({ items: await loadDataset('evals/analysts/seeds.jsonl'), target: policyTarget, dataset: 'analysts (seeds)', systems: ['product'] });
  const noticesTarget = await openInProcessTarget({ corpusDir: 'evals/fresh/notices-p', config, embeddingModel: null });
  targets.push(noticesTarget);
  notices = await runEvaluation({ items: noticesSubset(await loadDataset('evals/fresh/notices-p-questions.jsonl')), target: noticesTarget, dataset: 'fresh notices subset', systems: ['product'] });
  const regulationsTarget = await openInProcessTarget({ corpusDir: 'evals/corpora/regulations', config, embeddingModel: null });
  targets.push(regulationsTarget);
  regulations = await runEvaluation({ items: regulationsSubset(await loadDataset('evals/regulations/questions.jsonl')), target: regulationsTarget, dataset: 'regulations subset', systems: ['naive', 'product'] });
}, 600_000);

afterAll(async () => {
  await Promise.all(targets.map((target) => target.close()));
});

describe('eval regression floor', () => {
  it('runs the fixed subsets', () => {
    expect(policy.items).toHaveLength(30);
    expect(new Set(policy.items.map((item) => item.item.type)).size).toBe(6);
    expect(heldout.items).toHaveLength(15);
    expect(regulations.items.length).toBeGreaterThanOrEqual(60);
    expect(policy.notes.join(' ')).not.toMatch(/could not be found|failed with an error/);
  });

  it('keeps retrieval, answer and refusal quality on the policy questions', () => {
    const product = policy.overall.product!;
    expect(product.recall5).toBeGreaterThanOrEqual(floors.policy.recall5);
    expect(product.mrr).toBeGreaterThanOrEqual(floors.policy.mrr);
    expect(product.factAccuracy).toBeGreaterThanOrEqual(floors.policy.factAccuracy);
    expect(product.citationPrecision).toBeGreaterThanOrEqual(floors.policy.citationPrecision);
    expect(product.faithfulness).toBeGreaterThanOrEqual(floors.policy.faithfulness);
    expect(product.refusalRecall).toBeGreaterThanOrEqual(floors.policy.refusalRecall);
  });

  it('answers better than retrieval-only baselines, in their simple and their fair form', () => {
    expect(policy.overall.product!.factAccuracy!).toBeGreaterThan(policy.overall['char-bm25:simple']!.factAccuracy!);
    expect(policy.overall.product!.factAccuracy!).toBeGreaterThan(policy.overall.naive!.factAccuracy!);
    expect(policy.overall.product!.answerPrecision!).toBeGreaterThan(policy.overall.naive!.answerPrecision!);
    expect(regulations.overall.product!.factAccuracy!).toBeGreaterThan(regulations.overall.naive!.factAccuracy!);
  });

  it('keeps the right documents in the top 5', () => {
    expect(policy.overall.product!.documentsInTop5!).toBeGreaterThanOrEqual(floors.policy.documentsInTop5);
  });

  it('keeps quality on questions written without seeing the product', () => {
    expect(fresh.items).toHaveLength(35);
    const product = fresh.overall.product!;
    expect(product.recall5).toBeGreaterThanOrEqual(floors.fresh.recall5);
    expect(product.factAccuracy).toBeGreaterThanOrEqual(floors.fresh.factAccuracy);
    expect(product.refusalRecall).toBeGreaterThanOrEqual(floors.fresh.refusalRecall);
    expect(product.falseRefusalRate).toBeLessThanOrEqual(floors.fresh.maxFalseRefusal);
    const place = notices.overall.product!;
    expect(notices.items).toHaveLength(30);
    expect(place.spanInTop5).toBeGreaterThanOrEqual(floors.notices.spanInTop5);
    expect(place.factAccuracy).toBeGreaterThanOrEqual(floors.notices.factAccuracy);
  });

  it('keeps the answering sentence in the top 5 chunks on held-out notices', () => {
    const product = heldout.overall.product!;
    expect(product.spanInTop5).toBeGreaterThanOrEqual(floors.heldout.spanInTop5);
    expect(product.recall5).toBeGreaterThanOrEqual(floors.heldout.recall5);
    expect(product.factAccuracy).toBeGreaterThanOrEqual(floors.heldout.factAccuracy);
  });

  it('keeps answer quality on the real regulations and cites the analysts\' gold clauses', () => {
    const product = regulations.overall.product!;
    expect(product.spanInTop5).toBeGreaterThanOrEqual(floors.regulations.spanInTop5);
    expect(product.factAccuracy).toBeGreaterThanOrEqual(floors.regulations.factAccuracy);
    expect(product.falseRefusalRate).toBeLessThanOrEqual(floors.regulations.maxFalseRefusal);
    expect(product.refusalRecall).toBeGreaterThanOrEqual(floors.regulations.refusalRecall);
    expect(analysts.overall.product!.goldClauseRecall).toBeGreaterThanOrEqual(floors.analysts.goldClauseRecall);
  });

  it('reports the measured values', () => {
    const show = (run: EvalRun) => {
      const { recall5, spanInTop5, factAccuracy, falseRefusalRate, refusalRecall, goldClauseRecall, citationPrecision, documentsInTop5, mrr } = run.overall.product!;
      return { recall5, spanInTop5, factAccuracy, falseRefusalRate, refusalRecall, goldClauseRecall, citationPrecision, documentsInTop5, mrr };
    };
    console.log(JSON.stringify({ policy: show(policy), heldout: show(heldout), fresh: show(fresh), notices: show(notices), regulations: show(regulations), analysts: show(analysts) }, null, 1));
  });
});
