// `--fail-below metric=value[,…]`: thresholds on the product's metrics, for CI. A metric may name a
// split (`test.factAccuracy=0.8`); without one it is read over every question of the run.
import type { Split } from './load-dataset.js';
import { metricColumns, type MetricKey } from './report-format.js';
import type { EvalRun } from './run-evaluation.js';

export interface FailBelow {
  metric: MetricKey;
  split?: Split;
  value: number;
}

/** Parses "factAccuracy=0.85,test.spanInTop5=90%"; throws naming the bad part. */
export function parseFailBelow(text: string | undefined): FailBelow[] {
  if (!text) return [];
  const known = metricColumns.map((entry) => entry.key);
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = part.match(/^(?:(dev|test)\.)?([A-Za-z0-9]+)\s*=\s*(-?\d+(?:\.\d+)?)(%?)$/);
      if (!match) throw new Error(`--fail-below: "${part}" is not metric=value (e.g. factAccuracy=0.85 or test.spanInTop5=90%)`);
      const [, split, metric, number, percent] = match;
      if (!(known as string[]).includes(metric)) throw new Error(`--fail-below: unknown metric ${metric}; choose from ${known.join(', ')}`);
      const entry = metricColumns.find((candidate) => candidate.key === metric)!;
      const value = Number(number) / (percent ? 100 : 1);
      if (entry.kind === 'share' && (value < 0 || value > 1)) throw new Error(`--fail-below: ${metric} is a share: give 0–1 or a percentage, got ${number}${percent}`);
      return { metric: metric as MetricKey, split: split as Split | undefined, value };
    });
}

/** The thresholds the product misses (a metric the run could not measure counts as missed). */
export function failedThresholds(run: Pick<EvalRun, 'tables' | 'overall'>, thresholds: FailBelow[]): (FailBelow & { actual?: number; description: string })[] {
  return thresholds.flatMap((threshold) => {
    const table = threshold.split ? run.tables.find((candidate) => candidate.splits.length === 1 && candidate.splits[0] === threshold.split) : undefined;
    const row = threshold.split ? table?.overall.product : run.overall.product;
    const actual = row?.[threshold.metric];
    const where = threshold.split ? `${threshold.split}.${threshold.metric}` : threshold.metric;
    if (actual === undefined || Number.isNaN(actual)) return [{ ...threshold, description: `${where} could not be measured (threshold ${threshold.value})` }];
    return actual < threshold.value ? [{ ...threshold, actual, description: `${where} ${actual.toFixed(4)} < ${threshold.value}` }] : [];
  });
}
