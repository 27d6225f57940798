// Bootstrap confidence intervals over questions: resample the questions with replacement, recompute
// each metric, take the percentiles. Seeded, so the same run always prints the same intervals.
import { contributions, ratioMetricKeys, type ItemScores, type RatioMetric } from './metrics.js';

export const bootstrapDefaults = { resamples: 1000, seed: 20261206, level: 0.95 };

/** A [low, high] interval. */
export type Interval = [number, number];
export type IntervalRow = Partial<Record<RatioMetric, Interval>>;

/** Mulberry32: a small, fast, seeded generator of uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `resamples` draws of n question indexes with replacement, the same for a given seed. */
export function resampleIndexes(n: number, { resamples = bootstrapDefaults.resamples, seed = bootstrapDefaults.seed } = {}): Int32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: resamples }, () => {
    const draw = new Int32Array(n);
    for (let i = 0; i < n; i++) draw[i] = Math.floor(random() * n);
    return draw;
  });
}

/** Quantile q (0–1) of values, linear between order statistics (numpy's default); undefined when empty. */
export function quantile(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** The central `level` interval of a list of bootstrap statistics (percentile method). */
export function percentileInterval(statistics: number[], level = bootstrapDefaults.level): Interval | undefined {
  const low = quantile(statistics, (1 - level) / 2);
  const high = quantile(statistics, 1 - (1 - level) / 2);
  return low === undefined || high === undefined ? undefined : [low, high];
}

/** Each ratio metric over one resample; NaN when no drawn question counts for it. */
function resampledRatios(parts: ReturnType<typeof contributions>, draw: Int32Array): Record<RatioMetric, number> {
  const result = {} as Record<RatioMetric, number>;
  for (const key of ratioMetricKeys) {
    const { numerators, denominators } = parts[key];
    let numerator = 0;
    let denominator = 0;
    for (let i = 0; i < draw.length; i++) {
      numerator += numerators[draw[i]];
      denominator += denominators[draw[i]];
    }
    result[key] = denominator === 0 ? Number.NaN : numerator / denominator;
  }
  return result;
}

/**
 * 95% intervals of every ratio metric of one system over its questions. Resamples in which no drawn
 * question counts for a metric (no refusal, say) are left out of that metric's interval.
 */
export function bootstrapIntervals(scores: ItemScores[], { draws = resampleIndexes(scores.length), level = bootstrapDefaults.level }: { draws?: Int32Array[]; level?: number } = {}): IntervalRow {
  if (scores.length === 0) return {};
  const parts = contributions(scores);
  const statistics = Object.fromEntries(ratioMetricKeys.map((key) => [key, [] as number[]])) as Record<RatioMetric, number[]>;
  for (const draw of draws) {
    const ratios = resampledRatios(parts, draw);
    for (const key of ratioMetricKeys) if (!Number.isNaN(ratios[key])) statistics[key].push(ratios[key]);
  }
  const row: IntervalRow = {};
  for (const key of ratioMetricKeys) {
    const interval = percentileInterval(statistics[key], level);
    if (interval) row[key] = interval;
  }
  return row;
}

/**
 * Paired bootstrap of new − old over the same questions (`before[i]` and `after[i]` score the same
 * question): the interval of the difference, for every ratio metric both runs measure.
 */
export function pairedDeltaIntervals(before: ItemScores[], after: ItemScores[], { draws = resampleIndexes(before.length), level = bootstrapDefaults.level }: { draws?: Int32Array[]; level?: number } = {}): IntervalRow {
  if (before.length !== after.length) throw new Error(`paired bootstrap needs the same questions: ${before.length} against ${after.length}`);
  if (before.length === 0) return {};
  const old = contributions(before);
  const current = contributions(after);
  const statistics = Object.fromEntries(ratioMetricKeys.map((key) => [key, [] as number[]])) as Record<RatioMetric, number[]>;
  for (const draw of draws) {
    const a = resampledRatios(old, draw);
    const b = resampledRatios(current, draw);
    for (const key of ratioMetricKeys) if (!Number.isNaN(a[key]) && !Number.isNaN(b[key])) statistics[key].push(b[key] - a[key]);
  }
  const row: IntervalRow = {};
  for (const key of ratioMetricKeys) {
    const interval = percentileInterval(statistics[key], level);
    if (interval) row[key] = interval;
  }
  return row;
}
