// --fail-below: thresholds parsed strictly, checked against the product row of a run.
import { describe, expect, it } from 'vitest';
import { failedThresholds, parseFailBelow } from './fail-below';
import type { MetricRow } from './metrics';
import type { MetricTable } from './run-evaluation';

const row = (values: Partial<MetricRow>): MetricRow => ({ questions: 10, answerable: 10, errors: 0, ...values });
const table = (split: 'dev' | 'test', product: Partial<MetricRow>) => ({ splits: [split], overall: { product: row(product) } }) as unknown as MetricTable;

describe('--fail-below', () => {
  it('reads shares as fractions or percentages, with an optional split', () => {
    expect(parseFailBelow('factAccuracy=0.85, test.spanInTop5=90%')).toEqual([
      { metric: 'factAccuracy', split: undefined, value: 0.85 },
      { metric: 'spanInTop5', split: 'test', value: 0.9 },
    ]);
    expect(parseFailBelow(undefined)).toEqual([]);
  });

  it('rejects unknown metrics and shares outside 0–1', () => {
    expect(() => parseFailBelow('accuracy=0.8')).toThrow(/unknown metric accuracy/);
    expect(() => parseFailBelow('factAccuracy=85')).toThrow(/is a share/);
    expect(() => parseFailBelow('factAccuracy')).toThrow(/not metric=value/);
  });

  it('fails when the product is below a threshold or the metric was not measured', () => {
    const run = { tables: [table('test', { factAccuracy: 0.7 }), table('dev', { factAccuracy: 0.95 })], overall: { product: row({ factAccuracy: 0.8, spanInTop5: 0.99 }) } };
    expect(failedThresholds(run, parseFailBelow('factAccuracy=0.8,spanInTop5=0.95'))).toEqual([]);
    expect(failedThresholds(run, parseFailBelow('test.factAccuracy=0.75')).map((miss) => miss.description)).toEqual(['test.factAccuracy 0.7000 < 0.75']);
    expect(failedThresholds(run, parseFailBelow('refusalRecall=0.5'))[0].description).toMatch(/could not be measured/);
  });
});
