// Bootstrap intervals: hand-computed quantiles, degenerate and known-width cases, paired differences.
import { describe, expect, it } from 'vitest';
import { bootstrapIntervals, pairedDeltaIntervals, percentileInterval, quantile, resampleIndexes, seededRandom } from './bootstrap';
import type { ItemScores } from './metrics';

const question = (allFacts: boolean): ItemScores => ({ type: 't', answerable: true, answered: true, allFacts, factShare: allFacts ? 1 : 0, citationsCorrect: 0, citations: 0, sentencesSupported: 0, sentences: 0, latencyMs: 1 });

describe('bootstrap', () => {
  it('takes quantiles between order statistics', () => {
    // Sorted 1..5: q=0.5 is the 3rd value; q=0.1 sits 0.4 of the way from 1 to 2; q=0.975 0.9 of the way from 4 to 5.
    expect(quantile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(quantile([5, 1, 3, 2, 4], 0.1)).toBeCloseTo(1.4, 10);
    expect(quantile([5, 1, 3, 2, 4], 0.975)).toBeCloseTo(4.9, 10);
    expect(quantile([], 0.5)).toBeUndefined();
    // Central 95% of 0, 0.01, …, 1 (101 values): 2.5th percentile at position 2.5 → 0.025, 97.5th at 97.5 → 0.975.
    const values = Array.from({ length: 101 }, (_, i) => i / 100);
    const [low, high] = percentileInterval(values)!;
    expect(low).toBeCloseTo(0.025, 10);
    expect(high).toBeCloseTo(0.975, 10);
  });

  it('draws the same resamples for the same seed, each index in range', () => {
    const a = resampleIndexes(7, { resamples: 3, seed: 42 });
    const b = resampleIndexes(7, { resamples: 3, seed: 42 });
    expect(a.map((draw) => [...draw])).toEqual(b.map((draw) => [...draw]));
    expect(a.flatMap((draw) => [...draw]).every((i) => i >= 0 && i < 7)).toBe(true);
    const random = seededRandom(1);
    const numbers = Array.from({ length: 1000 }, random);
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...numbers)).toBeLessThan(1);
  });

  it('gives a zero-width interval when every question scores the same', () => {
    const intervals = bootstrapIntervals(Array.from({ length: 20 }, () => question(true)));
    expect(intervals.factAccuracy).toEqual([1, 1]);
  });

  it('matches the normal approximation for a share of one half over 100 questions', () => {
    // p = 0.5, n = 100: standard error sqrt(0.25 / 100) = 0.05, so about 0.5 ± 1.96 × 0.05 = [0.402, 0.598].
    const scores = Array.from({ length: 100 }, (_, i) => question(i % 2 === 0));
    const [low, high] = bootstrapIntervals(scores).factAccuracy!;
    expect(low).toBeGreaterThan(0.38);
    expect(low).toBeLessThan(0.42);
    expect(high).toBeGreaterThan(0.58);
    expect(high).toBeLessThan(0.62);
  });

  it('pairs the two runs question by question for the difference', () => {
    const before = Array.from({ length: 30 }, (_, i) => question(i % 3 === 0));
    // Identical runs: every resampled difference is 0.
    expect(pairedDeltaIntervals(before, before).factAccuracy).toEqual([0, 0]);
    // The second run fixes exactly the questions the first failed: the difference is 1 − p̂ on each resample, so
    // its interval is 1 minus the first run's interval (same resamples).
    const after = before.map(() => question(true));
    const draws = resampleIndexes(30);
    const [low, high] = bootstrapIntervals(before, { draws }).factAccuracy!;
    const [deltaLow, deltaHigh] = pairedDeltaIntervals(before, after, { draws }).factAccuracy!;
    expect(deltaLow).toBeCloseTo(1 - high, 10);
    expect(deltaHigh).toBeCloseTo(1 - low, 10);
    expect(() => pairedDeltaIntervals(before, after.slice(1))).toThrow(/same questions/);
  });
});
