// Two runs of the same set compared: metrics side by side over their common questions with paired
// bootstrap intervals of the difference, and the questions that flipped. Also the JSON a run is
// stored as: test items keep their scores only, under a hashed id (their failures are never written).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { bootstrapIntervals, pairedDeltaIntervals, resampleIndexes, type IntervalRow } from './bootstrap.js';
import type { Split } from './load-dataset.js';
import { aggregate, type ItemScores, type MetricRow } from './metrics.js';
import { reportFormat, rowScores, splitsOf, type AnswerResult, type AnswerRow, type EvalRun, type ItemRun } from './run-evaluation.js';

/** A test item's id as stored: the same across runs, not readable as the question's id. */
export function storedTestId(id: string): string {
  return `test-${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}

function scoresOnly(result: AnswerResult): AnswerResult {
  const { error, ...scores } = result.scores;
  return {
    answer: { answer: '', answered: result.answer.answered, citations: [] },
    scores: error === undefined ? scores : { ...scores, error: 'error' },
    missingFacts: [],
    unsupported: [],
  };
}

/** A test item reduced to what aggregates and comparisons need: type, truth and scores. */
function storedTestItem(entry: ItemRun): ItemRun {
  const { item } = entry;
  const results: ItemRun['results'] = {};
  for (const [id, result] of Object.entries(entry.results) as [keyof ItemRun['results'], NonNullable<ItemRun['results'][keyof ItemRun['results']]>][]) {
    results[id] = { ...scoresOnly(result), retrievalQuery: '', retrieved: [], simple: result.simple ? scoresOnly(result.simple) : undefined };
  }
  return {
    item: { id: storedTestId(item.id), type: item.type, split: 'test', mode: item.mode, question: '', history: [], answerable: item.answerable, documents: [], evidence: [], superseded: [], facts: [] },
    evidence: [],
    groups: [],
    superseded: [],
    results,
  };
}

/** The run as written to JSON: dev items whole, test items as scores only. */
export function storedRun(run: EvalRun): EvalRun {
  return { ...run, items: run.items.map((entry) => (entry.item.split === 'test' ? storedTestItem(entry) : entry)) };
}

/** Reads a run's JSON report, refusing other files and older formats. */
export async function readStoredRun(path: string): Promise<EvalRun> {
  let parsed: Partial<EvalRun>;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<EvalRun>;
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed.format !== reportFormat || !Array.isArray(parsed.items) || !Array.isArray(parsed.rows)) {
    throw new Error(`${path} is not an eval report of format ${reportFormat} (written by npm run eval of this version; found format ${parsed.format ?? 'none'})`);
  }
  return parsed as EvalRun;
}

/** Whether a system handled a question right: all key facts for an answerable one, a refusal otherwise. */
export function passes(scores: ItemScores | undefined): boolean | undefined {
  if (!scores) return undefined;
  return scores.answerable ? scores.allFacts === true : !scores.answered;
}

/** One metric row of both runs over the common questions, with intervals and the paired difference. */
export interface ComparedRow {
  row: AnswerRow;
  before: MetricRow;
  after: MetricRow;
  beforeIntervals: IntervalRow;
  afterIntervals: IntervalRow;
  deltaIntervals: IntervalRow;
}

/** A question whose outcome changed between the runs (dev items carry both answers). */
export interface Flip {
  id: string;
  type: string;
  split: Split;
  direction: 'pass-to-fail' | 'fail-to-pass';
  before?: ItemRun;
  after?: ItemRun;
}

export interface ComparedPart {
  splits: Split[];
  questions: number;
  rows: ComparedRow[];
  /** By question type: how many flipped each way. */
  flipCounts: Record<string, { passToFail: number; failToPass: number; questions: number }>;
}

export interface Comparison {
  before: Pick<EvalRun, 'dataset' | 'target' | 'startedAt' | 'answerModel' | 'dense' | 'synonymsFile' | 'k'>;
  after: Pick<EvalRun, 'dataset' | 'target' | 'startedAt' | 'answerModel' | 'dense' | 'synonymsFile' | 'k'>;
  onlyBefore: number;
  onlyAfter: number;
  parts: ComparedPart[];
  /** Dev flips only, with both answers. */
  devFlips: Flip[];
  /** The system whose flips are listed. */
  system: string;
  /** The systems of the newer run, for row labels. */
  systems: EvalRun['systems'];
}

const header = ({ dataset, target, startedAt, answerModel, dense, synonymsFile, k }: EvalRun) => ({ dataset, target, startedAt, answerModel, dense, synonymsFile, k });

/** Compares two stored runs over the questions both answered, row by row and question by question. */
export function compareRuns(before: EvalRun, after: EvalRun): Comparison {
  const afterById = new Map(after.items.map((entry) => [entry.item.id, entry]));
  const beforeIds = new Set(before.items.map((entry) => entry.item.id));
  const pairs = before.items.flatMap((entry) => {
    const other = afterById.get(entry.item.id);
    return other ? [{ before: entry, after: other }] : [];
  });
  const rows = before.rows.filter((row) => after.rows.some((other) => other.key === row.key));
  const system = rows.some((row) => row.key === 'product') ? 'product' : (rows[rows.length - 1]?.key ?? 'product');
  const focus = rows.find((row) => row.key === system);
  const present = splitsOf(pairs.map((pair) => pair.after));
  const groups: Split[][] = present.length > 1 ? [...present.map((split) => [split]), present] : [present];
  const parts = groups.map((splits): ComparedPart => {
    const subset = pairs.filter((pair) => splits.includes(pair.after.item.split));
    const draws = resampleIndexes(subset.length);
    const compared = rows.flatMap((row): ComparedRow[] => {
      const both = subset.flatMap((pair) => {
        const a = rowScores(pair.before, row);
        const b = rowScores(pair.after, row);
        return a && b ? [{ a, b }] : [];
      });
      if (both.length === 0) return [];
      const a = both.map((pair) => pair.a);
      const b = both.map((pair) => pair.b);
      const same = both.length === subset.length ? draws : resampleIndexes(both.length);
      return [{ row, before: aggregate(a), after: aggregate(b), beforeIntervals: bootstrapIntervals(a, { draws: same }), afterIntervals: bootstrapIntervals(b, { draws: same }), deltaIntervals: pairedDeltaIntervals(a, b, { draws: same }) }];
    });
    const flipCounts: ComparedPart['flipCounts'] = {};
    for (const pair of subset) {
      const counts = (flipCounts[pair.after.item.type] ??= { passToFail: 0, failToPass: 0, questions: 0 });
      counts.questions++;
      if (!focus) continue;
      const was = passes(rowScores(pair.before, focus));
      const is = passes(rowScores(pair.after, focus));
      if (was === true && is === false) counts.passToFail++;
      if (was === false && is === true) counts.failToPass++;
    }
    return { splits, questions: subset.length, rows: compared, flipCounts };
  });
  const devFlips: Flip[] = [];
  if (focus) {
    for (const pair of pairs) {
      if (pair.after.item.split !== 'dev') continue;
      const was = passes(rowScores(pair.before, focus));
      const is = passes(rowScores(pair.after, focus));
      if (was === undefined || is === undefined || was === is) continue;
      devFlips.push({ id: pair.after.item.id, type: pair.after.item.type, split: 'dev', direction: was ? 'pass-to-fail' : 'fail-to-pass', before: pair.before, after: pair.after });
    }
  }
  return {
    before: header(before),
    after: header(after),
    onlyBefore: before.items.length - pairs.length,
    onlyAfter: after.items.filter((entry) => !beforeIds.has(entry.item.id)).length,
    parts,
    devFlips,
    system,
    systems: after.systems,
  };
}
