// Corpus-derived vocabulary: terms the segmenter splits but the corpus uses as one word (一干多支,
// 双城经济圈, 西部陆海新通道), found at ingest by collocation statistics, with no hand-made list.
import type { Analyzer } from '../rag/analyzer.js';

export interface DiscoveryOptions {
  /** A candidate must occur at least this often in the corpus. */
  minCount?: number;
  /** …and have at least this collocation score (see {@link discoverVocabulary}). */
  minScore?: number;
  /** Boundary entropy (nats) each side must reach at `minCount`; rises with frequency, capped at 1. */
  minEntropy?: number;
  /** At most this many terms are kept, best first. */
  maxTerms?: number;
  /** Only this many characters of text are read (a large corpus is sampled evenly). */
  maxChars?: number;
}

const han = /^[\p{Script=Han}]+$/u;
/** Word ids stay below 2^21, so two ids pack exactly into one float64 key. */
const idSpace = 2 ** 21;

/**
 * Finds multi-word terms in `texts`: runs of two to four adjacent words (2–8 characters: two single characters
 * the segmenter leaves apart can be a name, as 川渝 for 四川 and 重庆) that occur
 * together far more often than their words' frequencies predict (the phrase score of Mikolov et al.,
 * 2013: (n(ab) − δ) · N / (n(a) · n(b)), the weakest join for longer runs), that start and end with a
 * content word, and that stand free in varied contexts (the entropy of the words on either side, as
 * in new-word discovery by boundary entropy). Terms the segmenter already knows are left out.
 * Returns them best first.
 */
export function discoverVocabulary(texts: readonly string[], analyzer: Analyzer, options: DiscoveryOptions = {}): string[] {
  const { minCount = 4, minScore = 8, minEntropy = 0.6, maxTerms = 3000, maxChars = 1_200_000 } = options;
  // Words as ids (-1 for punctuation, digits and Latin, which end a run).
  const ids = new Map<string, number>();
  const vocabulary: string[] = [];
  const unigrams: number[] = [];
  const sequences: Int32Array[] = [];
  const totalChars = texts.reduce((sum, text) => sum + text.length, 0);
  const stride = Math.max(1, Math.ceil(totalChars / maxChars));
  texts.forEach((text, t) => {
    if (t % stride !== 0) return;
    const words = analyzer.words(text);
    const sequence = new Int32Array(words.length);
    words.forEach((word, i) => {
      if (!han.test(word)) {
        sequence[i] = -1;
        return;
      }
      let id = ids.get(word);
      if (id === undefined && ids.size < idSpace - 1) {
        id = ids.size;
        ids.set(word, id);
        vocabulary.push(word);
        unigrams.push(0);
      }
      if (id === undefined) {
        sequence[i] = -1;
        return;
      }
      unigrams[id]++;
      sequence[i] = id;
    });
    sequences.push(sequence);
  });
  const total = unigrams.reduce((sum, count) => sum + count, 0);

  // Pairs, then triples whose two pairs are frequent (a triple is never more frequent than its pairs).
  const pairs = new Map<number, number>();
  for (const sequence of sequences) {
    for (let i = 0; i + 1 < sequence.length; i++) {
      if (sequence[i] < 0 || sequence[i + 1] < 0) continue;
      const key = sequence[i] * idSpace + sequence[i + 1];
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  }
  const pairCount = (a: number, b: number) => pairs.get(a * idSpace + b) ?? 0;
  // A triple's key: the position of its first pair among the pairs, then its third word's id.
  const pairIndex = new Map<number, number>();
  for (const key of pairs.keys()) pairIndex.set(key, pairIndex.size);
  const tripleKey = (a: number, b: number, c: number) => pairIndex.get(a * idSpace + b)! * idSpace + c;
  const triples = new Map<number, number>();
  for (const sequence of sequences) {
    for (let i = 0; i + 2 < sequence.length; i++) {
      const a = sequence[i];
      const b = sequence[i + 1];
      const c = sequence[i + 2];
      if (a < 0 || b < 0 || c < 0 || pairCount(a, b) < minCount || pairCount(b, c) < minCount) continue;
      const key = tripleKey(a, b, c);
      triples.set(key, (triples.get(key) ?? 0) + 1);
    }
  }

  // Runs of four words whose two triples are frequent (西部|陆海|新|通道: no shorter part stands free).
  const tripleIndex = new Map<number, number>();
  for (const key of triples.keys()) if (triples.get(key)! >= minCount) tripleIndex.set(key, tripleIndex.size);
  const tripleCount = (a: number, b: number, c: number) => (pairIndex.has(a * idSpace + b) ? (triples.get(tripleKey(a, b, c)) ?? 0) : 0);
  const quadKey = (a: number, b: number, c: number, d: number) => {
    const triple = tripleIndex.get(tripleKey(a, b, c));
    return triple === undefined ? undefined : triple * idSpace + d;
  };
  const quads = new Map<number, number>();
  if (tripleIndex.size > 0) {
    for (const sequence of sequences) {
      for (let i = 0; i + 3 < sequence.length; i++) {
        const [a, b, c, d] = [sequence[i], sequence[i + 1], sequence[i + 2], sequence[i + 3]];
        if (a < 0 || b < 0 || c < 0 || d < 0 || tripleCount(b, c, d) < minCount) continue;
        const key = quadKey(a, b, c, d);
        if (key !== undefined) quads.set(key, (quads.get(key) ?? 0) + 1);
      }
    }
  }

  // Candidates: frequent, cohesive runs of content words the segmenter does not know.
  interface Candidate {
    term: string;
    count: number;
    score: number;
    left: Map<number, number>;
    right: Map<number, number>;
  }
  const candidate = (parts: number[], count: number, joins: number[]): Candidate | undefined => {
    if (count < minCount) return undefined;
    const words = parts.map((id) => vocabulary[id]);
    const term = words.join('');
    if (term.length < 2 || term.length > 8) return undefined;
    const score = Math.min(...joins);
    if (score < minScore || !isCandidate(words, analyzer) || analyzer.isDictionaryWord(term)) return undefined;
    return { term, count, score, left: new Map(), right: new Map() };
  };
  const pairCandidates = new Map<number, Candidate>();
  const tripleCandidates = new Map<number, Candidate>();
  for (const [key, count] of pairs) {
    const a = Math.floor(key / idSpace);
    const b = key % idSpace;
    const found = candidate([a, b], count, [phraseScore(count, unigrams[a], unigrams[b], total, minCount)]);
    if (found) pairCandidates.set(key, found);
  }
  const pairKeys = [...pairs.keys()];
  for (const [key, count] of triples) {
    const pair = pairKeys[Math.floor(key / idSpace)];
    const [a, b, c] = [Math.floor(pair / idSpace), pair % idSpace, key % idSpace];
    const found = candidate([a, b, c], count, [
      phraseScore(count, pairCount(a, b), unigrams[c], total, minCount),
      phraseScore(count, unigrams[a], pairCount(b, c), total, minCount),
    ]);
    if (found) tripleCandidates.set(key, found);
  }

  const tripleKeys = [...tripleIndex.keys()];
  const quadCandidates = new Map<number, Candidate>();
  for (const [key, count] of quads) {
    const triple = tripleKeys[Math.floor(key / idSpace)];
    const pair = pairKeys[Math.floor(triple / idSpace)];
    const [a, b, c, d] = [Math.floor(pair / idSpace), pair % idSpace, triple % idSpace, key % idSpace];
    const found = candidate([a, b, c, d], count, [
      phraseScore(count, tripleCount(a, b, c), unigrams[d], total, minCount),
      phraseScore(count, unigrams[a], tripleCount(b, c, d), total, minCount),
      phraseScore(count, pairCount(a, b), pairCount(c, d), total, minCount),
    ]);
    if (found) quadCandidates.set(key, found);
  }

  // The words on either side of each candidate's occurrences.
  const note = (found: Candidate | undefined, sequence: Int32Array, i: number, n: number) => {
    if (!found) return;
    const before = i > 0 ? sequence[i - 1] : -2;
    const after = i + n < sequence.length ? sequence[i + n] : -2;
    found.left.set(before, (found.left.get(before) ?? 0) + 1);
    found.right.set(after, (found.right.get(after) ?? 0) + 1);
  };
  for (const sequence of sequences) {
    for (let i = 0; i + 1 < sequence.length; i++) {
      const a = sequence[i];
      const b = sequence[i + 1];
      if (a < 0 || b < 0) continue;
      note(pairCandidates.get(a * idSpace + b), sequence, i, 2);
      const c = i + 2 < sequence.length ? sequence[i + 2] : -1;
      if (c < 0 || tripleCandidates.size + quadCandidates.size === 0 || !pairIndex.has(a * idSpace + b)) continue;
      note(tripleCandidates.get(tripleKey(a, b, c)), sequence, i, 3);
      const d = i + 3 < sequence.length ? sequence[i + 3] : -1;
      if (d < 0 || quadCandidates.size === 0) continue;
      const key = quadKey(a, b, c, d);
      if (key !== undefined) note(quadCandidates.get(key), sequence, i, 4);
    }
  }
  const scored: { term: string; score: number }[] = [];
  for (const candidate of [...pairCandidates.values(), ...tripleCandidates.values(), ...quadCandidates.values()]) {
    const needed = Math.min(1, minEntropy + 0.15 * Math.log(candidate.count / minCount));
    if (entropy(candidate.left) < needed || entropy(candidate.right) < needed) continue;
    scored.push({ term: candidate.term, score: candidate.score * Math.log(candidate.count) });
  }
  scored.sort((x, y) => y.score - x.score || (x.term < y.term ? -1 : 1));
  return [...new Set(scored.map(({ term }) => term))].slice(0, maxTerms);
}

/** Parts of speech a term cannot start or end with: prepositions, conjunctions, particles, adverbs, pronouns, numerals, measures. */
const edgeTags = /^(p|c|u[a-z]*|d|r|m|q|y|e|o)$/;
/** Position words may start a term when they name a region (西部, 东北), not a relation (以上, 之间, 中). */
const relationWords = /^(.|[以之].*|.*[上下内外间前后里])$/;
const tags = new WeakMap<Analyzer, Map<string, string>>();

/** A word's part-of-speech tag, cached per analyzer. */
function tagOf(word: string, analyzer: Analyzer): string {
  let cache = tags.get(analyzer);
  if (!cache) tags.set(analyzer, (cache = new Map()));
  let tag = cache.get(word);
  if (tag === undefined) {
    tag = analyzer.tag(word)[0]?.tag ?? 'x';
    cache.set(word, tag);
  }
  return tag;
}

/**
 * A run of words can be a term when it starts and ends with a content word (not 要, 向, 被, 或, 该,
 * a numeral) and holds no article or clause number (第一百二十五条).
 */
function isCandidate(words: string[], analyzer: Analyzer): boolean {
  const first = words[0];
  const last = words[words.length - 1];
  if (analyzer.isStopWord(first) || analyzer.isStopWord(last)) return false;
  if (words.some((word) => /^第|[一二三四五六七八九十百千]+[条款项章节]$/.test(word))) return false;
  const edge = (word: string) => {
    const tag = tagOf(word, analyzer);
    return edgeTags.test(tag) || (tag === 'f' && relationWords.test(word));
  };
  return !edge(first) && !edge(last);
}

function phraseScore(joint: number, left: number, right: number, total: number, discount: number): number {
  if (left === 0 || right === 0) return 0;
  return ((joint - discount + 1) * total) / (left * right);
}

function entropy(counts: Map<number, number>): number {
  let sum = 0;
  for (const count of counts.values()) sum += count;
  let h = 0;
  for (const count of counts.values()) {
    const p = count / sum;
    h -= p * Math.log(p);
  }
  return h;
}
