// A proposed replacement for PolicyIndex's near-duplicate collapse, kept here to measure it: the same
// decisions, from sorted bigram codes (800 bytes a chunk instead of a Set of strings) and an exact
// size bound that rejects most pairs before counting, with early exit once the threshold is out of reach.
import type { PolicyIndex } from '../../server/rag/policy-index.js';
import { foldWidth } from '../../server/rag/tokenize.js';

/** PolicyIndex's duplicateThreshold (not exported). */
const duplicateThreshold = 0.85;

/** Distinct CJK character bigrams of a text as sorted 32-bit codes (the set `bigrams()` would give). */
export function bigramCodes(text: string): Uint32Array {
  const codes: number[] = [];
  for (const run of foldWidth(text).match(/[\p{Script=Han}]+/gu) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) codes.push(((run.charCodeAt(i) << 16) | run.charCodeAt(i + 1)) >>> 0);
  }
  const sorted = Uint32Array.from(codes).sort();
  let size = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[size++] = sorted[i];
  return sorted.slice(0, size);
}

/** Whether |a ∩ b| / |a ∪ b| ≥ threshold, computed as PolicyIndex's jaccard() does, but cut short. */
export function jaccardAtLeast(a: Uint32Array, b: Uint32Array, threshold: number): boolean {
  if (a.length === 0 || b.length === 0) return false;
  // shared ≤ min(|a|, |b|), and the ratio needs shared ≥ t(|a|+|b|)/(1+t): a bound with a little slack.
  const needed = (threshold * (a.length + b.length)) / (1 + threshold) - 1e-9;
  if (Math.min(a.length, b.length) < needed) return false;
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
    if (shared + Math.min(a.length - i, b.length - j) < needed) return false;
  }
  return shared / (a.length + b.length - shared) >= threshold;
}

/**
 * The proposed `collapse` for one PolicyIndex (its chunks' bigram codes are cached as they are needed),
 * or undefined when PolicyIndex no longer has the private method it replaces.
 */
export function createCollapse(index: PolicyIndex): ((ranked: { doc: number; score: number }[], limit: number) => { doc: number; score: number }[]) | undefined {
  const target = index as unknown as { collapse?: unknown; chunks: { text: string }[] };
  if (typeof target.collapse !== 'function') return undefined;
  const codes: (Uint32Array | undefined)[] = new Array(target.chunks.length);
  const codesOf = (doc: number) => (codes[doc] ??= bigramCodes(target.chunks[doc].text));
  return (ranked, limit) => {
    const taken: { doc: number; score: number }[] = [];
    for (const candidate of ranked) {
      if (taken.length >= limit) break;
      const grams = codesOf(candidate.doc);
      if (taken.some((other) => jaccardAtLeast(grams, codesOf(other.doc), duplicateThreshold))) continue;
      taken.push(candidate);
    }
    return taken;
  };
}
