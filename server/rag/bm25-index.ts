// BM25 over several token fields (words, bigrams, headings). Postings are packed in typed arrays
// (compressed-sparse-row: term → a run of documents and counts), length norms and idf are computed
// once, and a reused score buffer is read back and reset only where a query touched it.

/** One field's inverted index: term t's postings are docs/freqs[offsets[t] .. offsets[t + 1]). */
class PackedField {
  private readonly terms = new Map<string, number>();
  private readonly offsets: Int32Array;
  private readonly docs: Int32Array;
  private readonly freqs: Uint16Array;
  /** k1 · (1 − b + b · length / average length), per document. */
  private readonly norms: Float64Array;
  private readonly idfs: Float64Array;
  readonly size: number;

  constructor(
    documents: string[][],
    private readonly k1: number,
    b: number,
  ) {
    const size = documents.length;
    // Pass 1: term ids, and each document's (term, count) runs in one growing buffer.
    let runs = new Int32Array(1 << 16);
    let used = 0;
    const runStarts = new Int32Array(size + 1);
    const lengths = new Float64Array(size);
    let total = 0;
    let scratch = new Int32Array(256);
    const documentFrequency: number[] = [];
    for (let doc = 0; doc < size; doc++) {
      const tokens = documents[doc];
      lengths[doc] = tokens.length;
      total += tokens.length;
      if (scratch.length < tokens.length) scratch = new Int32Array(tokens.length * 2);
      for (let i = 0; i < tokens.length; i++) {
        let id = this.terms.get(tokens[i]);
        if (id === undefined) {
          id = this.terms.size;
          this.terms.set(tokens[i], id);
          documentFrequency.push(0);
        }
        scratch[i] = id;
      }
      const ids = scratch.subarray(0, tokens.length).sort();
      runStarts[doc] = used;
      for (let i = 0; i < ids.length; ) {
        let j = i + 1;
        while (j < ids.length && ids[j] === ids[i]) j++;
        if (used + 2 > runs.length) {
          const grown = new Int32Array(runs.length * 2);
          grown.set(runs);
          runs = grown;
        }
        runs[used++] = ids[i];
        runs[used++] = j - i;
        documentFrequency[ids[i]]++;
        i = j;
      }
    }
    runStarts[size] = used;
    const average = size > 0 ? total / size || 1 : 1;
    this.norms = new Float64Array(size);
    for (let doc = 0; doc < size; doc++) this.norms[doc] = k1 * (1 - b + (b * lengths[doc]) / average);

    // Pass 2: postings laid out term by term, documents ascending.
    const termCount = this.terms.size;
    this.offsets = new Int32Array(termCount + 1);
    for (let t = 0; t < termCount; t++) this.offsets[t + 1] = this.offsets[t] + documentFrequency[t];
    this.docs = new Int32Array(this.offsets[termCount]);
    this.freqs = new Uint16Array(this.offsets[termCount]);
    const cursor = this.offsets.slice(0, termCount);
    for (let doc = 0; doc < size; doc++) {
      for (let r = runStarts[doc]; r < runStarts[doc + 1]; r += 2) {
        const at = cursor[runs[r]]++;
        this.docs[at] = doc;
        this.freqs[at] = Math.min(65535, runs[r + 1]);
      }
    }
    this.idfs = new Float64Array(termCount);
    for (let t = 0; t < termCount; t++) this.idfs[t] = idfOf(size, documentFrequency[t]);
    this.size = size;
  }

  idf(token: string): number {
    const id = this.terms.get(token);
    return id === undefined ? idfOf(this.size, 0) : this.idfs[id];
  }

  documentFrequency(token: string): number {
    const id = this.terms.get(token);
    return id === undefined ? 0 : this.offsets[id + 1] - this.offsets[id];
  }

  /** Adds `weight` × BM25 of `queryTokens` into `scores`, listing each document the first time it scores. */
  addScores(queryTokens: string[], weight: number, scores: Float64Array, touched: Touched): void {
    const { k1, docs, freqs, norms, offsets, idfs } = this;
    const k1Plus1 = k1 + 1;
    const list = touched.list;
    let count = touched.count;
    for (const token of new Set(queryTokens)) {
      const id = this.terms.get(token);
      if (id === undefined) continue;
      const idf = idfs[id] * weight;
      if (!(idf > 0)) continue; // a zero-weight field adds nothing (and must not list documents again)
      for (let i = offsets[id], end = offsets[id + 1]; i < end; i++) {
        const doc = docs[i];
        const tf = freqs[i];
        const before = scores[doc];
        if (before === 0) list[count++] = doc;
        scores[doc] = before + (idf * (tf * k1Plus1)) / (tf + norms[doc]);
      }
    }
    touched.count = count;
  }
}

/** Robertson–Spärck Jones idf, floored at a small positive value so common terms still count a little. */
export function idfOf(total: number, n: number): number {
  return Math.max(0.01, Math.log(1 + (total - n + 0.5) / (n + 0.5)));
}

interface Touched {
  list: Int32Array;
  count: number;
}

export interface Bm25Fields {
  tokens: string[];
  bigrams: string[];
  context: string[];
}

/** Field weights and BM25 parameters, chosen on the dev splits of the question sets (regulations, notices, seeds; see evals/README.md). */
export const bm25Defaults = { k1: 0.9, b: 0.6, bigramWeight: 0.5, contextWeight: 0.6 };

/** A multi-field BM25 index over chunks; document numbers are positions in the input array. */
export class Bm25Index {
  private readonly words: PackedField;
  private readonly bigramField: PackedField;
  private readonly contextField: PackedField;
  /** Score buffer reused by every query (all zeros between queries; search is synchronous). */
  private readonly scores: Float64Array;
  private readonly touched: Touched;

  constructor(
    entries: Bm25Fields[],
    private readonly parameters = bm25Defaults,
  ) {
    this.words = new PackedField(entries.map((entry) => entry.tokens), parameters.k1, parameters.b);
    this.bigramField = new PackedField(entries.map((entry) => entry.bigrams), parameters.k1, parameters.b);
    this.contextField = new PackedField(entries.map((entry) => entry.context), parameters.k1, 0.3);
    this.scores = new Float64Array(entries.length);
    this.touched = { list: new Int32Array(entries.length), count: 0 };
  }

  get size(): number {
    return this.words.size;
  }

  /** The k best documents with a positive score, best first; `allowed` (document numbers) restricts them. */
  search(query: Bm25Fields, { k, allowed }: { k: number; allowed?: Set<number> }): { doc: number; score: number }[] {
    const { scores, touched } = this;
    this.score(query);
    const best = new TopK(Math.min(k, touched.count));
    for (let i = 0; i < touched.count; i++) {
      const doc = touched.list[i];
      const score = scores[doc];
      scores[doc] = 0;
      if (score > 0 && (!allowed || allowed.has(doc))) best.offer(doc, score);
    }
    return best.sorted();
  }

  /**
   * The scores of `docs` only, and the best score of any document: enough to normalise a few
   * documents' scores by the top one without ranking every document.
   */
  scoreSubset(query: Bm25Fields, docs: ArrayLike<number>): { max: number; scores: Float64Array } {
    const { scores, touched } = this;
    this.score(query);
    const picked = new Float64Array(docs.length);
    for (let i = 0; i < docs.length; i++) picked[i] = scores[docs[i]];
    let max = 0;
    for (let i = 0; i < touched.count; i++) {
      const doc = touched.list[i];
      if (scores[doc] > max) max = scores[doc];
      scores[doc] = 0;
    }
    return { max, scores: picked };
  }

  /**
   * Inverse document frequency of a word token (used to weigh query terms when picking sentences);
   * a word only titles and headings use is read from the heading field.
   */
  idf(token: string): number {
    return this.words.documentFrequency(token) === 0 && this.contextField.documentFrequency(token) > 0 ? this.contextField.idf(token) : this.words.idf(token);
  }

  /** Number of chunks containing a word token (in their text, else in their title and headings). */
  documentFrequency(token: string): number {
    return this.words.documentFrequency(token) || this.contextField.documentFrequency(token);
  }

  private score(query: Bm25Fields): void {
    this.touched.count = 0;
    this.words.addScores(query.tokens, 1, this.scores, this.touched);
    this.bigramField.addScores(query.bigrams, this.parameters.bigramWeight, this.scores, this.touched);
    this.contextField.addScores(query.context, this.parameters.contextWeight, this.scores, this.touched);
  }
}

/** The k best of a stream, ordered by score descending then document ascending (a min-heap of the best). */
class TopK {
  private readonly docs: Int32Array;
  private readonly values: Float64Array;
  private count = 0;

  constructor(private readonly k: number) {
    this.docs = new Int32Array(Math.max(1, k));
    this.values = new Float64Array(Math.max(1, k));
  }

  offer(doc: number, score: number): void {
    if (this.k <= 0) return;
    if (this.count < this.k) {
      this.docs[this.count] = doc;
      this.values[this.count] = score;
      this.up(this.count++);
      return;
    }
    if (score < this.values[0] || (score === this.values[0] && doc > this.docs[0])) return;
    this.docs[0] = doc;
    this.values[0] = score;
    this.down(0);
  }

  sorted(): { doc: number; score: number }[] {
    const result: { doc: number; score: number }[] = [];
    for (let i = 0; i < this.count; i++) result.push({ doc: this.docs[i], score: this.values[i] });
    return result.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /** Entry i ranks below entry j. */
  private worse(i: number, j: number): boolean {
    return this.values[i] < this.values[j] || (this.values[i] === this.values[j] && this.docs[i] > this.docs[j]);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.worse(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < this.count && this.worse(left, worst)) worst = left;
      if (right < this.count && this.worse(right, worst)) worst = right;
      if (worst === i) return;
      this.swap(i, worst);
      i = worst;
    }
  }

  private swap(i: number, j: number): void {
    [this.docs[i], this.docs[j]] = [this.docs[j], this.docs[i]];
    [this.values[i], this.values[j]] = [this.values[j], this.values[i]];
  }
}
