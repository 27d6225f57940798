// The fair form of a baseline: a refusal threshold calibrated on dev questions, answers cut to a length.
import { describe, expect, it } from 'vitest';
import { calibrateRefusalThreshold, declines, fairAnswer } from './fair-baseline';

const point = (score: number | undefined, answerable: boolean) => ({ score, answerable });

describe('refusal threshold', () => {
  it('picks the midpoint that decides the most dev questions right', () => {
    // Answerable at 5, 7, 9; out of corpus at 2 and 6. Declining below 3.5 (midpoint of 2 and 5) gets 4 of 5 right;
    // below 6.5 would decline 5 and 6, right on 6 but wrong on 5: also 4 of 5 — the lower threshold wins the tie.
    const threshold = calibrateRefusalThreshold([point(5, true), point(7, true), point(9, true), point(2, false), point(6, false)]);
    expect(threshold).toEqual({ threshold: 3.5, accuracy: 0.8, devQuestions: 5, devUnanswerable: 2 });
  });

  it('never declines when nothing unanswerable is there to calibrate on, or when declining only hurts', () => {
    expect(calibrateRefusalThreshold([point(5, true), point(1, true)]).threshold).toBe(Number.NEGATIVE_INFINITY);
    // Unanswerable questions alone: "always decline" would be perfect there and mean nothing.
    expect(calibrateRefusalThreshold([point(5, false), point(1, false)]).threshold).toBe(Number.NEGATIVE_INFINITY);
    // The unanswerable question scores highest: any threshold that declines it declines everything.
    expect(calibrateRefusalThreshold([point(5, true), point(6, true), point(7, true), point(9, false)])).toMatchObject({ threshold: Number.NEGATIVE_INFINITY, accuracy: 0.75 });
  });

  it('declines when nothing was retrieved or the score is below the threshold', () => {
    expect(declines(undefined, Number.NEGATIVE_INFINITY)).toBe(true);
    expect(declines(3, 3.5)).toBe(true);
    expect(declines(3.5, 3.5)).toBe(false);
  });
});

describe('fair answer', () => {
  const chunk = (text: string) => ({ chunkId: 'd:0', documentId: 'd', title: '《通知》', section: [], text, start: 100, end: 100 + text.length });

  it('keeps whole sentences that fit the length', () => {
    // 甲乙丙。(4) 丁戊。(3) 己庚辛壬癸。(6): 4 + 3 = 7 fit in 8; the third would need 6 more and only 1 is left (under a third).
    const answer = fairAnswer(chunk('甲乙丙。丁戊。己庚辛壬癸。'), 8);
    expect(answer.answer).toBe('甲乙丙。[1]丁戊。[1]');
    expect(answer.citations[0]).toMatchObject({ quote: '甲乙丙。丁戊。', start: 100, end: 107 });
  });

  it('cuts the next sentence when more than a third of the length is left, and cuts a first sentence that is too long', () => {
    // 甲乙。(3) leaves 6 of 9: the next sentence is cut to 6 characters.
    expect(fairAnswer(chunk('甲乙。丙丁戊己庚辛壬癸。'), 9).answer).toBe('甲乙。[1]丙丁戊己庚辛[1]');
    const long = fairAnswer(chunk('一二三四五六七八九十。'), 4);
    expect(long.answer).toBe('一二三四[1]');
    expect(long.citations[0]).toMatchObject({ quote: '一二三四', start: 100, end: 104 });
  });

  it('declines with nothing retrieved', () => {
    expect(fairAnswer(undefined, 100).answered).toBe(false);
  });
});
