// The searchable index: BM25 over jieba tokens plus optional hnswlib vectors, combined by fuseHybrid (a score mix by default).
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { VectorStore } from '@langchain/core/vectorstores';
import { idfOf, type Bm25Fields, type Bm25Index } from './bm25-index.js';
import type { StoredIndex } from './index-store.js';
import { comparisonWords } from '../answer/analyse-question.js';
import { Analyzer, defaultVocabulary } from './analyzer.js';
import { bigrams, foldWidth } from './tokenize.js';
import type { CharacterStatistics } from './character-scores.js';
import type { VocabularyData } from './vocabulary.js';
import { PositionSet } from './position-set.js';
import { VectorIndex } from './vector-index.js';
import type { Chunk, PolicyDocument, SearchResult } from './types.js';

// What the chunk BM25 field holds is decided at ingest (lexical-index.ts); the helpers stay importable from here.
export { compactTitle, withoutTitleEcho } from './lexical-index.js';

/** Anything that embeds a query (TransformersEmbeddings, or a test double). */
export interface QueryEmbedder {
  readonly modelId: string;
  embedQuery(text: string): Promise<number[]>;
}

export interface SearchOptions {
  k?: number;
  /** Restrict to these document ids. */
  documents?: string[];
  /** Which retrievers to use; default: every one the index has. */
  mode?: 'hybrid' | 'lexical' | 'dense';
  /** A precomputed query vector (skips embedding). */
  queryVector?: number[];
}

export const maxK = 50;
const rrfK = 60;
const duplicateThreshold = 0.85;
/** A word one document uses at least this often, and no other document, is its own (see ownerOf). */
const ownWordMinUses = 3;
/** Distinct character bigrams a clause needs before containment in a longer one makes it a copy. */
const minContainedGrams = 40;
/** How much the document's own relevance adds to a chunk's score (share of the best chunk score). */
export const documentPrior = { weight: 0.25 };
/**
 * How many BM25 candidates the document prior re-ranks, as a multiple of the pool the search keeps.
 * 1, 2 and 4 gave identical results on every dev split (a clause ranked past twice the pool never
 * reached the top 10); 2 keeps a margin at half the BM25 work of 4.
 */
export const lexicalDepth = { poolMultiple: 2 };
/** Pseudo-relevance feedback: expansion terms from the top clauses, and how much their search counts. */
export const relevanceFeedback = { weight: 0, documents: 5, terms: 10 };
/** How much naming a document's city or county adds to its chunks (share of the best chunk score). */
export const placePrior = { weight: 0.5 };
/**
 * The word BM25's candidates are re-scored with the chunks' single-character BM25, an even mix of the
 * two scores, each divided by its best among the candidates. Characters find what a question says in
 * another form (罚 for 罚款, 退 for 退还, a colloquial compound the segmenter keeps whole); a
 * single-character BM25 alone beat the word ranking on the 712 regulations. Re-scoring the candidates
 * rather than adding the characters' own best chunks scores a few hundred chunks instead of every
 * posting, and answered better (evals/README.md). 0 turns it off.
 */
export const characterRanking = { weight: 1 };

/**
 * "云岭市", "桐江县", "鹤汀市瑶湾区" at the start of a title, the issuer or the opening line, after a
 * boundary.
 */
const placeAtBoundary = /(?:^|[《\s、，,：:（(])((?:[\u4e00-\u9fa5]{2}(?:市|县|区|州|旗)(?![域场级委长直属内外]))+)/g;
const provinceAtBoundary = /(?:^|[《\s、，,：:（(])([\u4e00-\u9fa5]{2}省)(?![域场级委长直属内外])/g;
/** A place name, not the start of a longer word ("促进区域", "县域", "市场", "省级"). */
const placeName = /[\u4e00-\u9fa5]{2}(?:市|县|区|州|旗)(?![域场级委长直属内外])/g;
/** How many places' chunk sets are kept between questions (each takes a bit per chunk). */
const maxPlaceSets = 64;
const notPlaces = new Set(['本市', '全市', '各市', '本县', '全县', '各县', '本区', '全区', '各区', '城区', '市区', '县区', '地区', '社区', '园区', '新区', '辖区', '片区', '景区', '山区', '城市', '省市', '市县']);

/**
 * The 2-character stems of the places a document is issued for ("云岭" of 云岭市), read from its
 * title, issuer and opening line: a question naming the place is about that place's notice.
 */
export function documentPlaceStems(document: Pick<PolicyDocument, 'title' | 'issuer' | 'text'>): string[] {
  const firstLine = document.text.split('\n').find((line) => line.trim().length > 0) ?? '';
  const stems = new Set<string>();
  // The opening line counts when it is a heading or an issuer line, not a paragraph of policy text.
  const opening = firstLine.trim().length <= 40 ? firstLine.trim() : '';
  const title = document.title.replace(/^《/, '');
  for (const source of [title, document.issuer ?? '', opening]) {
    for (const match of source.matchAll(placeAtBoundary)) {
      for (const place of match[1].match(placeName) ?? []) if (!notPlaces.has(place)) stems.add(place.slice(0, 2));
    }
  }
  // A province counts where the title or heading line itself is issued in its name ("瀚宁省人力资源
  // 和社会保障厅…"), not where a joint issuer list mentions it.
  for (const source of [title, opening]) {
    for (const match of source.matchAll(provinceAtBoundary)) stems.add(match[1].slice(0, 2));
  }
  return [...stems];
}

export class PolicyIndex {
  readonly documents: PolicyDocument[];
  readonly chunks: Chunk[];
  readonly bm25: Bm25Index;
  /** The dense store: the index's own hnswlib store, or any LangChain VectorStore over the same chunks. */
  private readonly dense?: VectorStore;
  private readonly documentsById: Map<string, PolicyDocument>;
  private readonly chunkPositions = new Map<string, number[]>();
  private readonly characterIdfs = new Map<string, number>();
  private readonly chunkIndexById = new Map<string, number>();
  private readonly bigramCodes: (Uint32Array | undefined)[];
  private readonly figures: (string[] | undefined)[] = [];
  /** Per chunk position: its document's number in the document BM25 index. */
  private readonly chunkDocumentNumbers: Int32Array;
  /** Per chunk position: 1 when its document is a copy or an older version (canonicalFirst ranks it after). */
  private readonly secondaryChunks: Uint8Array;
  private readonly documentBm25: Bm25Index;
  private readonly characterStatistics: CharacterStatistics;
  /** Place stem → the chunk positions of the documents issued for that place, ascending. */
  private readonly placeChunks = new Map<string, Int32Array>();
  /** The sets of the places questions named lately, by their chunk lists. */
  private readonly placeSets = new Map<Int32Array, PositionSet>();

  /** The analysis chain this index was tokenized with (shipped vocabulary plus the corpus's own terms). */
  readonly analyzer: Analyzer;
  private readonly mentioned = new Map<string, boolean>();
  private readonly caches = new Map<string, Map<string, unknown>>();

  constructor(
    readonly stored: StoredIndex,
    readonly embedder?: QueryEmbedder,
    { vocabulary = defaultVocabulary() }: { vocabulary?: VocabularyData } = {},
  ) {
    this.analyzer = new Analyzer({ vocabulary, corpusWords: stored.vocabulary?.corpusWords ?? [] });
    this.documents = stored.documents;
    this.chunks = stored.chunks;
    this.documentsById = new Map(stored.documents.map((document) => [document.id, document]));
    // BM25 over chunks and over whole documents was built at ingest (lexical-index.ts).
    this.bm25 = stored.lexical.chunks;
    this.documentBm25 = stored.lexical.documents;
    this.characterStatistics = stored.lexical.characters;
    stored.chunks.forEach((chunk, i) => {
      const positions = this.chunkPositions.get(chunk.documentId);
      if (positions) positions.push(i);
      else this.chunkPositions.set(chunk.documentId, [i]);
      this.chunkIndexById.set(chunk.id, i);
    });
    const documentNumber = new Map(stored.lexical.documentIds.map((id, i) => [id, i]));
    this.chunkDocumentNumbers = new Int32Array(stored.chunks.length);
    this.secondaryChunks = new Uint8Array(stored.chunks.length);
    for (const [id, positions] of this.chunkPositions) {
      const document = this.documentsById.get(id);
      const group = document?.versionGroup;
      const secondary = Boolean(document?.duplicateOf) || (group !== undefined && group.versions.length > 1 && group.newest !== document?.id);
      const number = documentNumber.get(id) ?? -1;
      for (const position of positions) {
        this.chunkDocumentNumbers[position] = number;
        this.secondaryChunks[position] = secondary ? 1 : 0;
      }
    }
    const placePositions = new Map<string, number[]>();
    for (const document of stored.documents) {
      for (const stem of documentPlaceStems(document)) {
        const positions = placePositions.get(stem) ?? [];
        for (const position of this.chunkPositions.get(document.id) ?? []) positions.push(position);
        placePositions.set(stem, positions);
      }
    }
    for (const [stem, positions] of placePositions) this.placeChunks.set(stem, Int32Array.from(positions).sort());
    this.bigramCodes = new Array(stored.chunks.length);
    this.analyzer.tokenize('预热分词词典'); // loads the segmenter's dictionary now rather than on the first question
    this.dense = embedder && stored.dense ? stored.dense : undefined;
    stored.dense?.attach({ chunks: stored.chunks, embeddings: embedder && 'embedDocuments' in embedder ? (embedder as QueryEmbedder & EmbeddingsInterface) : undefined });
  }

  /** Whether dense retrieval is live (vectors in the index and a query embedder loaded). */
  get hasDense(): boolean {
    return this.dense !== undefined;
  }

  document(id: string): PolicyDocument | undefined {
    return this.documentsById.get(id);
  }

  chunk(id: string): Chunk | undefined {
    const i = this.chunkIndexById.get(id);
    return i === undefined ? undefined : this.chunks[i];
  }

  /** The first chunk of a document whose span holds [start, end). */
  chunkContaining(documentId: string, start: number, end: number): Chunk | undefined {
    const position = this.chunkPositions.get(documentId)?.find((i) => this.chunks[i].start <= start && end <= this.chunks[i].end);
    return position === undefined ? undefined : this.chunks[position];
  }

  /** Heading path of the innermost section containing `offset` (a quote's start) in a document. */
  sectionAt(documentId: string, offset: number): string[] {
    let best: string[] = [];
    for (const section of this.documentsById.get(documentId)?.sections ?? []) {
      if (section.start <= offset && offset < section.end && section.path.length >= best.length) best = section.path;
    }
    return best;
  }

  /** Number of chunks per document. */
  chunkCount(documentId: string): number {
    return this.chunkPositions.get(documentId)?.length ?? 0;
  }

  /** Inverse frequency of a character among clauses (as a substring anywhere), BM25-style; cached. */
  characterIdf(character: string): number {
    let idf = this.characterIdfs.get(character);
    if (idf === undefined) {
      let containing = 0;
      for (const chunk of this.chunks) if (chunk.text.includes(character)) containing++;
      idf = idfOf(this.chunks.length, containing);
      if (this.characterIdfs.size > 5000) this.characterIdfs.clear();
      this.characterIdfs.set(character, idf);
    }
    return idf;
  }

  /** Whether some documents are issued for particular places (a city's notices), rather than all national. */
  get hasPlaceDocuments(): boolean {
    return this.placeChunks.size > 0 || this.documents.some((document) => Boolean(document.region));
  }

  /**
   * A cache that belongs to this index (and so never outlives it: a re-index builds a new one): the
   * answer stages keep per-clause analysis here.
   */
  cache<T>(namespace: string, key: string, compute: () => T): T {
    let store = this.caches.get(namespace) as Map<string, T> | undefined;
    if (!store) {
      store = new Map();
      this.caches.set(namespace, store);
    }
    let value = store.get(key);
    if (value === undefined) {
      value = compute();
      if (store.size >= 20_000) store.clear();
      store.set(key, value);
    }
    return value;
  }

  /** How many documents' titles contain `term`. */
  documentsTitled(term: string): number {
    // Versions of one regulation share a title: they count once.
    return this.cache('titled', term, () => new Set(this.documents.filter((document) => document.title.includes(term)).map((document) => document.title)).size);
  }

  /** How many documents' text holds `term` (each version counts). */
  documentsMentioning(term: string): number {
    return this.cache('mentioning', term, () => this.documents.filter((document) => document.text.includes(term)).length);
  }

  /**
   * The document a word belongs to: the one document (with its other versions) whose text uses it,
   * several times, in a library of several documents. Such a word is that document's own
   * name for its subject or its parties (川渝 in a joint plan of 四川 and 重庆, a regulation's own term),
   * so it says which document, not which of its sections.
   */
  ownerOf(term: string): string | undefined {
    return this.cache('owner', term, () => {
      if (term.length < 2 || this.titleCount < 2) return '';
      // The chunks holding the word (its postings), not a scan of every document's text.
      const holders = new Set<PolicyDocument>();
      for (const chunk of this.bm25.chunksWith(term)) {
        const document = this.document(this.chunks[chunk].documentId);
        if (document) holders.add(document);
      }
      const group = (document: PolicyDocument) => document.versionGroup?.newest ?? document.id;
      const [first] = holders;
      if (!first || [...holders].some((document) => group(document) !== group(first))) return '';
      return first.text.split(term).length - 1 >= ownWordMinUses ? first.id : '';
    }) || undefined;
  }

  /** How many different titles the library holds (versions of one regulation count once). */
  get titleCount(): number {
    this.distinctTitles ??= new Set(this.documents.map((document) => document.title)).size;
    return this.distinctTitles;
  }
  private distinctTitles?: number;

  /** Whether any document's text contains `term` (widths folded): a name the corpus mentions. */
  mentions(term: string): boolean {
    const folded = foldWidth(term);
    let found = this.mentioned.get(folded);
    if (found === undefined) {
      found = this.documents.some((document) => document.title.includes(term) || document.text.includes(term) || foldWidth(document.title).includes(folded));
      if (this.mentioned.size > 2000) this.mentioned.clear();
      this.mentioned.set(folded, found);
    }
    return found;
  }

  /** The BM25 query fields of a question. */
  queryFields(query: string): Bm25Fields {
    const tokens = this.analyzer.queryTokens(query);
    return { tokens, bigrams: bigrams(query), context: tokens };
  }

  /**
   * Hybrid search: BM25 and (when available) dense candidates fused with reciprocal-rank fusion,
   * near-duplicate chunks collapsed, optionally restricted to some documents.
   */
  async search(query: string, { k = 8, documents, mode, queryVector }: SearchOptions = {}): Promise<SearchResult[]> {
    const limit = Math.max(1, Math.min(maxK, Math.floor(k)));
    const allowed = documents && documents.length > 0 ? new Set(documents.flatMap((id) => this.chunkPositions.get(id) ?? [])) : undefined;
    if (allowed && allowed.size === 0) return [];
    const useDense = mode !== 'lexical' && this.dense !== undefined;
    const useLexical = mode !== 'dense' || !useDense;
    const pool = Math.max(50, limit * 5);

    // The query is embedded on the embedding worker while BM25 runs here (its failure is thrown below).
    const embedding = useDense && !queryVector ? this.embedder!.embedQuery(query) : undefined;
    embedding?.catch(() => undefined);
    const lexical = useLexical ? await this.lexicalSearch(query, pool, allowed) : [];
    let ranked: { doc: number; score: number }[];
    if (useDense) {
      const vector = queryVector ?? (await embedding!);
      const dense = await this.denseCandidates(vector, { k: pool, allowed });
      ranked = useLexical ? fuseHybrid(lexical, dense) : dense;
    } else {
      ranked = lexical;
    }
    return this.collapse(this.canonicalFirst(ranked), limit).map(({ doc, score }) => this.result(doc, Math.round(score * 10000) / 10000));
  }

  /**
   * Chunk BM25 candidates (chunk positions), best first: the embedded BM25 index, or a search cluster's
   * (ClusterIndex overrides this and `denseCandidates`; everything else stays here).
   */
  protected async lexicalCandidates(
    fields: Bm25Fields,
    {
      k,
      allowed,
      wider,
    }: {
      k: number;
      allowed?: ReadonlySet<number>;
      /**
       * The same query's top list over a superset of `allowed` (ranked by score, then position), which
       * a backend may use: when it holds k allowed chunks, those are the k best allowed ones.
       */
      wider?: { doc: number; score: number }[];
    },
  ): Promise<{ doc: number; score: number }[]> {
    if (wider && allowed) {
      const inside = wider.filter(({ doc }) => allowed.has(doc));
      // Any allowed chunk outside the wider list ranks below all of its entries.
      if (inside.length >= k) return inside.slice(0, k).map(({ doc, score }) => ({ doc, score }));
    }
    return this.bm25.search(fields, { k, allowed });
  }

  /**
   * The nearest chunks to a query vector, through the VectorStore interface (chunk positions, best
   * first); the index's own hnswlib store is asked for positions directly.
   */
  protected async denseCandidates(vector: number[], { k, allowed }: { k: number; allowed?: ReadonlySet<number> }): Promise<{ doc: number; score: number }[]> {
    const filter = allowed ? (position: number) => allowed.has(position) : undefined;
    // The index's own store gives chunk positions as they are: the same hits as its VectorStore
    // search, without making a LangChain document of each only to read its position back.
    if (this.dense instanceof VectorIndex) {
      if (vector.length !== this.dense.dimensions) throw new Error(`query vector has ${vector.length} dimensions, the index ${this.dense.dimensions}`);
      const hits = this.dense.search(vector, { k: allowed ? Math.min(k, allowed.size) : k, allowed: filter });
      return allowed ? hits.filter(({ doc }) => allowed.has(doc)) : hits;
    }
    // Asking for no more than the allowed chunks keeps hnswlib's ef (raised with k) what it was before.
    const hits = await this.dense!.similaritySearchVectorWithScore(vector, allowed ? Math.min(k, allowed.size) : k, filter);
    const ranked: { doc: number; score: number }[] = [];
    for (const [document, score] of hits) {
      const position = typeof document.metadata.position === 'number' ? document.metadata.position : this.chunkIndexById.get(document.id ?? document.metadata.chunkId);
      if (position !== undefined && (!allowed || allowed.has(position))) ranked.push({ doc: position, score });
    }
    return ranked;
  }

  /** Chunk BM25 plus a share of its document's BM25, re-ranked over a wide candidate pool. */
  private async lexicalSearch(query: string, pool: number, allowed?: ReadonlySet<number>): Promise<{ doc: number; score: number }[]> {
    const fields = this.queryFields(query);
    const candidates = await this.lexicalCandidates(fields, { k: pool * lexicalDepth.poolMultiple, allowed });
    if (candidates.length === 0) return candidates;
    const named = this.namedPlaceChunks(query, allowed);
    const wider = named ? candidates.slice() : [];
    if (relevanceFeedback.weight > 0) this.expandWithFeedback(fields, candidates, pool, allowed);
    // A question naming a city or county ("在兰陵市买了房…") also searches that place's notices, which
    // then rank ahead of the same rule in other places' notices.
    if (named) {
      const seen = new Set(candidates.map(({ doc }) => doc));
      for (const candidate of await this.lexicalCandidates(fields, { k: pool, allowed: named, wider })) if (!seen.has(candidate.doc)) candidates.push(candidate);
    }
    if (characterRanking.weight > 0) this.withCharacterScores(query, candidates);
    // Only the candidates' documents are scored, normalised by the best document of the whole corpus.
    const documentNumbers = candidates.map(({ doc }) => this.chunkDocumentNumbers[doc]);
    const { max, scores } = this.documentBm25.scoreSubset({ tokens: fields.tokens, bigrams: [], context: [] }, documentNumbers);
    const topChunk = Math.max(...candidates.map(({ score }) => score));
    return candidates
      .map(({ doc, score }, i) => ({
        doc,
        score: score + documentPrior.weight * topChunk * (max > 0 ? scores[i] / max : 0) + (named?.has(doc) ? placePrior.weight * topChunk : 0),
      }))
      .sort((a, b) => b.score - a.score || a.doc - b.doc)
      .slice(0, pool);
  }

  /** Re-scores the word candidates (in place) with an even mix of their word and character scores, each divided by its best. */
  private withCharacterScores(query: string, candidates: { doc: number; score: number }[]): void {
    const scores = this.characterStatistics.scoreTexts(query, candidates.map(({ doc }) => this.chunks[doc].text));
    const characterBest = scores.reduce((best, score) => Math.max(best, score), 0);
    const wordBest = candidates.reduce((best, { score }) => Math.max(best, score), 0);
    if (characterBest <= 0 || wordBest <= 0) return;
    candidates.forEach((candidate, i) => (candidate.score = wordBest * (candidate.score / wordBest + (characterRanking.weight * scores[i]) / characterBest)));
  }

  /**
   * Pseudo-relevance feedback (RM3-style): the words that weigh most in the top clauses, and that the
   * query lacks, search again at a lower weight; their scores join the candidates'. It bridges the
   * words an asker uses and the words the documents use when the top clauses already found some.
   */
  private expandWithFeedback(fields: Bm25Fields, candidates: { doc: number; score: number }[], pool: number, allowed?: ReadonlySet<number>): void {
    const top = candidates.slice(0, relevanceFeedback.documents);
    const topScore = top[0].score;
    const inQuery = new Set(fields.tokens);
    const weights = new Map<string, number>();
    for (const { doc, score } of top) {
      const tokens = this.analyzer.tokenize(this.chunks[doc].text).filter((token) => token.length >= 2 && !/^\d/.test(token) && !inQuery.has(token));
      const counts = new Map<string, number>();
      for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
      for (const [token, count] of counts) weights.set(token, (weights.get(token) ?? 0) + (score / topScore) * (count / tokens.length) * this.bm25.idf(token));
    }
    const expansion = [...weights].sort((a, b) => b[1] - a[1]).slice(0, relevanceFeedback.terms).map(([token]) => token);
    if (expansion.length === 0) return;
    const expanded = this.bm25.search({ tokens: expansion, bigrams: [], context: [] }, { k: pool * 4, allowed });
    if (expanded.length === 0) return;
    const scale = (relevanceFeedback.weight * topScore) / expanded[0].score;
    const byDoc = new Map(candidates.map((candidate, i) => [candidate.doc, i]));
    for (const { doc, score } of expanded) {
      const i = byDoc.get(doc);
      if (i !== undefined) candidates[i] = { doc, score: candidates[i].score + scale * score };
      else candidates.push({ doc, score: scale * score });
    }
    candidates.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /** Chunks of the documents issued for the places a query names (within `allowed`); undefined when it names none. */
  private namedPlaceChunks(query: string, allowed?: ReadonlySet<number>): PositionSet | undefined {
    // A comparison ("云岭和兰陵分别…", "贵州和川渝各自…") is not about one place's notices.
    if (comparisonWords.test(query)) return undefined;
    const lists: Int32Array[] = [];
    for (const [stem, positions] of this.placeChunks) if (query.includes(stem)) lists.push(positions);
    if (lists.length === 0) return undefined;
    const named = lists.length === 1 && !allowed ? this.placeSet(lists[0]) : PositionSet.union(lists, this.chunks.length, allowed);
    // A place every document shares (a one-city corpus) tells nothing apart.
    return named.size > 0 && named.size < this.chunks.length ? named : undefined;
  }

  /** One place's chunks as a set, made at the first question naming it and kept for the next ones. */
  private placeSet(positions: Int32Array): PositionSet {
    let set = this.placeSets.get(positions);
    if (!set) {
      // Bounded: each set holds a bit per chunk of the index.
      if (this.placeSets.size >= maxPlaceSets) this.placeSets.clear();
      set = PositionSet.fromSorted(positions, this.chunks.length);
      this.placeSets.set(positions, set);
    }
    return set;
  }

  /**
   * The chunk holding `offset` of a document as a search result with the given score: a clause the
   * answer stage brings in itself (an article another one points at, a list's items, a heading line).
   */
  resultAt(documentId: string, offset: number, score = 0): SearchResult | undefined {
    const position = this.chunkPositions.get(documentId)?.find((i) => this.chunks[i].start <= offset && offset + 1 <= this.chunks[i].end);
    return position === undefined ? undefined : this.result(position, score);
  }

  private result(doc: number, score: number): SearchResult {
    const chunk = this.chunks[doc];
    const document = this.documentsById.get(chunk.documentId)!;
    return {
      chunkId: chunk.id,
      documentId: chunk.documentId,
      title: document.title,
      section: chunk.section,
      text: chunk.text,
      score,
      start: chunk.start,
      end: chunk.end,
    };
  }

  /**
   * The same clause in several copies of a notice or versions of a regulation: the canonical copy's
   * and the newest version's rank first, so they are the ones kept when the copies collapse.
   */
  private canonicalFirst(ranked: { doc: number; score: number }[]): { doc: number; score: number }[] {
    const secondary = this.secondaryChunks;
    if (!ranked.some(({ doc }) => secondary[doc] === 1)) return ranked;
    return ranked.map(({ doc, score }) => ({ doc, score: secondary[doc] === 1 ? score * 0.97 : score })).sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /** Drops a candidate whose text nearly repeats one already taken (reposted clauses, copies). */
  private collapse(ranked: { doc: number; score: number }[], limit: number): { doc: number; score: number }[] {
    const taken: { doc: number; score: number }[] = [];
    for (const candidate of ranked) {
      if (taken.length >= limit) break;
      // A chunk that (nearly) repeats one already taken, or is contained in it (a repost of one of its
      // clauses), is a copy — unless its figures differ: another city's 1500元 for 2000元 is another rule.
      if (taken.some((other) => this.copies(candidate.doc, other.doc))) continue;
      taken.push(candidate);
    }
    return taken;
  }

  private copies(a: number, b: number): boolean {
    const [small, large] = this.gramsOf(a).length <= this.gramsOf(b).length ? [a, b] : [b, a];
    // Containment only for a clause long enough to be itself (a one-line "本办法自公布之日起施行" sits
    // inside many texts); shorter ones must match nearly whole.
    const similar =
      this.gramsOf(small).length >= minContainedGrams
        ? containmentAtLeast(this.gramsOf(small), this.gramsOf(large), duplicateThreshold)
        : jaccardAtLeast(this.gramsOf(small), this.gramsOf(large), duplicateThreshold);
    if (!similar) return false;
    const figures = this.figuresOf(large);
    return this.figuresOf(small).every((figure) => figures.includes(figure));
  }

  private figuresOf(doc: number): string[] {
    return (this.figures[doc] ??= foldWidth(this.chunks[doc].text).match(/\d+(?:\.\d+)?/g) ?? []);
  }

  private gramsOf(doc: number): Uint32Array {
    return (this.bigramCodes[doc] ??= bigramCodes(this.chunks[doc].text));
  }
}

/**
 * How lexical and dense rankings combine: a convex mix of min-max-normalised scores (`'scores'`), or
 * reciprocal-rank fusion with the dense ranking weighted `denseWeight` (`'rrf'`; 1 = plain RRF).
 * Measured with bge-small-zh-v1.5 on the dev splits (evals/README.md): plain RRF fell below
 * lexical-only on the seeds (policy set Span@5 97.8→94.4%, R@1 82→76%) while it helped on the
 * regulations' short articles; an even score mix is never below lexical-only on any set (seeds equal,
 * 230 notices 94.2→96.0%, regulations 83.8→91.9%).
 */
export const fusionSettings: { method: 'rrf' | 'scores'; denseWeight: number } = { method: 'scores', denseWeight: 0.5 };

/** The hybrid ranking of a lexical and a dense candidate list. */
export function fuseHybrid(lexical: { doc: number; score: number }[], dense: { doc: number; score: number }[]): { doc: number; score: number }[] {
  const { method, denseWeight } = fusionSettings;
  const scores = new Map<number, number>();
  if (method === 'rrf') {
    lexical.forEach(({ doc }, rank) => scores.set(doc, (scores.get(doc) ?? 0) + 1 / (rrfK + rank + 1)));
    dense.forEach(({ doc }, rank) => scores.set(doc, (scores.get(doc) ?? 0) + denseWeight / (rrfK + rank + 1)));
  } else {
    const normalise = (list: { doc: number; score: number }[]) => {
      const max = Math.max(...list.map(({ score }) => score));
      const min = Math.min(...list.map(({ score }) => score));
      return (score: number) => (max > min ? (score - min) / (max - min) : 1);
    };
    const lexicalScale = normalise(lexical);
    const denseScale = normalise(dense);
    lexical.forEach(({ doc, score }) => scores.set(doc, (1 - denseWeight) * lexicalScale(score)));
    dense.forEach(({ doc, score }) => scores.set(doc, (scores.get(doc) ?? 0) + denseWeight * denseScale(score)));
  }
  return [...scores].map(([doc, score]) => ({ doc, score })).sort((a, b) => b.score - a.score || a.doc - b.doc);
}

/** Reciprocal-rank fusion of several rankings. */
export function fuse(rankings: { doc: number; score: number }[][]): { doc: number; score: number }[] {
  const scores = new Map<number, number>();
  for (const ranking of rankings) {
    ranking.forEach(({ doc }, rank) => scores.set(doc, (scores.get(doc) ?? 0) + 1 / (rrfK + rank + 1)));
  }
  return [...scores].map(([doc, score]) => ({ doc, score })).sort((a, b) => b.score - a.score || a.doc - b.doc);
}

/** Distinct CJK character bigrams of a text (the set `bigrams()` gives) as sorted 32-bit codes. */
export function bigramCodes(text: string): Uint32Array {
  const codes: number[] = [];
  for (const run of foldWidth(text).match(/\p{Script=Han}+/gu) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) codes.push(((run.charCodeAt(i) << 16) | run.charCodeAt(i + 1)) >>> 0);
  }
  const sorted = Uint32Array.from(codes).sort();
  let size = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[size++] = sorted[i];
  return sorted.slice(0, size);
}

/**
 * Whether the smaller of two sorted code sets lies at least `threshold` inside the larger one
 * (|a ∩ b| / min(|a|, |b|)): a clause reposted on its own inside the document it came from.
 */
export function containmentAtLeast(a: Uint32Array, b: Uint32Array, threshold: number): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const needed = threshold * small.length - 1e-9;
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < small.length && j < large.length) {
    if (small[i] === large[j]) {
      shared++;
      i++;
      j++;
    } else if (small[i] < large[j]) i++;
    else j++;
    if (shared + (small.length - i) < needed) return false;
  }
  return shared >= needed;
}

/**
 * Whether the Jaccard similarity |a ∩ b| / |a ∪ b| of two sorted code sets reaches `threshold`; gives up
 * as soon as the remaining codes cannot make up the shared count the threshold needs.
 */
export function jaccardAtLeast(a: Uint32Array, b: Uint32Array, threshold: number): boolean {
  if (a.length === 0 || b.length === 0) return false;
  // shared / (|a| + |b| − shared) ≥ t  ⇔  shared ≥ t(|a| + |b|) / (1 + t); a little slack for rounding.
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
