// BM25 over several token fields (words, bigrams, headings), built once at ingest and stored as typed
// arrays. Each term's postings are cut into blocks of 128; a block stores its documents as offsets from
// its first document and its term counts, each bit-packed at the width its largest value needs (in four
// interleaved lanes, so that the WebAssembly kernel unpacks four at a time), so a posting can be found
// without reading the whole block; beside each block, its first and last document. Each term also keeps the best score factor any of its postings reaches, which bounds what
// the term can add to a document: top-k search (MaxScore, term at a time) stops walking postings once
// the terms left cannot lift a new document into the top k, completes the 2k best documents so far to
// raise the bar the others must pass, looks the terms left up only for the documents that pass it
// (raising the bar after each term with their growing scores, dropping those left behind), and
// returns exactly what scoring every posting returns (the same sums, added in the same order).
// The loops over postings, candidates and score buffers run as WebAssembly (bm25-kernel.ts) over the
// index's arrays, moved into the kernel's memory at the first search; the JavaScript loops beside
// them do the same where WebAssembly cannot run, and the tests hold each to the other.
// (Per-block score bounds, block-max, were measured and left out: on the synthetic corpus 98% of the
// postings of long questions lie in blocks whose best score factor is above 0.9 of their term's, as a
// block of 128 nearly always holds a short chunk, so they would skip almost nothing.)
import type { SectionArray, Sections } from './binary-sections.js';
import { instantiateKernel, scoringKernel, type KernelExports } from './bm25-kernel.js';
import { PositionSet } from './position-set.js';

/** Postings per block: the unit of skipping and of the per-block score bound. */
const blockSize = 128;
/** Up to this many candidates in a block are looked up one by one rather than by reading the block. */
const sparseLookups = 4;
/** Bounds are compared with this slack, so rounding never prunes a document that belongs in the top k. */
const slack = 1 + 1e-9;
/**
 * A term with at most this many postings per candidate still in play is added by reading all its
 * postings and keeping those of marked candidates, rather than by stepping through the candidates.
 */
const markedReadFactor = 16;
/**
 * Once the first phase may stop, it still adds the next term while the documents that could pass the
 * bar are more than this share of its postings (Bm25Index.costlierHere).
 */
const firstPhaseShare = 0.5;
/** Those documents are counted in about this many groups of 32 spread over the touched map. */
const passingSampleGroups = 128;
/** How many times k candidates with the best partial scores are completed to set the bar the others must pass. */
const completedSeeds = 2;

/** Robertson–Spärck Jones idf, floored at a small positive value so common terms still count a little. */
export function idfOf(total: number, n: number): number {
  return Math.max(0.01, Math.log(1 + (total - n + 0.5) / (n + 0.5)));
}

export interface Bm25Fields {
  tokens: string[];
  bigrams: string[];
  context: string[];
}

/** Field weights and BM25 parameters, chosen on the dev splits of the question sets (regulations, notices, seeds; see evals/README.md). */
export const bm25Defaults = { k1: 0.9, b: 0.6, bigramWeight: 0.5, contextWeight: 0.6 };
/** Length normalisation of the heading field: headings repeat across a document's chunks. */
const contextB = 0.3;

const fieldNames = ['tokens', 'bigrams', 'context'] as const;

/** FNV-1a over UTF-16 code units. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Bits needed for values up to `max`. */
const bitsFor = (max: number) => (max === 0 ? 0 : 32 - Math.clz32(max));

/**
 * Words a run of `count` values of `bits` bits takes. A run is four interleaved lanes: value i is in
 * lane i % 4, whose values are packed one after another into every fourth word (lane l's words are
 * base + l, base + 4 + l, …), so that four values are unpacked at once with 128-bit SIMD instructions
 * (bm25-kernel.ts), and any one value is still read on its own.
 */
function runWords(count: number, bits: number): number {
  return ((((count + 3) >>> 2) * bits + 31) >>> 5) << 2;
}

/** Value i of a run of `bits`-wide values starting at word `base` (bits ≤ 31). */
function unpack(words: Uint32Array, base: number, bits: number, i: number): number {
  if (bits === 0) return 0;
  const position = (i >>> 2) * bits;
  const word = base + ((position >>> 5) << 2) + (i & 3);
  const shift = position & 31;
  let value = words[word] >>> shift;
  if (shift + bits > 32) value |= words[word + 4] << (32 - shift);
  return value & ((1 << bits) - 1);
}

/** Reads `count` values of `bits` bits from word `base` on into `out`, each plus `add`. */
function unpackRun(words: Uint32Array, base: number, bits: number, count: number, out: Int32Array, add: number): void {
  if (bits === 0) {
    out.fill(add, 0, count);
    return;
  }
  const mask = (1 << bits) - 1;
  for (let lane = 0; lane < 4 && lane < count; lane++) {
    let word = base + lane;
    let buffer = words[word];
    let used = 0;
    for (let i = lane; i < count; i += 4) {
      if (used === 32) {
        word += 4;
        buffer = words[word];
        used = 0;
      }
      let value = buffer >>> used;
      const next = used + bits;
      if (next > 32) {
        word += 4;
        buffer = words[word];
        value |= buffer << (32 - used);
        used = next - 32;
      } else {
        used = next;
      }
      out[i] = add + (value & mask);
    }
  }
}

/**
 * Writes value i of a run at `base` (in 32-bit words) `bits` wide: value i in lane i % 4, each lane's
 * values one after another from its lowest bit, a lane's words every fourth word (the kernel unpacks
 * four lanes at a time).
 */
export function packValue(words: Uint32Array, base: number, bits: number, i: number, value: number): void {
  if (bits === 0) return;
  const position = (i >>> 2) * bits;
  const word = base + ((position >>> 5) << 2) + (i & 3);
  const shift = position & 31;
  words[word] |= value << shift;
  if (shift + bits > 32) words[word + 4] |= value >>> (32 - shift);
}

/** Float32 no smaller than `value` (a bound must never round down). */
function float32AtLeast(value: number): number {
  const rounded = Math.fround(value);
  return rounded >= value ? rounded : Math.fround(value * (1 + 2 ** -22));
}

/** The stored arrays of one field. */
interface FieldArrays {
  /** Token count per document. */
  lengths: Int32Array;
  /** Term t is `termChars[termStarts[t] .. termStarts[t + 1])`. */
  termChars: Uint16Array;
  termStarts: Int32Array;
  /** Open-addressing table of term id + 1 by hash (0 = empty); its size is a power of two. */
  termTable: Int32Array;
  documentFrequencies: Int32Array;
  /** Term t's blocks are `termBlocks[t] .. termBlocks[t + 1]`. */
  termBlocks: Int32Array;
  blockFirstDocs: Int32Array;
  blockLastDocs: Int32Array;
  /** Where each block starts in `packed` (one more entry: the end), in 32-bit words. */
  blockWords: Uint32Array;
  /** Bit widths of a block's document offsets and of its (term count − 1) values. */
  blockDocBits: Uint8Array;
  blockTfBits: Uint8Array;
  /** Per term, the largest tf·(k1 + 1) / (tf + norm) of its postings (rounded up). */
  termMaxima: Float32Array;
  /** Per block: its postings' document offsets, then their term counts − 1, bit-packed (runWords). */
  packed: Uint32Array;
}

const arrayKinds: Record<keyof FieldArrays, 'i32' | 'u16' | 'u32' | 'u8' | 'f32'> = {
  lengths: 'i32',
  termChars: 'u16',
  termStarts: 'i32',
  termTable: 'i32',
  documentFrequencies: 'i32',
  termBlocks: 'i32',
  blockFirstDocs: 'i32',
  blockLastDocs: 'i32',
  blockWords: 'u32',
  blockDocBits: 'u8',
  blockTfBits: 'u8',
  termMaxima: 'f32',
  packed: 'u32',
};

/** One field's inverted index, searchable; built by {@link FieldBuilder} or read from stored sections. */
class Field {
  /** k1 · (1 − b + b · length / average length) of document d: `norms.table[norms.codes[d]]`. */
  readonly norms: Norms;
  /** Byte addresses of the arrays the scoring kernel reads, once they were moved into its memory. */
  kernelAddresses?: { packed: number; blockWords: number; blockFirstDocs: number; blockLastDocs: number; blockDocBits: number; blockTfBits: number; codes: number; table: number };
  readonly idfs: Float64Array;
  readonly size: number;
  readonly termCount: number;
  private readonly mask: number;

  constructor(
    readonly arrays: FieldArrays,
    readonly k1: number,
    readonly b: number,
  ) {
    const { lengths, documentFrequencies, termTable } = arrays;
    this.size = lengths.length;
    this.termCount = documentFrequencies.length;
    this.norms = normsOf(lengths, k1, b);
    this.idfs = new Float64Array(this.termCount);
    for (let t = 0; t < this.termCount; t++) this.idfs[t] = idfOf(this.size, documentFrequencies[t]);
    this.mask = termTable.length - 1;
  }

  /** Term id of `token`, or −1. */
  termId(token: string): number {
    const { termTable, termChars, termStarts } = this.arrays;
    if (termTable.length === 0) return -1;
    for (let slot = hashOf(token) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = termTable[slot];
      if (entry === 0) return -1;
      const id = entry - 1;
      const start = termStarts[id];
      if (termStarts[id + 1] - start !== token.length) continue;
      let same = true;
      for (let i = 0; i < token.length; i++) {
        if (termChars[start + i] !== token.charCodeAt(i)) {
          same = false;
          break;
        }
      }
      if (same) return id;
    }
  }

  term(id: number): string {
    const { termChars, termStarts } = this.arrays;
    let text = '';
    for (let i = termStarts[id]; i < termStarts[id + 1]; i += 4096) text += String.fromCharCode(...termChars.subarray(i, Math.min(i + 4096, termStarts[id + 1])));
    return text;
  }

  idf(token: string): number {
    const id = this.termId(token);
    return id < 0 ? idfOf(this.size, 0) : this.idfs[id];
  }

  documentFrequency(token: string): number {
    const id = this.termId(token);
    return id < 0 ? 0 : this.arrays.documentFrequencies[id];
  }

  /** Number of postings in block `block` of term `term`. */
  blockLength(term: number, block: number): number {
    const { termBlocks, documentFrequencies } = this.arrays;
    return block + 1 < termBlocks[term + 1] ? blockSize : documentFrequencies[term] - (block - termBlocks[term]) * blockSize;
  }

  /** Term count of `doc` in block `block` of term `term` (0 when absent), by binary search on the packed offsets. */
  lookup(term: number, block: number, doc: number): number {
    const { blockFirstDocs, blockWords, blockDocBits, blockTfBits, packed } = this.arrays;
    const count = this.blockLength(term, block);
    const offset = doc - blockFirstDocs[block];
    const docBits = blockDocBits[block];
    const docBase = blockWords[block];
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (unpack(packed, docBase, docBits, middle) < offset) low = middle + 1;
      else high = middle;
    }
    if (unpack(packed, docBase, docBits, low) !== offset) return 0;
    return unpack(packed, docBase + runWords(count, docBits), blockTfBits[block], low) + 1;
  }

  /** Term count of `doc` for term `term` (0 when absent): the block by binary search on its last documents, then {@link lookup}. */
  termFrequency(term: number, doc: number): number {
    const { termBlocks, blockFirstDocs, blockLastDocs } = this.arrays;
    let low = termBlocks[term];
    let high = termBlocks[term + 1] - 1;
    if (low > high || blockLastDocs[high] < doc) return 0;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (blockLastDocs[middle] < doc) low = middle + 1;
      else high = middle;
    }
    return blockFirstDocs[low] > doc ? 0 : this.lookup(term, low, doc);
  }

  /** The documents of term `term` (none for −1), in order. */
  postings(term: number): Int32Array {
    if (term < 0) return new Int32Array(0);
    const { termBlocks, documentFrequencies } = this.arrays;
    const all = new Int32Array(documentFrequencies[term]);
    const docs = new Int32Array(blockSize);
    const tfs = new Int32Array(blockSize);
    let filled = 0;
    for (let block = termBlocks[term]; block < termBlocks[term + 1]; block++) {
      const count = this.decodeBlock(term, block, docs, tfs);
      all.set(docs.subarray(0, count), filled);
      filled += count;
    }
    return all;
  }

  /** Reads block `block` of term `term` into `docs` and `tfs`; returns the number of postings. */
  decodeBlock(term: number, block: number, docs: Int32Array, tfs: Int32Array): number {
    const { blockFirstDocs, blockWords, blockDocBits, blockTfBits, packed } = this.arrays;
    const count = this.blockLength(term, block);
    const docBits = blockDocBits[block];
    const docBase = blockWords[block];
    unpackRun(packed, docBase, docBits, count, docs, blockFirstDocs[block]);
    const tfBits = blockTfBits[block];
    unpackRun(packed, docBase + runWords(count, docBits), tfBits, count, tfs, 1);
    return count;
  }

  sections(prefix: string): Record<string, SectionArray> {
    const out: Record<string, SectionArray> = {};
    for (const [name, array] of Object.entries(this.arrays)) out[`${prefix}.${name}`] = array as SectionArray;
    return out;
  }

  static fromSections(sections: Sections, prefix: string, k1: number, b: number): Field {
    const arrays = {} as Record<string, SectionArray>;
    for (const [name, kind] of Object.entries(arrayKinds)) arrays[name] = sections.array(`${prefix}.${name}`, kind);
    return new Field(arrays as unknown as FieldArrays, k1, b);
  }
}

/**
 * Each document's k1 · (1 − b + b · length / average length), as a code per document into a table of
 * the distinct lengths' values: a norm depends on the length alone, and scoring reads one per posting,
 * so two bytes a document (rather than eight) keep more of them in the processor's cache.
 */
interface Norms {
  codes: Uint16Array | Int32Array;
  table: Float64Array;
}

function normsOf(lengths: Int32Array, k1: number, b: number): Norms {
  const size = lengths.length;
  let total = 0;
  let longest = 0;
  for (let doc = 0; doc < size; doc++) {
    total += lengths[doc];
    if (lengths[doc] > longest) longest = lengths[doc];
  }
  const average = size > 0 ? total / size || 1 : 1;
  // Code of each length: a table by length when lengths are short (always, for chunks), else a map.
  const byLength = longest < 1 << 20 ? new Int32Array(longest + 1).fill(-1) : undefined;
  const byLengthMap = new Map<number, number>();
  const distinct: number[] = [];
  for (let doc = 0; doc < size; doc++) {
    const length = lengths[doc];
    if (byLength ? byLength[length] < 0 : !byLengthMap.has(length)) {
      if (byLength) byLength[length] = 0;
      else byLengthMap.set(length, 0);
      distinct.push(length);
    }
  }
  distinct.sort((x, y) => x - y);
  distinct.forEach((length, code) => (byLength ? (byLength[length] = code) : byLengthMap.set(length, code)));
  const codes = distinct.length <= 1 << 16 ? new Uint16Array(size) : new Int32Array(size);
  for (let doc = 0; doc < size; doc++) codes[doc] = byLength ? byLength[lengths[doc]] : byLengthMap.get(lengths[doc])!;
  return { codes, table: Float64Array.from(distinct, (length) => k1 * (1 - b + (b * length) / average)) };
}

/** Grows typed arrays as documents are added. */
class Growable<T extends Int32Array | Uint16Array> {
  length = 0;
  constructor(public array: T) {}

  push(value: number): void {
    if (this.length === this.array.length) {
      const grown = new (this.array.constructor as new (length: number) => T)(this.array.length * 2);
      grown.set(this.array);
      this.array = grown;
    }
    this.array[this.length++] = value;
  }
}

/**
 * Builds one field document by document: each document's tokens become (term id, count) runs at once,
 * so token strings do not have to stay in memory until the end.
 */
class FieldBuilder {
  private readonly terms = new Map<string, number>();
  private readonly runTerms = new Growable(new Int32Array(1 << 12));
  private readonly runCounts = new Growable(new Uint16Array(1 << 12));
  private readonly runStarts = new Growable(new Int32Array(1 << 10));
  private readonly lengths = new Growable(new Int32Array(1 << 10));
  private readonly documentFrequencies = new Growable(new Int32Array(1 << 10));
  private scratch = new Int32Array(256);

  add(tokens: ArrayLike<string>): void {
    this.runStarts.push(this.runTerms.length);
    this.lengths.push(tokens.length);
    if (this.scratch.length < tokens.length) this.scratch = new Int32Array(tokens.length * 2);
    for (let i = 0; i < tokens.length; i++) {
      let id = this.terms.get(tokens[i]);
      if (id === undefined) {
        id = this.terms.size;
        this.terms.set(tokens[i], id);
        this.documentFrequencies.push(0);
      }
      this.scratch[i] = id;
    }
    const ids = this.scratch.subarray(0, tokens.length).sort();
    for (let i = 0; i < ids.length; ) {
      let j = i + 1;
      while (j < ids.length && ids[j] === ids[i]) j++;
      this.runTerms.push(ids[i]);
      this.runCounts.push(Math.min(65535, j - i));
      this.documentFrequencies.array[ids[i]]++;
      i = j;
    }
  }

  finish(k1: number, b: number): Field {
    const size = this.lengths.length;
    this.runStarts.push(this.runTerms.length);
    const lengths = this.lengths.array.slice(0, size);
    const runStarts = this.runStarts.array;
    const runTerms = this.runTerms.array;
    const runCounts = this.runCounts.array;
    const termCount = this.terms.size;
    const documentFrequencies = this.documentFrequencies.array.slice(0, termCount);
    const norms = normsOf(lengths, k1, b);

    const termBlocks = new Int32Array(termCount + 1);
    for (let t = 0; t < termCount; t++) termBlocks[t + 1] = termBlocks[t] + Math.ceil(documentFrequencies[t] / blockSize);
    const blockCount = termBlocks[termCount];

    // Pass 1: each block's first and last document, largest term count and best score factor.
    const blockFirstDocs = new Int32Array(blockCount);
    const blockLastDocs = new Int32Array(blockCount);
    const blockMaxTfs = new Int32Array(blockCount);
    const blockMaxima = new Float64Array(blockCount);
    const seen = new Int32Array(termCount);
    const k1Plus1 = k1 + 1;
    for (let doc = 0; doc < size; doc++) {
      for (let r = runStarts[doc]; r < runStarts[doc + 1]; r++) {
        const t = runTerms[r];
        const tf = runCounts[r];
        const block = termBlocks[t] + Math.floor(seen[t] / blockSize);
        if (seen[t] % blockSize === 0) blockFirstDocs[block] = doc;
        seen[t]++;
        blockLastDocs[block] = doc;
        if (tf > blockMaxTfs[block]) blockMaxTfs[block] = tf;
        const impact = (tf * k1Plus1) / (tf + norms.table[norms.codes[doc]]);
        if (impact > blockMaxima[block]) blockMaxima[block] = impact;
      }
    }
    const blockDocBits = new Uint8Array(blockCount);
    const blockTfBits = new Uint8Array(blockCount);
    const blockWords = new Uint32Array(blockCount + 1);
    let words = 0;
    for (let t = 0; t < termCount; t++) {
      for (let block = termBlocks[t]; block < termBlocks[t + 1]; block++) {
        const count = block + 1 < termBlocks[t + 1] ? blockSize : documentFrequencies[t] - (block - termBlocks[t]) * blockSize;
        blockDocBits[block] = bitsFor(blockLastDocs[block] - blockFirstDocs[block]);
        blockTfBits[block] = bitsFor(blockMaxTfs[block] - 1);
        blockWords[block] = words;
        words += runWords(count, blockDocBits[block]) + runWords(count, blockTfBits[block]);
        if (words >= 2 ** 32) throw new Error('a BM25 field over 16 GB of postings is not supported');
      }
    }
    blockWords[blockCount] = words;

    // Pass 2: pack every posting into its block.
    const packed = new Uint32Array(words);
    seen.fill(0);
    for (let doc = 0; doc < size; doc++) {
      for (let r = runStarts[doc]; r < runStarts[doc + 1]; r++) {
        const t = runTerms[r];
        const block = termBlocks[t] + Math.floor(seen[t] / blockSize);
        const i = seen[t]++ % blockSize;
        const count = block + 1 < termBlocks[t + 1] ? blockSize : documentFrequencies[t] - (block - termBlocks[t]) * blockSize;
        packValue(packed, blockWords[block], blockDocBits[block], i, doc - blockFirstDocs[block]);
        packValue(packed, blockWords[block] + runWords(count, blockDocBits[block]), blockTfBits[block], i, runCounts[r] - 1);
      }
    }
    const termMaxima = new Float32Array(termCount);
    for (let t = 0; t < termCount; t++) {
      let best = 0;
      for (let block = termBlocks[t]; block < termBlocks[t + 1]; block++) if (blockMaxima[block] > best) best = blockMaxima[block];
      termMaxima[t] = float32AtLeast(best);
    }

    // Term dictionary: characters back to back, and a hash table of ids.
    const termStarts = new Int32Array(termCount + 1);
    let chars = 0;
    for (const [term, id] of this.terms) {
      termStarts[id + 1] = term.length;
      chars += term.length;
    }
    for (let t = 0; t < termCount; t++) termStarts[t + 1] += termStarts[t];
    const termChars = new Uint16Array(chars);
    let tableSize = 16;
    while (tableSize < termCount * 2) tableSize *= 2;
    const termTable = new Int32Array(termCount > 0 ? tableSize : 0);
    for (const [term, id] of this.terms) {
      for (let i = 0; i < term.length; i++) termChars[termStarts[id] + i] = term.charCodeAt(i);
      let slot = hashOf(term) & (tableSize - 1);
      while (termTable[slot] !== 0) slot = (slot + 1) & (tableSize - 1);
      termTable[slot] = id + 1;
    }
    return new Field(
      {
        lengths,
        termChars,
        termStarts,
        termTable,
        documentFrequencies,
        termBlocks,
        blockFirstDocs,
        blockLastDocs,
        blockWords,
        blockDocBits,
        blockTfBits,
        termMaxima,
        packed,
      },
      k1,
      b,
    );
  }
}

/** One query term in one field, with what scoring it needs. */
interface QueryTerm {
  field: Field;
  term: number;
  /** idf · field weight. */
  weight: number;
  /** weight · the term's largest score factor: no document gets more from this term. */
  upper: number;
  /** Number of postings. */
  length: number;
}

/** A multi-field BM25 index over chunks (or documents); document numbers are positions in the input. */
export class Bm25Index {
  private readonly fields: [Field, Field, Field];
  private readonly weights: [number, number, number];
  /** Score buffer and the documents it holds scores for (all zeros between queries; search is synchronous). */
  private scratch?: {
    scores: Float64Array;
    /** A byte per document (255: touched, it has a score), padded to whole groups of 32 documents. */
    touched: Uint8Array;
    /** How many documents are touched (counted by addPostings from the first term of a search on). */
    touchedCount: number;
    candidates: Int32Array;
    values: Float64Array;
    seeds: Int32Array;
    mask: Uint8Array;
    high: Int32Array;
    highCount: number;
    floor: number;
  };
  /** One block's documents and term counts, read by the JavaScript loops. */
  private readonly blockScratch = { docs: new Int32Array(blockSize), tfs: new Int32Array(blockSize) };
  /** The WebAssembly scoring loop and where the score buffers are in its memory (set up at the first search). */
  private kernel?: {
    exports: KernelExports;
    scores: number;
    touched: number;
    high: number;
    mask: number;
    marks: number;
    valuesAt: number;
    seedsAt: number;
    liveAt: number;
    live: Int32Array;
    values: Float64Array;
  };

  /** Builds the index over `entries` (document i = the i-th entry). */
  constructor(
    entries: Iterable<Bm25Fields> | BuiltFields,
    private readonly parameters = bm25Defaults,
  ) {
    if (entries instanceof BuiltFields) {
      this.fields = entries.fields;
    } else {
      const builder = new Bm25Builder(parameters);
      for (const entry of entries) builder.add(entry);
      this.fields = builder.finishFields();
    }
    this.weights = [1, parameters.bigramWeight, parameters.contextWeight];
  }

  /** The stored form: typed arrays named under `prefix`, and the parameters the bounds were computed with. */
  sections(prefix: string): Record<string, SectionArray | unknown> {
    return {
      [`${prefix}.parameters`]: { k1: this.parameters.k1, b: this.parameters.b, contextB },
      ...this.fields[0].sections(`${prefix}.tokens`),
      ...this.fields[1].sections(`${prefix}.bigrams`),
      ...this.fields[2].sections(`${prefix}.context`),
    };
  }

  /**
   * Opens a stored index. Throws when it was built with other BM25 parameters than `parameters`
   * (its score bounds would be wrong): such an index has to be rebuilt.
   */
  static fromSections(sections: Sections, prefix: string, parameters = bm25Defaults): Bm25Index {
    const stored = sections.json<{ k1: number; b: number; contextB: number }>(`${prefix}.parameters`);
    if (stored.k1 !== parameters.k1 || stored.b !== parameters.b || stored.contextB !== contextB) {
      throw new Error(`BM25 parameters changed (stored k1 ${stored.k1}, b ${stored.b}; now k1 ${parameters.k1}, b ${parameters.b})`);
    }
    return new Bm25Index(
      new BuiltFields([
        Field.fromSections(sections, `${prefix}.tokens`, parameters.k1, parameters.b),
        Field.fromSections(sections, `${prefix}.bigrams`, parameters.k1, parameters.b),
        Field.fromSections(sections, `${prefix}.context`, parameters.k1, contextB),
      ]),
      parameters,
    );
  }

  get size(): number {
    return this.fields[0].size;
  }

  /** Which loop adds postings: the WebAssembly kernel, or JavaScript where it cannot run (known after the first search). */
  get scoringLoop(): 'webassembly' | 'javascript' {
    this.scratchBuffers();
    return this.kernel ? 'webassembly' : 'javascript';
  }

  /**
   * The k best documents with a positive score, best first (ties by document number); `allowed`
   * (document numbers) restricts them. Scores exactly as {@link searchExhaustive} (same sums, same
   * order of addition), but once the terms left cannot lift a new document into the top k, they are
   * looked up only for the documents that can still get there (MaxScore, term at a time), judged
   * against the least final score of the k documents that were best so far. `atLeast`, a score k
   * documents are known to reach (their final scores, as {@link scoreDocuments} gives them), is a bar
   * from the start.
   */
  search(query: Bm25Fields, { k, allowed, atLeast }: { k: number; allowed?: ReadonlySet<number>; atLeast?: number }): { doc: number; score: number }[] {
    const terms = this.queryTerms(query);
    if (terms.length === 0 || k <= 0) return [];
    const scratch = this.scratchBuffers();
    const { scores, mask } = scratch;
    const postings = terms.reduce((sum, term) => sum + term.length, 0);
    let candidates: Int32Array;
    let from = 0;
    let threshold = atLeast !== undefined && atLeast > 0 ? atLeast : -1;
    /** Documents whose scores the first phase already completed (they are not among the candidates). */
    let completed: Int32Array | undefined;
    let completedBest: Float64Array | undefined;
    // A PositionSet (policy-index.ts) hands over its positions already sorted.
    const positions = allowed instanceof PositionSet ? allowed.positions : undefined;
    if (allowed && allowed.size * terms.length * 16 < postings) {
      // A few allowed documents are cheaper to look up than the query's postings are to walk.
      candidates = positions ? positions.slice() : Int32Array.from(allowed).sort();
    } else {
      if (positions) mark(mask, positions, 1);
      else if (allowed) for (const doc of allowed) mask[doc] = 1;
      ({ candidates, completed, completedBest, from, threshold } = this.disjunction(terms, k, allowed ? mask : undefined, threshold));
      if (positions) mark(mask, positions, 0);
      else if (allowed) for (const doc of allowed) mask[doc] = 0;
    }
    const survivors = this.conjunction(terms, from, candidates, k, threshold, completedBest);
    const best = new TopK(k);
    for (const list of completed ? [completed, survivors] : [survivors]) {
      for (const doc of list) {
        if (scores[doc] > 0) best.offer(doc, scores[doc]);
        scores[doc] = 0;
      }
    }
    return best.sorted();
  }

  /**
   * The reference scorer: adds every posting of every query term into the score buffer, then keeps
   * the top k. Slower than {@link search}; kept to check it and to measure what pruning saves.
   */
  searchExhaustive(query: Bm25Fields, { k, allowed }: { k: number; allowed?: ReadonlySet<number> }): { doc: number; score: number }[] {
    const { scores, touched } = this.scratchBuffers();
    for (const term of this.queryTerms(query)) this.addPostings(term);
    const best = new TopK(Math.min(k, this.size));
    for (let doc = 0; doc < touched.length; doc++) {
      if (touched[doc] === 0) continue;
      touched[doc] = 0;
      const score = scores[doc];
      scores[doc] = 0;
      if (score > 0 && (!allowed || allowed.has(doc))) best.offer(doc, score);
    }
    this.setTouchedCount(0);
    return best.sorted();
  }

  /**
   * The scores of `docs` only, and the best score of any document: enough to normalise a few
   * documents' scores by the top one without ranking every document.
   */
  scoreSubset(query: Bm25Fields, docs: ArrayLike<number>): { max: number; scores: Float64Array } {
    const scores = this.scoreDocuments(query, docs);
    // The best of `docs` is a bar the best document reaches.
    const max = this.search(query, { k: 1, atLeast: scores.reduce((best, score) => Math.max(best, score), 0) })[0]?.score ?? 0;
    return { max, scores };
  }

  /** The BM25 score of each of `docs` (in their order; 0 for a document no query term is in). */
  scoreDocuments(query: Bm25Fields, docs: ArrayLike<number>): Float64Array {
    const picked = new Float64Array(docs.length);
    const terms = this.queryTerms(query);
    if (terms.length === 0 || docs.length === 0) return picked;
    const sorted = Int32Array.from(docs).sort();
    const unique = sorted.filter((doc, i) => i === 0 || doc !== sorted[i - 1]);
    const { scores } = this.scratchBuffers();
    this.conjunction(terms, 0, unique, 0, -1);
    for (let i = 0; i < docs.length; i++) picked[i] = scores[docs[i]];
    for (const doc of unique) scores[doc] = 0;
    return picked;
  }

  /**
   * Inverse document frequency of a word token (used to weigh query terms when picking sentences);
   * a word only titles and headings use is read from the heading field.
   */
  idf(token: string): number {
    const [words, , context] = this.fields;
    return words.documentFrequency(token) === 0 && context.documentFrequency(token) > 0 ? context.idf(token) : words.idf(token);
  }

  /** Number of chunks containing a word token (in their text, else in their title and headings). */
  documentFrequency(token: string): number {
    return this.fields[0].documentFrequency(token) || this.fields[2].documentFrequency(token);
  }

  /** The chunks whose text holds a word token, in order. */
  chunksWith(token: string): Int32Array {
    return this.fields[0].postings(this.fields[0].termId(token));
  }

  /**
   * Every document's fields as bags of tokens (term order is lost; counts are kept), for keeping an
   * unchanged document's entries when the index is updated in place.
   */
  entries(): Bm25Fields[] {
    const entry = this.entryReader();
    return Array.from({ length: this.size }, (_, doc) => entry(doc));
  }

  /**
   * One document's fields as bags of tokens (as `entries()`), read on demand after one pass over the
   * postings: for going through a large index in batches without holding every entry at once.
   */
  entryReader(): (doc: number) => Bm25Fields {
    const perField = this.fields.map((field) => forwardBags(field));
    return (doc) => ({ tokens: perField[0](doc), bigrams: perField[1](doc), context: perField[2](doc) });
  }

  /**
   * The query's terms in the order their scores are added: largest bound first (ties in field
   * order, then token order), the same order for every document, so every scorer gets the same sums.
   */
  private queryTerms(query: Bm25Fields): QueryTerm[] {
    const terms: QueryTerm[] = [];
    this.fields.forEach((field, f) => {
      for (const token of new Set(query[fieldNames[f]])) {
        const term = field.termId(token);
        if (term < 0) continue;
        const weight = field.idfs[term] * this.weights[f];
        if (!(weight > 0)) continue; // a zero-weight field adds nothing
        terms.push({ field, term, weight, upper: weight * field.arrays.termMaxima[term] * slack, length: field.arrays.documentFrequencies[term] });
      }
    });
    return terms.map((term, i) => ({ term, i })).sort((a, b) => b.term.upper - a.term.upper || a.i - b.i).map(({ term }) => term);
  }

  /**
   * Adds terms' postings to every document they hold, largest bound first, until the bounds of the
   * terms left add up to no more than the k-th best score so far: from then on no document they alone
   * hold can reach the top k. Returns the documents that still can (ascending, their partial scores
   * in the buffer; the others' scores are cleared), the next term, and a lower bound of the k-th best
   * final score.
   */
  private disjunction(terms: QueryTerm[], k: number, mask?: Uint8Array, bar = -1): { candidates: Int32Array; completed?: Int32Array; completedBest?: Float64Array; from: number; threshold: number } {
    const scratch = this.scratchBuffers();
    const { scores, touched, candidates } = scratch;
    let remaining = 0;
    for (const term of terms) remaining += term.upper;
    // Whether k documents have a score yet (counted only until they do).
    let enough = false;
    let from = 0;
    let best = 0;
    // The k-th best score so far, recomputed only when the bound left has shrunk by a tenth since the
    // last time (scores only grow, so an older value is still a lower bound). Once it is known, the
    // documents scoring at least it are listed in `high` as they reach it (addPostings), so that the
    // next one is found among them rather than among every document touched.
    let threshold = bar;
    let checkedAt = Infinity;
    scratch.floor = Infinity;
    scratch.highCount = 0;
    this.setTouchedCount(0);
    while (from < terms.length) {
      const top = this.addPostings(terms[from], mask);
      if (top > best) best = top;
      remaining -= terms[from].upper;
      from++;
      // Stop once k documents have more than the remaining terms can give any other one.
      if (from < terms.length && best > remaining * slack && (enough ||= this.touchedAtLeast(k))) {
        if (remaining * slack <= threshold && this.costlierHere(terms[from], remaining, threshold)) break;
        if (remaining < 0.9 * checkedAt) {
          // The floor of the documents listed in `high` is the k-th best partial score itself.
          const partial = this.bestPartialScores(k);
          checkedAt = remaining;
          this.raiseFloor(partial);
          threshold = Math.max(threshold, partial);
          if (remaining * slack <= threshold && this.costlierHere(terms[from], remaining, threshold)) break;
        }
      }
    }
    let completed: Int32Array | undefined;
    let completedBest: Float64Array | undefined;
    if (enough || this.touchedAtLeast(k)) {
      if (from === terms.length) {
        // Every term was added: the partial scores are final.
        threshold = Math.max(threshold, this.bestPartialScores(k));
      } else {
        // Completing the documents with the best partial scores gives a threshold well above their
        // own k-th best, which most documents then fail; they leave the touched set, done.
        completed = this.completeBest(terms, from, k);
        threshold = Math.max(threshold, this.kthLargestOf(completed, completed.length, k));
        // kthLargestOf leaves the k best of their final scores in `values`, a min-heap.
        completedBest = scratch.values.slice(0, k);
        for (const doc of completed) touched[doc] = 0;
      }
    }
    // The documents that pass, in ascending order.
    let kept = 0;
    const { kernel } = this;
    if (kernel) {
      // Where most documents are touched and none without a score can pass, reading the scores
      // themselves, two at a time, is faster than going through the touched map.
      if (remaining * slack <= threshold && this.mostlyTouched()) {
        // The completed documents keep their final scores but are not candidates: out of sight meanwhile.
        const finals = completed ? Float64Array.from(completed, (doc) => scores[doc]) : undefined;
        if (completed) for (const doc of completed) scores[doc] = 0;
        kept = kernel.exports.collectScores(kernel.touched, touched.length >>> 5, kernel.scores, kernel.liveAt, remaining, threshold, slack);
        if (completed) completed.forEach((doc, i) => (scores[doc] = finals![i]));
      } else {
        kept = kernel.exports.collect(kernel.touched, touched.length >>> 5, kernel.scores, kernel.liveAt, remaining, threshold, slack);
      }
      scratch.touchedCount = 0;
      scratch.floor = Infinity;
      scratch.highCount = 0;
      return { candidates: kernel.live.subarray(0, kept), completed, completedBest, from, threshold };
    }
    for (let doc = 0; doc < touched.length; doc++) {
      if (touched[doc] === 0) continue;
      touched[doc] = 0;
      if ((scores[doc] + remaining) * slack > threshold) candidates[kept++] = doc;
      else scores[doc] = 0;
    }
    scratch.touchedCount = 0;
    scratch.floor = Infinity;
    scratch.highCount = 0;
    return { candidates: candidates.subarray(0, kept), completed, completedBest, from, threshold };
  }

  /**
   * Adds terms `from..` to the candidates' scores (candidates ascending), dropping after each term
   * the candidates that can no longer reach the top k (their scores are cleared). Returns the
   * candidates left, a prefix of `candidates` (their scores are complete); with k = 0 none is dropped.
   * `completedBest` (the k best final scores of the documents the first phase completed, a min-heap)
   * lets the bar rise with the candidates' scores.
   */
  private conjunction(terms: QueryTerm[], from: number, candidates: Int32Array, k: number, threshold: number, completedBest?: Float64Array): Int32Array {
    this.scratchBuffers(); // starts the kernel at the first search
    let remaining = 0;
    for (let t = from; t < terms.length; t++) remaining += terms[t].upper;
    const seeded = threshold >= 0;
    const { kernel } = this;
    if (!kernel) {
      let live = candidates;
      for (let t = from; t < terms.length && live.length > 0; t++) {
        this.addToListed(terms[t], live);
        remaining -= terms[t].upper;
        if (k > 0 && live.length > k) {
          // Without a threshold from the first phase (a few allowed documents looked up directly), the
          // k-th best partial score is the one to prune with; a completed threshold is rarely passed by it.
          if (!seeded) threshold = Math.max(threshold, this.kthLargestOf(live, live.length, k));
          live = this.withoutHopeless(live, remaining, threshold);
        }
      }
      return live;
    }
    // The kernel reads the candidates from its own memory (where the first phase leaves them). In
    // the pruning pass they are also marked, so that a term with few postings for the candidates
    // still in play is added by reading its postings rather than by stepping through them all.
    if (candidates.buffer !== kernel.live.buffer || candidates.byteOffset !== kernel.liveAt) kernel.live.set(candidates);
    let count = candidates.length;
    const marks = k > 0 ? kernel.marks : 0;
    if (marks) kernel.exports.mark(marks, kernel.liveAt, count, 1);
    for (let t = from; t < terms.length && count > 0; t++) {
      const { field, term, weight, length } = terms[t];
      const at = field.kernelAddresses!;
      const { termBlocks } = field.arrays;
      if (marks && length <= count * markedReadFactor) {
        kernel.exports.addMarked(at.packed, at.blockWords, at.blockFirstDocs, at.blockDocBits, at.blockTfBits, at.codes, at.table, kernel.scores, marks, termBlocks[term], termBlocks[term + 1], length, weight, field.k1 + 1);
      } else {
        kernel.exports.addToListed(
          at.packed,
          at.blockWords,
          at.blockFirstDocs,
          at.blockLastDocs,
          at.blockDocBits,
          at.blockTfBits,
          at.codes,
          at.table,
          kernel.scores,
          kernel.liveAt,
          count,
          termBlocks[term],
          termBlocks[term + 1],
          length,
          weight,
          field.k1 + 1,
        );
      }
      remaining -= terms[t].upper;
      if (k > 0 && count > k) {
        if (completedBest) {
          // The k best of the completed documents' final scores and of the candidates' partial ones
          // (k distinct documents, none scoring below its value) raise the bar for the next term.
          kernel.values.set(completedBest);
          count = kernel.exports.pruneRanked(kernel.scores, kernel.liveAt, count, marks, remaining, threshold, slack, kernel.valuesAt, kernel.seedsAt, k);
          threshold = Math.max(threshold, kernel.values[0]);
        } else {
          if (!seeded) threshold = Math.max(threshold, this.kthLargestOf(kernel.live, count, k));
          count = kernel.exports.prune(kernel.scores, kernel.liveAt, count, marks, remaining, threshold, slack);
        }
      }
    }
    if (marks) kernel.exports.mark(marks, kernel.liveAt, count, 0);
    return kernel.live.subarray(0, count);
  }

  /**
   * Adds a term to the scores of the documents of `live` (ascending) that hold it: blocks without one
   * are skipped, a few in a block are found by binary search in its packed offsets, more by walking
   * the block alongside them (the kernel's addToListed does the same in WebAssembly).
   */
  private addToListed({ field, term, weight }: QueryTerm, live: Int32Array): void {
    const { scores } = this.scratchBuffers();
    const { termBlocks, blockFirstDocs, blockLastDocs } = field.arrays;
    const { codes, table } = field.norms;
    const k1Plus1 = field.k1 + 1;
    let c = 0;
    for (let block = termBlocks[term], end = termBlocks[term + 1]; block < end && c < live.length; block++) {
      const last = blockLastDocs[block];
      if (last < live[c]) continue;
      while (c < live.length && live[c] < blockFirstDocs[block]) c++;
      if (c >= live.length || live[c] > last) continue;
      let inBlock = c + 1;
      while (inBlock < live.length && live[inBlock] <= last && inBlock - c <= sparseLookups) inBlock++;
      if (inBlock - c <= sparseLookups && (inBlock === live.length || live[inBlock] > last)) {
        // A few candidates in this block: binary search each in the packed postings.
        for (; c < inBlock; c++) {
          const doc = live[c];
          const tf = field.lookup(term, block, doc);
          if (tf > 0) scores[doc] += (weight * (tf * k1Plus1)) / (tf + table[codes[doc]]);
        }
        continue;
      }
      // Many candidates in this block: read it whole and walk its documents alongside them.
      const { docs, tfs } = this.blockScratch;
      const n = field.decodeBlock(term, block, docs, tfs);
      let p = 0;
      for (; c < live.length && live[c] <= last; c++) {
        const doc = live[c];
        while (p < n && docs[p] < doc) p++;
        if (p < n && docs[p] === doc) {
          const tf = tfs[p];
          scores[doc] += (weight * (tf * k1Plus1)) / (tf + table[codes[doc]]);
        }
      }
    }
  }

  /** The documents of `live` whose score plus `remaining` can still pass `threshold` (the others' scores are cleared). */
  private withoutHopeless(live: Int32Array, remaining: number, threshold: number): Int32Array {
    const { scores } = this.scratchBuffers();
    let kept = 0;
    for (let i = 0; i < live.length; i++) {
      const doc = live[i];
      if ((scores[doc] + remaining) * slack > threshold) live[kept++] = doc;
      else scores[doc] = 0;
    }
    return live.subarray(0, kept);
  }

  /**
   * Completes the touched documents with the best partial scores (`completedSeeds` × k of them, or
   * as many as `high` lists): the terms `from..` are added to their scores in order, as the
   * conjunction adds them, so their scores are final. These are real documents, so the k-th best of
   * their final scores is a lower bound of the k-th best final score; taking twice k of them rather
   * than k lifts it nearly to the true k-th best, which halves the candidates that pass it. Returns
   * them, ascending.
   */
  private completeBest(terms: QueryTerm[], from: number, k: number): Int32Array {
    const scratch = this.scratchBuffers();
    const { scores, values, seeds, high } = scratch;
    const { kernel } = this;
    if (kernel) {
      // The best `count` by the kernel's min-heap, as below: of every touched document where no
      // floor was set, else of those `high` lists.
      const count = Math.min(completedSeeds * k, scratch.floor === Infinity ? scratch.touchedCount : scratch.highCount);
      if (scratch.floor === Infinity) kernel.exports.bestPartialTouched(kernel.touched, scratch.touched.length >>> 5, kernel.scores, kernel.high, kernel.valuesAt, kernel.seedsAt, count, this.mostlyTouched() ? 1 : 0);
      else kernel.exports.bestPartial(kernel.scores, kernel.high, scratch.highCount, kernel.valuesAt, kernel.seedsAt, count);
      const completed = seeds.slice(0, count).sort();
      this.conjunction(terms, from, completed, 0, -1);
      return completed;
    }
    // No floor was set: every touched document is a candidate seed.
    if (scratch.floor === Infinity) this.listTouched();
    // `high` holds every document scoring at least the floor, a k-th best partial score: the k best
    // are among them. The best `count` of them, by a min-heap as bestPartialScores.
    const listed = scratch.highCount;
    const count = Math.min(listed, completedSeeds * k);
    for (let i = 0; i < count; i++) {
      seeds[i] = high[i];
      values[i] = scores[high[i]];
    }
    for (let i = (count >>> 1) - 1; i >= 0; i--) siftDownWith(values, seeds, count, i);
    for (let i = count; i < listed; i++) {
      const score = scores[high[i]];
      if (score > values[0]) {
        values[0] = score;
        seeds[0] = high[i];
        siftDownWith(values, seeds, count, 0);
      }
    }
    const completed = seeds.slice(0, count).sort();
    this.conjunction(terms, from, completed, 0, -1);
    return completed;
  }

  /**
   * Adds every posting of `term` into the score buffer (documents outside `mask` skipped), marking
   * each document in `touched` and listing in `high` each whose score reaches `floor`; returns the
   * best score seen.
   */
  private addPostings({ field, term, weight }: QueryTerm, mask?: Uint8Array): number {
    const scratch = this.scratchBuffers();
    const { kernel } = this;
    const at = field.kernelAddresses;
    if (kernel && at) {
      const { termBlocks, documentFrequencies } = field.arrays;
      kernel.exports.setHighCount(scratch.highCount);
      const top = kernel.exports.addPostings(
        at.packed,
        at.blockWords,
        at.blockFirstDocs,
        at.blockDocBits,
        at.blockTfBits,
        at.codes,
        at.table,
        kernel.scores,
        kernel.touched,
        kernel.high,
        mask ? kernel.mask : 0,
        termBlocks[term],
        termBlocks[term + 1],
        documentFrequencies[term],
        weight,
        field.k1 + 1,
        scratch.floor,
      );
      scratch.highCount = kernel.exports.highCount();
      scratch.touchedCount = kernel.exports.touchedCount();
      return top;
    }
    const { scores, touched, high, floor } = scratch;
    let { highCount, touchedCount } = scratch;
    const { codes, table } = field.norms;
    const k1Plus1 = field.k1 + 1;
    const { termBlocks } = field.arrays;
    const { docs, tfs } = this.blockScratch;
    let top = 0;
    for (let block = termBlocks[term], end = termBlocks[term + 1]; block < end; block++) {
      const n = field.decodeBlock(term, block, docs, tfs);
      for (let i = 0; i < n; i++) {
        const doc = docs[i];
        if (mask && mask[doc] === 0) continue;
        const tf = tfs[i];
        const before = scores[doc];
        const after = before + (weight * (tf * k1Plus1)) / (tf + table[codes[doc]]);
        scores[doc] = after;
        touched[doc] = 255;
        if (before === 0) touchedCount++;
        if (after >= floor && before < floor) high[highCount++] = doc;
        if (after > top) top = after;
      }
    }
    scratch.highCount = highCount;
    scratch.touchedCount = touchedCount;
    return top;
  }

  /**
   * The k-th best score of the touched documents (at least k of them), leaving the k best in `seeds`
   * (their scores in `values`, a min-heap). It looks at the documents listed in `high`: once a floor
   * is set, those are every document scoring at least it ({@link raiseFloor}); the first time, every
   * touched document. One pass, in which nearly every score fails the comparison with the heap's top;
   * the list keeps only the documents that passed it (every one scoring at least the k-th best).
   */
  private bestPartialScores(k: number): number {
    const scratch = this.scratchBuffers();
    const { scores, values, seeds, touched, high } = scratch;
    const { kernel } = this;
    if (kernel) {
      const least =
        scratch.floor === Infinity
          ? kernel.exports.bestPartialTouched(kernel.touched, touched.length >>> 5, kernel.scores, kernel.high, kernel.valuesAt, kernel.seedsAt, k, this.mostlyTouched() ? 1 : 0)
          : kernel.exports.bestPartial(kernel.scores, kernel.high, scratch.highCount, kernel.valuesAt, kernel.seedsAt, k);
      scratch.highCount = kernel.exports.keptCount();
      return least;
    }
    if (scratch.floor === Infinity) this.listTouched();
    let size = 0;
    let kept = 0;
    for (let i = 0; i < scratch.highCount; i++) {
      const doc = high[i];
      const score = scores[doc];
      if (size < k) {
        values[size] = score;
        seeds[size++] = doc;
        if (size === k) for (let j = (k >>> 1) - 1; j >= 0; j--) siftDownWith(values, seeds, k, j);
      } else if (score < values[0]) {
        continue; // below k documents already: below the k-th best
      } else if (score > values[0]) {
        values[0] = score;
        seeds[0] = doc;
        siftDownWith(values, seeds, k, 0);
      }
      high[kept++] = doc;
    }
    scratch.highCount = kept;
    return values[0];
  }

  /**
   * Sets the floor from which addPostings lists documents in `high`, keeping there those of its
   * documents that score at least it; `floor` is a k-th best score that {@link bestPartialScores}
   * found, so every document scoring at least it is there already. A document left out is listed
   * again when it reaches the floor: dropping those below it is what keeps the list free of repeats
   * (a repeat could count one document twice among the k best and overstate the threshold; a missing
   * document would only understate it).
   */
  private raiseFloor(floor: number): void {
    const scratch = this.scratchBuffers();
    const { scores, high } = scratch;
    let count = 0;
    for (let i = 0; i < scratch.highCount; i++) if (scores[high[i]] >= floor) high[count++] = high[i];
    scratch.floor = floor;
    scratch.highCount = count;
  }

  /** The k-th largest score of `docs[0..count)` (1 ≤ k ≤ count), by a k-entry min-heap as {@link bestPartialScores}. */
  private kthLargestOf(docs: Int32Array, count: number, k: number): number {
    const { scores, values } = this.scratchBuffers();
    for (let i = 0; i < k; i++) values[i] = scores[docs[i]];
    for (let i = (k >>> 1) - 1; i >= 0; i--) siftDown(values, k, i);
    let least = values[0];
    for (let i = k; i < count; i++) {
      const score = scores[docs[i]];
      if (score > least) {
        values[0] = score;
        siftDown(values, k, 0);
        least = values[0];
      }
    }
    return least;
  }

  /**
   * Whether the next term is better left to the pruning pass than added here. Any term may be (the
   * bar is met), but while many documents could still pass the bar, the next term costs less here: in
   * the pruning pass, those documents (the candidates) are gone through once more after each term.
   * The documents that could pass are those whose score plus the bound left exceeds the k-th best
   * partial score, estimated from a sample of the touched map (the estimate decides only the
   * speed, never a result; the threshold the completed documents give later lets through 3–10 times
   * fewer).
   */
  private costlierHere(next: QueryTerm, remaining: number, threshold: number): boolean {
    // Postings for half the documents touched or more cost more here than those documents (a bound
    // of the candidates) cost there, without counting.
    if (!this.touchedAtLeast(next.length * 2)) return true;
    const stride = Math.ceil((this.scratchBuffers().touched.length >>> 5) / passingSampleGroups);
    const atMost = Math.floor((next.length * firstPhaseShare) / stride);
    return this.countAbove(threshold - remaining, stride, atMost + 1) <= atMost;
  }

  /**
   * How many touched documents score above `bar` in every `stride`-th group of 32 documents, counted
   * until there are `atLeast`.
   */
  private countAbove(bar: number, stride: number, atLeast: number): number {
    const { touched, scores } = this.scratchBuffers();
    const { kernel } = this;
    if (kernel) return kernel.exports.countAbove(kernel.touched, touched.length >>> 5, stride, kernel.scores, bar, atLeast);
    let count = 0;
    for (let group = 0; group < touched.length && count < atLeast; group += stride << 5) {
      for (let doc = group; doc < group + 32; doc++) if (touched[doc] !== 0 && scores[doc] > bar) count++;
    }
    return count;
  }

  /**
   * Whether so many documents are touched (an eighth or more) that reading every score, two at a
   * time, is faster than going through the touched map one document at a time.
   */
  private mostlyTouched(): boolean {
    return this.scratchBuffers().touchedCount * 8 > this.size;
  }

  /** Whether at least k documents are touched. */
  private touchedAtLeast(k: number): boolean {
    return this.scratchBuffers().touchedCount >= k;
  }

  /** Sets the count of touched documents (0 once the touched map is cleared). */
  private setTouchedCount(count: number): void {
    this.scratchBuffers().touchedCount = count;
    this.kernel?.exports.setTouchedCount(count);
  }

  /** Lists every touched document in `high` (the candidates before a floor is set). */
  private listTouched(): void {
    const scratch = this.scratchBuffers();
    const { touched, high } = scratch;
    const { kernel } = this;
    if (kernel) {
      scratch.highCount = kernel.exports.listTouched(kernel.touched, touched.length >>> 5, kernel.high);
      return;
    }
    let count = 0;
    for (let doc = 0; doc < touched.length; doc++) if (touched[doc] !== 0) high[count++] = doc;
    scratch.highCount = count;
  }

  private scratchBuffers() {
    if (this.scratch) return this.scratch;
    const buffers = scoringKernel.enabled ? this.moveIntoKernel() : undefined;
    return (this.scratch = {
      scores: buffers?.scores ?? new Float64Array(this.size),
      touched: buffers?.touched ?? new Uint8Array(groupsOf(this.size) * 32),
      touchedCount: 0,
      candidates: new Int32Array(this.size),
      values: buffers?.values ?? new Float64Array(this.size),
      seeds: buffers?.seeds ?? new Int32Array(this.size),
      mask: buffers?.mask ?? new Uint8Array(this.size),
      high: buffers?.high ?? new Int32Array(this.size),
      highCount: 0,
      floor: Infinity,
    });
  }

  /**
   * Moves the fields' arrays into one WebAssembly memory, with the score buffers the kernel writes
   * (the arrays are replaced by views of it, so nothing is held twice), and starts the kernel. Returns
   * the buffers, or undefined (the JavaScript loop is used) where the kernel cannot run: no
   * WebAssembly, an index over 4 GB, a field with more than 65,536 distinct lengths.
   */
  private moveIntoKernel(): { scores: Float64Array; touched: Uint8Array; high: Int32Array; mask: Uint8Array; values: Float64Array; seeds: Int32Array } | undefined {
    if (this.fields.some((field) => !(field.norms.codes instanceof Uint16Array))) return undefined;
    type Moved = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float32Array | Float64Array;
    const moves: { array: Moved; at: number; put: (view: Moved) => void }[] = [];
    let bytes = 8; // address 0 means "no mask" to the kernel
    const place = (length: number) => {
      const at = bytes;
      bytes += (length + 7) & ~7;
      return at;
    };
    for (const field of this.fields) {
      const arrays = field.arrays as unknown as Record<string, Moved>;
      const addresses: Record<string, number> = {};
      for (const name of Object.keys(arrays)) {
        addresses[name] = place(arrays[name].byteLength);
        moves.push({ array: arrays[name], at: addresses[name], put: (view) => (arrays[name] = view) });
      }
      const norms = field.norms as { codes: Moved; table: Moved };
      for (const name of ['codes', 'table'] as const) {
        addresses[name] = place(norms[name].byteLength);
        moves.push({ array: norms[name], at: addresses[name], put: (view) => (norms[name] = view) });
      }
      field.kernelAddresses = addresses as unknown as NonNullable<Field['kernelAddresses']>;
    }
    // Scores and the touched map are padded to whole groups of 32 documents (the kernel reads a group at once).
    const scores = place(groupsOf(this.size) * 32 * 8);
    const touched = place(groupsOf(this.size) * 32);
    const high = place(this.size * 4);
    const mask = place(this.size);
    // The candidates still in play in the conjunction, a byte per document (all 0 between searches).
    const marks = place(this.size);
    // The candidates the conjunction walks (one more entry: the kernel may read one past the last).
    const liveAt = place((this.size + 1) * 4);
    const values = place(this.size * 8);
    const seeds = place(this.size * 4);
    // Where the kernel unpacks a block's documents and term counts (16-byte aligned for SIMD).
    bytes = (bytes + 15) & ~15;
    const blockScratch = place(2 * 4 * blockSize);
    // The kernel reads a bit-packed run's words 16 bytes at a time, and up to 32 bytes past its end.
    bytes += 32;
    const pages = Math.ceil(bytes / 65536);
    let memory: WebAssembly.Memory;
    try {
      if (pages > 65536) throw new RangeError('over 4 GB');
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    } catch {
      for (const field of this.fields) field.kernelAddresses = undefined;
      return undefined;
    }
    const exports = instantiateKernel(memory);
    if (!exports) {
      for (const field of this.fields) field.kernelAddresses = undefined;
      return undefined;
    }
    exports.setScratch(blockScratch);
    for (const { array, at, put } of moves) {
      new Uint8Array(memory.buffer, at, array.byteLength).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
      put(new (array.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => Moved)(memory.buffer, at, array.length));
    }
    this.kernel = {
      exports,
      scores,
      touched,
      high,
      mask,
      marks,
      valuesAt: values,
      seedsAt: seeds,
      liveAt,
      live: new Int32Array(memory.buffer, liveAt, this.size),
      values: new Float64Array(memory.buffer, values, this.size),
    };
    return {
      scores: new Float64Array(memory.buffer, scores, this.size),
      touched: new Uint8Array(memory.buffer, touched, groupsOf(this.size) * 32),
      high: new Int32Array(memory.buffer, high, this.size),
      mask: new Uint8Array(memory.buffer, mask, this.size),
      values: new Float64Array(memory.buffer, values, this.size),
      seeds: new Int32Array(memory.buffer, seeds, this.size),
    };
  }
}

/** Groups of 32 documents: the touched map is padded to whole groups (the kernel reads a group at once). */
const groupsOf = (size: number) => (size + 31) >>> 5;

/** Sets `mask` to `value` at each of `positions`. */
function mark(mask: Uint8Array, positions: Int32Array, value: number): void {
  for (let i = 0; i < positions.length; i++) mask[positions[i]] = value;
}

/** Restores the min-heap order of `heap[0..size)` below entry `i`. */
function siftDown(heap: Float64Array, size: number, i: number): void {
  const value = heap[i];
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1] < heap[child]) child++;
    if (heap[child] >= value) break;
    heap[i] = heap[child];
    i = child;
  }
  heap[i] = value;
}

/** {@link siftDown} on a heap of values whose documents move with them. */
function siftDownWith(heap: Float64Array, docs: Int32Array, size: number, i: number): void {
  const value = heap[i];
  const doc = docs[i];
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && heap[child + 1] < heap[child]) child++;
    if (heap[child] >= value) break;
    heap[i] = heap[child];
    docs[i] = docs[child];
    i = child;
  }
  heap[i] = value;
  docs[i] = doc;
}

/** Each document's (term, count) pairs of a field, read back from its postings. */
function forwardBags(field: Field): (doc: number) => string[] {
  const { termBlocks } = field.arrays;
  const counts = new Int32Array(field.size + 1);
  const docs = new Int32Array(blockSize);
  const tfs = new Int32Array(blockSize);
  for (let t = 0; t < field.termCount; t++) {
    for (let block = termBlocks[t]; block < termBlocks[t + 1]; block++) {
      const n = field.decodeBlock(t, block, docs, tfs);
      for (let i = 0; i < n; i++) counts[docs[i] + 1]++;
    }
  }
  for (let doc = 0; doc < field.size; doc++) counts[doc + 1] += counts[doc];
  const terms = new Int32Array(counts[field.size]);
  const frequencies = new Int32Array(counts[field.size]);
  const fill = counts.slice(0, field.size);
  for (let t = 0; t < field.termCount; t++) {
    for (let block = termBlocks[t]; block < termBlocks[t + 1]; block++) {
      const n = field.decodeBlock(t, block, docs, tfs);
      for (let i = 0; i < n; i++) {
        const at = fill[docs[i]]++;
        terms[at] = t;
        frequencies[at] = tfs[i];
      }
    }
  }
  const strings: (string | undefined)[] = new Array(field.termCount);
  return (doc) => {
    const bag: string[] = [];
    for (let i = counts[doc]; i < counts[doc + 1]; i++) {
      const term = (strings[terms[i]] ??= field.term(terms[i]));
      for (let c = 0; c < frequencies[i]; c++) bag.push(term);
    }
    return bag;
  };
}

/** Builds a {@link Bm25Index} one document at a time (token strings need not outlive the call). */
export class Bm25Builder {
  private readonly builders = [new FieldBuilder(), new FieldBuilder(), new FieldBuilder()] as const;

  constructor(private readonly parameters = bm25Defaults) {}

  add(entry: Bm25Fields): void {
    this.builders[0].add(entry.tokens);
    this.builders[1].add(entry.bigrams);
    this.builders[2].add(entry.context);
  }

  finish(): Bm25Index {
    return new Bm25Index(new BuiltFields(this.finishFields()), this.parameters);
  }

  /** @internal */
  finishFields(): [Field, Field, Field] {
    const { k1, b } = this.parameters;
    return [this.builders[0].finish(k1, b), this.builders[1].finish(k1, b), this.builders[2].finish(k1, contextB)];
  }
}

/** Fields already built (read from storage). */
class BuiltFields {
  constructor(readonly fields: [Field, Field, Field]) {}
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

  get full(): boolean {
    return this.count === this.k;
  }

  get size(): number {
    return this.k;
  }

  /** The k-th best score (meaningful when full). */
  get minimum(): number {
    return this.values[0];
  }

  /** Offers a document; true when it was taken. */
  offer(doc: number, score: number): boolean {
    if (this.k <= 0) return false;
    if (this.count < this.k) {
      this.docs[this.count] = doc;
      this.values[this.count] = score;
      this.up(this.count++);
      return true;
    }
    if (score < this.values[0] || (score === this.values[0] && doc > this.docs[0])) return false;
    this.docs[0] = doc;
    this.values[0] = score;
    this.down(0);
    return true;
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
