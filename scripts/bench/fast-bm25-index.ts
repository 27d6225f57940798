// A proposed drop-in for server/rag/bm25-index.ts's Bm25Index, kept here to measure it: the same scores
// (bit for bit) and the same top k, from typed-array postings, precomputed length norms and idf, a
// reused score buffer that only touched documents are read from and reset, and a bounded heap.
import { bm25Defaults, type Bm25Fields, type Bm25Index } from '../../server/rag/bm25-index.js';

/** One field's inverted index in compressed-sparse-row form: term → [offsets[t], offsets[t+1]) in docs/freqs. */
class PackedField {
  private readonly terms = new Map<string, number>();
  private readonly offsets: Int32Array;
  private readonly docs: Int32Array;
  private readonly freqs: Uint16Array;
  /** k1 · (1 − b + b · length / average length), per document. */
  private readonly norms: Float64Array;
  private readonly idfs: Float64Array;

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

    // Pass 2: postings laid out term by term, documents ascending (as the original appends them).
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
    for (let t = 0; t < termCount; t++) {
      const n = documentFrequency[t];
      this.idfs[t] = Math.max(0.01, Math.log(1 + (size - n + 0.5) / (n + 0.5)));
    }
    this.size = size;
  }

  readonly size: number;

  idf(token: string): number {
    const id = this.terms.get(token);
    return id === undefined ? Math.max(0.01, Math.log(1 + (this.size + 0.5) / 0.5)) : this.idfs[id];
  }

  documentFrequency(token: string): number {
    const id = this.terms.get(token);
    return id === undefined ? 0 : this.offsets[id + 1] - this.offsets[id];
  }

  /** Adds `weight` × BM25 of `queryTokens` into `scores`, recording first-touched documents. */
  addScores(queryTokens: string[], weight: number, scores: Float64Array, touched: { list: Int32Array; count: number }): void {
    const { k1, docs, freqs, norms, offsets, idfs } = this;
    const k1Plus1 = k1 + 1;
    const list = touched.list;
    let count = touched.count; // a local, not a property store per posting
    for (const token of new Set(queryTokens)) {
      const id = this.terms.get(token);
      if (id === undefined) continue;
      const idf = idfs[id] * weight;
      if (!(idf > 0)) continue; // a zero-weight field adds nothing (and must not re-touch documents)
      for (let i = offsets[id], end = offsets[id + 1]; i < end; i++) {
        const doc = docs[i];
        const tf = freqs[i];
        const before = scores[doc];
        if (before === 0) list[count++] = doc;
        scores[doc] = before + (idf * (tf * k1Plus1)) / (tf + norms[doc]); // the original's operation order: same bits
      }
    }
    touched.count = count;
  }
}

/** Same contract and results as Bm25Index. */
export class FastBm25Index {
  private readonly words: PackedField;
  private readonly bigramField: PackedField;
  private readonly contextField: PackedField;
  private readonly scores: Float64Array;
  private readonly touched: { list: Int32Array; count: number };

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

  search(query: Bm25Fields, { k, allowed }: { k: number; allowed?: Set<number> }): { doc: number; score: number }[] {
    const { scores, touched } = this;
    touched.count = 0;
    this.words.addScores(query.tokens, 1, scores, touched);
    this.bigramField.addScores(query.bigrams, this.parameters.bigramWeight, scores, touched);
    this.contextField.addScores(query.context, this.parameters.contextWeight, scores, touched);
    if (k >= touched.count) {
      // Every scored document is wanted (the document prior asks for all): no heap, one sort.
      const all: { doc: number; score: number }[] = [];
      for (let i = 0; i < touched.count; i++) {
        const doc = touched.list[i];
        const score = scores[doc];
        scores[doc] = 0;
        if (score > 0 && (!allowed || allowed.has(doc))) all.push({ doc, score });
      }
      return all.sort((a, b) => b.score - a.score || a.doc - b.doc);
    }
    const heap = new TopK(k);
    for (let i = 0; i < touched.count; i++) {
      const doc = touched.list[i];
      const score = scores[doc];
      scores[doc] = 0;
      if (score > 0 && (!allowed || allowed.has(doc))) heap.offer(doc, score);
    }
    return heap.sorted();
  }

  /**
   * Scores of `docs` only, and the best score of any document: what a caller needs to normalise a few
   * documents' scores by the top one without ranking every document.
   */
  scoreSubset(query: Bm25Fields, docs: ArrayLike<number>): { max: number; scores: Float64Array } {
    const { scores, touched } = this;
    touched.count = 0;
    this.words.addScores(query.tokens, 1, scores, touched);
    this.bigramField.addScores(query.bigrams, this.parameters.bigramWeight, scores, touched);
    this.contextField.addScores(query.context, this.parameters.contextWeight, scores, touched);
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

  idf(token: string): number {
    return this.words.idf(token);
  }

  documentFrequency(token: string): number {
    return this.words.documentFrequency(token);
  }
}

/** The k best of a stream under (score descending, doc ascending): a min-heap of the current best. */
class TopK {
  private readonly docs: Int32Array;
  private readonly values: Float64Array;
  private count = 0;

  constructor(private readonly k: number) {
    this.docs = new Int32Array(Math.max(1, k));
    this.values = new Float64Array(Math.max(1, k));
  }

  /** a ranks below b. */
  private worse(i: number, j: number): boolean {
    return this.values[i] < this.values[j] || (this.values[i] === this.values[j] && this.docs[i] > this.docs[j]);
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

/** The field token lists a product Bm25Index keeps (private in TypeScript, plain properties at run time). */
export function fieldsOf(index: Bm25Index): { entries: Bm25Fields[]; parameters: typeof bm25Defaults } | undefined {
  const inner = index as unknown as { words?: { documents?: string[][] }; bigramField?: { documents?: string[][] }; contextField?: { documents?: string[][] }; parameters?: typeof bm25Defaults };
  const words = inner.words?.documents;
  const bigrams = inner.bigramField?.documents;
  const context = inner.contextField?.documents;
  if (!words || !bigrams || !context || !inner.parameters) return undefined;
  return { entries: words.map((tokens, i) => ({ tokens, bigrams: bigrams[i], context: context[i] })), parameters: inner.parameters };
}
