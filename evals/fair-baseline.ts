// The fair answer form of a retrieval-only baseline: it declines below a score threshold calibrated on
// the dev questions, and otherwise answers with its best chunk cut to the product's median answer
// length, so comparing it with the product measures what was selected, not how much was pasted.
import { splitSentences } from '../server/ingest/split-sentences.js';
import type { CitedAnswer, RetrievedChunk } from './baselines.js';
import { answerLength } from './metrics.js';

/** What a baseline says when it declines. */
export const declinedAnswer = '没有检索到相关条款。';

/** A dev question as calibration sees it: the baseline's best score (undefined: nothing retrieved) and the truth. */
export interface CalibrationPoint {
  score: number | undefined;
  answerable: boolean;
}

export interface RefusalThreshold {
  /** Decline when the best score is below this (−Infinity: never decline). */
  threshold: number;
  /** Share of the dev questions decided right with it (answerable answered, unanswerable declined). */
  accuracy: number | undefined;
  devQuestions: number;
  devUnanswerable: number;
}

/**
 * The threshold that maximises decision accuracy on the dev questions: answerable ones answered,
 * out-of-corpus ones declined. Candidates are −∞ (never decline), the midpoints between consecutive
 * distinct best scores, and +∞ (always decline); ties go to the lowest threshold (fewest refusals).
 * Without both answerable and unanswerable dev questions there is nothing to calibrate on: never decline.
 */
export function calibrateRefusalThreshold(points: CalibrationPoint[]): RefusalThreshold {
  const devUnanswerable = points.filter((point) => !point.answerable).length;
  // Both kinds are needed: on unanswerable questions alone "always decline" would be perfect and mean nothing.
  if (devUnanswerable === 0 || devUnanswerable === points.length) return { threshold: Number.NEGATIVE_INFINITY, accuracy: undefined, devQuestions: points.length, devUnanswerable };
  const scores = [...new Set(points.flatMap((point) => (point.score === undefined ? [] : [point.score])))].sort((a, b) => a - b);
  const candidates = [Number.NEGATIVE_INFINITY, ...scores.slice(1).map((score, i) => (scores[i] + score) / 2), Number.POSITIVE_INFINITY];
  let best = { threshold: Number.NEGATIVE_INFINITY, accuracy: -1 };
  for (const threshold of candidates) {
    const right = points.filter((point) => declines(point.score, threshold) !== point.answerable).length;
    const accuracy = right / points.length;
    if (accuracy > best.accuracy) best = { threshold, accuracy };
  }
  return { ...best, devQuestions: points.length, devUnanswerable };
}

/** Whether a baseline declines: nothing retrieved, or its best score is below the threshold. */
export function declines(score: number | undefined, threshold: number): boolean {
  return score === undefined || score < threshold;
}

/**
 * The best chunk cut to at most `maxChars` characters (counted as `answerLength` counts): its first
 * sentences while whole ones fit; then, when more than a third of the length is still unused, the
 * next sentence cut to fill it (so answers are neither much shorter nor longer than the product's).
 * One citation covers the text, each sentence carries its marker.
 */
export function fairAnswer(top: RetrievedChunk | undefined, maxChars: number): CitedAnswer {
  if (!top) return { answer: declinedAnswer, answered: false, citations: [] };
  const sentences = splitSentences(top.text, top.start);
  if (sentences.length === 0) return { answer: declinedAnswer, answered: false, citations: [] };
  const kept: { text: string; start: number; end: number }[] = [];
  let used = 0;
  for (const sentence of sentences) {
    const length = answerLength(sentence.text);
    if (used + length > maxChars) {
      const left = maxChars - used;
      if (kept.length === 0 || left * 3 > maxChars) kept.push(cutToLength(sentence, left));
      break;
    }
    kept.push(sentence);
    used += length;
  }
  const start = kept[0].start;
  const end = kept[kept.length - 1].end;
  return {
    answer: kept.map((sentence) => `${sentence.text}[1]`).join(''),
    answered: true,
    citations: [{ n: 1, chunkId: top.chunkId, documentId: top.documentId, title: top.title, section: top.section, quote: top.text.slice(start - top.start, end - top.start), start, end }],
  };
}

/** The first characters of a sentence up to `maxChars` counted characters (at least one). */
function cutToLength(sentence: { text: string; start: number; end: number }, maxChars: number): { text: string; start: number; end: number } {
  const characters = [...sentence.text];
  let cut = '';
  for (const character of characters) {
    if (cut.length > 0 && answerLength(cut + character) > Math.max(1, maxChars)) break;
    cut += character;
  }
  const text = cut.trimEnd();
  return { text, start: sentence.start, end: sentence.start + text.length };
}
