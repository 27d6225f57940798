// BM25 over several token fields (words, bigrams, headings) with postings lists for fast scoring.

/** One field's inverted index. */
class FieldIndex {
  private readonly postings = new Map<string, { docs: number[]; freqs: number[] }>();
  private readonly lengths: Float64Array;
  private readonly averageLength: number;

  constructor(
    readonly documents: string[][],
    private readonly k1: number,
    private readonly b: number,
  ) {
    this.lengths = new Float64Array(documents.length);
    let total = 0;
    documents.forEach((tokens, doc) => {
      this.lengths[doc] = tokens.length;
      total += tokens.length;
      const counts = new Map<string, number>();
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [token, count] of counts) {
        let posting = this.postings.get(token);
        if (!posting) this.postings.set(token, (posting = { docs: [], freqs: [] }));
        posting.docs.push(doc);
        posting.freqs.push(count);
      }
    });
    this.averageLength = documents.length > 0 ? total / documents.length || 1 : 1;
  }

  /** Robertson–Spärck Jones idf, floored at a small positive value so common terms still count a little. */
  idf(token: string): number {
    const n = this.postings.get(token)?.docs.length ?? 0;
    const total = this.documents.length;
    return Math.max(0.01, Math.log(1 + (total - n + 0.5) / (n + 0.5)));
  }

  documentFrequency(token: string): number {
    return this.postings.get(token)?.docs.length ?? 0;
  }

  /** Adds `weight` × BM25 of `queryTokens` into `scores`. */
  addScores(queryTokens: string[], weight: number, scores: Float64Array): void {
    for (const token of new Set(queryTokens)) {
      const posting = this.postings.get(token);
      if (!posting) continue;
      const idf = this.idf(token) * weight;
      const { docs, freqs } = posting;
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i];
        const tf = freqs[i];
        const norm = this.k1 * (1 - this.b + (this.b * this.lengths[doc]) / this.averageLength);
        scores[doc] += (idf * (tf * (this.k1 + 1))) / (tf + norm);
      }
    }
  }
}

export interface Bm25Fields {
  tokens: string[];
  bigrams: string[];
  context: string[];
}

/** Field weights and BM25 parameters, chosen on the evals question sets (see evals/README.md). */
export const bm25Defaults = { k1: 1.2, b: 0.75, bigramWeight: 0.2, contextWeight: 0.6 };

/** A multi-field BM25 index over chunks; document numbers are positions in the input array. */
export class Bm25Index {
  private readonly words: FieldIndex;
  private readonly bigramField: FieldIndex;
  private readonly contextField: FieldIndex;

  constructor(
    entries: Bm25Fields[],
    private readonly parameters = bm25Defaults,
  ) {
    this.words = new FieldIndex(entries.map((entry) => entry.tokens), parameters.k1, parameters.b);
    this.bigramField = new FieldIndex(entries.map((entry) => entry.bigrams), parameters.k1, parameters.b);
    this.contextField = new FieldIndex(entries.map((entry) => entry.context), parameters.k1, 0.3);
  }

  get size(): number {
    return this.words.documents.length;
  }

  /** Scores every document; `allowed` (document numbers) restricts the result. */
  search(query: Bm25Fields, { k, allowed }: { k: number; allowed?: Set<number> }): { doc: number; score: number }[] {
    const scores = new Float64Array(this.size);
    this.words.addScores(query.tokens, 1, scores);
    this.bigramField.addScores(query.bigrams, this.parameters.bigramWeight, scores);
    this.contextField.addScores(query.context, this.parameters.contextWeight, scores);
    return topK(scores, k, allowed);
  }

  /** Inverse document frequency of a word token (used to weigh query terms when picking sentences). */
  idf(token: string): number {
    return this.words.idf(token);
  }

  /** Number of chunks containing a word token. */
  documentFrequency(token: string): number {
    return this.words.documentFrequency(token);
  }
}

/** The k best positive scores, best first. */
export function topK(scores: ArrayLike<number>, k: number, allowed?: Set<number>): { doc: number; score: number }[] {
  const best: { doc: number; score: number }[] = [];
  let floor = 0;
  for (let doc = 0; doc < scores.length; doc++) {
    const score = scores[doc];
    if (score <= floor && best.length >= k) continue;
    if (score <= 0) continue;
    if (allowed && !allowed.has(doc)) continue;
    best.push({ doc, score });
    if (best.length > k * 4) {
      best.sort((a, b) => b.score - a.score);
      best.length = k;
      floor = best[k - 1].score;
    }
  }
  best.sort((a, b) => b.score - a.score || a.doc - b.doc);
  return best.slice(0, k);
}
