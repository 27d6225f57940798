// What the reports show: metric columns with plain-language definitions, number formats, failure selection.
import type { MetricRow } from './metrics.js';
import type { EvalRun, ItemRun, SystemId } from './run-evaluation.js';

export type MetricKey = Exclude<keyof MetricRow, 'questions' | 'answerable' | 'errors'>;

export interface MetricColumn {
  key: MetricKey;
  /** Column header. */
  short: string;
  label: string;
  kind: 'share' | 'score' | 'ms' | 'count';
  group: 'retrieval' | 'answer' | 'refusal' | 'latency' | 'judge';
  /** What it measures, for readers who do not read the code. */
  definition: string;
}

export const metricColumns: MetricColumn[] = [
  { key: 'recall1', short: 'R@1', label: 'Recall@1', kind: 'share', group: 'retrieval', definition: 'Share of gold evidence quotes overlapped by the first retrieved chunk (same document, overlapping character span).' },
  { key: 'recall5', short: 'R@5', label: 'Recall@5', kind: 'share', group: 'retrieval', definition: 'Share of gold evidence quotes overlapped by one of the top 5 chunks.' },
  { key: 'recall10', short: 'R@10', label: 'Recall@10', kind: 'share', group: 'retrieval', definition: 'Share of gold evidence quotes overlapped by one of the top 10 chunks.' },
  { key: 'mrr', short: 'MRR', label: 'MRR', kind: 'score', group: 'retrieval', definition: 'Mean of 1/rank of the first chunk that overlaps any gold evidence (0 when none of the top k does).' },
  { key: 'ndcg10', short: 'nDCG@10', label: 'nDCG@10', kind: 'score', group: 'retrieval', definition: 'nDCG over the top 10: a chunk gains 1 when it overlaps an evidence quote no higher chunk overlapped; ideal = one chunk per quote first.' },
  { key: 'spanInTop5', short: 'Span@5', label: 'Span in top 5', kind: 'share', group: 'retrieval', definition: 'Share of gold evidence quotes lying wholly inside one of the top 5 chunks (the held-out criterion: the answering sentence is there to read).' },
  { key: 'charsInTop5', short: 'Chars@5', label: 'Characters in top 5', kind: 'count', group: 'retrieval', definition: 'Mean number of characters in the top 5 chunks: bigger chunks make overlap recall easier but leave more to read.' },
  { key: 'factAccuracy', short: 'Facts', label: 'Key-fact accuracy', kind: 'share', group: 'answer', definition: 'Share of answerable questions whose answer contains every key fact (widths folded, whitespace and [n] markers ignored). A refusal contains none.' },
  { key: 'factShare', short: 'Fact share', label: 'Mean fact share', kind: 'share', group: 'answer', definition: 'Mean share of the key facts of a question that the answer contains.' },
  { key: 'citationPrecision', short: 'Cite P', label: 'Citation precision', kind: 'share', group: 'answer', definition: 'Share of citations (answerable questions) whose quote contains a key fact or overlaps gold evidence.' },
  { key: 'goldDocumentRecall', short: 'Gold doc', label: 'Gold-document recall', kind: 'share', group: 'answer', definition: 'Mean share of the gold documents the answer cites.' },
  { key: 'faithfulness', short: 'Faithful', label: 'Faithfulness', kind: 'share', group: 'answer', definition: 'Share of answer sentences supported by the clause they cite. Extractive: the quote is verbatim at its offsets and contains the sentence. Generated: its numbers and ≥ half its wording are in the cited clause. Uncited sentences count as unsupported.' },
  { key: 'refusalPrecision', short: 'Refusal P', label: 'Refusal precision', kind: 'share', group: 'refusal', definition: 'Of the questions the system declined (answered: false), the share the corpus indeed cannot answer.' },
  { key: 'refusalRecall', short: 'Refusal R', label: 'Refusal recall', kind: 'share', group: 'refusal', definition: 'Of the out-of-corpus questions, the share the system declined.' },
  { key: 'falseRefusalRate', short: 'False ref.', label: 'False refusals', kind: 'share', group: 'refusal', definition: 'Share of answerable questions the system declined (lower is better).' },
  { key: 'latencyP50', short: 'p50 ms', label: 'Latency p50', kind: 'ms', group: 'latency', definition: 'Median time from question to answer (product: answerQuestion or the /api/chat round trip; baselines: retrieval + simple answer).' },
  { key: 'latencyP95', short: 'p95 ms', label: 'Latency p95', kind: 'ms', group: 'latency', definition: '95th percentile of the same time.' },
  { key: 'judgeCorrectness', short: 'Judge corr.', label: 'LLM judge: correctness', kind: 'share', group: 'judge', definition: 'LLM-graded correctness against the gold evidence (0, ½, 1), when an LLM is configured.' },
  { key: 'judgeGroundedness', short: 'Judge ground.', label: 'LLM judge: groundedness', kind: 'share', group: 'judge', definition: 'LLM-graded support of the answer by its cited quotes (0, ½, 1), when an LLM is configured.' },
];

/** Columns with a value for some system (judge columns disappear when no judge ran). */
export function shownColumns(run: EvalRun, groups?: MetricColumn['group'][]): MetricColumn[] {
  const rows = Object.values(run.overall);
  return metricColumns.filter((column) => (!groups || groups.includes(column.group)) && rows.some((row) => row?.[column.key] !== undefined));
}

/** The main table, in two parts so each fits a page: retrieval, then answers, refusals and latency. */
export const mainTableParts: { title: string; groups: MetricColumn['group'][] }[] = [
  { title: 'Retrieval', groups: ['retrieval'] },
  { title: 'Answers, refusals, latency', groups: ['answer', 'refusal', 'latency', 'judge'] },
];

/** Shares as percentages with one decimal, scores with three decimals, times in whole ms; "–" when not measurable. */
export function formatValue(value: number | undefined, kind: MetricColumn['kind']): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  if (kind === 'share') return `${(value * 100).toFixed(1)}%`;
  if (kind === 'score') return value.toFixed(3);
  if (kind === 'count') return String(Math.round(value));
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}

/** The metrics most worth a chart, in order. */
export const chartedMetrics: MetricKey[] = ['recall5', 'mrr', 'ndcg10', 'spanInTop5', 'factAccuracy', 'citationPrecision', 'faithfulness', 'refusalRecall'];

/** Per-type tables: the metrics meaningful for a split by question type. */
export const perTypeMetrics: MetricKey[] = ['recall5', 'mrr', 'ndcg10', 'spanInTop5', 'factAccuracy', 'citationPrecision', 'faithfulness', 'falseRefusalRate', 'refusalRecall'];

export const column = (key: MetricKey): MetricColumn => metricColumns.find((candidate) => candidate.key === key)!;

/** Why a question counts as a failure for a system (empty when it does not). */
export function failureReasons(run: ItemRun, system: SystemId): string[] {
  const result = run.results[system];
  if (!result) return [];
  const { scores } = result;
  const reasons: string[] = [];
  if (scores.error) reasons.push(`error: ${scores.error}`);
  if (!run.item.answerable) {
    if (scores.answered) reasons.push('answered an out-of-corpus question');
    return reasons;
  }
  if (scores.retrieval && scores.retrieval.recall5 < 1) reasons.push(scores.retrieval.recall5 === 0 ? 'evidence not in top 5' : `only ${Math.round(scores.retrieval.recall5 * 100)}% of evidence in top 5`);
  if (!scores.answered) reasons.push('declined an answerable question');
  else if (!scores.allFacts) reasons.push(`missing fact${result.missingFacts.length > 1 ? 's' : ''}: ${result.missingFacts.join('、')}`);
  if (result.unsupported.length > 0) reasons.push(`${result.unsupported.length} unsupported sentence(s)`);
  return reasons;
}

/** The system whose failures the report lists: the product when it ran, else the last system. */
export function focusSystem(run: EvalRun): SystemId | undefined {
  return run.systems.find((system) => system.id === 'product')?.id ?? run.systems[run.systems.length - 1]?.id;
}

/** Other systems that had the evidence in their top 5 where the focus system did not. */
export function foundByOthers(run: ItemRun, systems: SystemId[], focus: SystemId): SystemId[] {
  return systems.filter((id) => id !== focus && (run.results[id]?.scores.retrieval?.recall5 ?? 0) >= 1);
}

/** A heading path for display: "（一）… › 1. …", or "(no heading)". */
export function sectionLabel(section: string[]): string {
  return section.length > 0 ? section.join(' › ') : '(no heading)';
}
