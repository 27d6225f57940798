// Search at one size: latency per mode, HNSW recall and speedup against exact search, and the peers
// (MiniSearch for BM25, LangChain's MemoryVectorStore for dense) on the same chunks, tokens and vectors.
import { Embeddings } from '@langchain/core/embeddings';
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Bm25Index } from '../../server/rag/bm25-index.js';
import type { StoredIndex } from '../../server/rag/index-store.js';
import type { LexicalIndex } from '../../server/rag/lexical-index.js';
import { lexicalDepth, PolicyIndex, type QueryEmbedder } from '../../server/rag/policy-index.js';
import { queryTokens } from '../../server/rag/tokenize.js';
import type { IndexedChunk, PolicyDocument } from '../../server/rag/types.js';
import { hnswDefaults, type VectorIndex } from '../../server/rag/vector-index.js';
import { benchHnswLib, type HnswLibReport } from './hnswlib-peer.js';
import { benchLexicalPeers, overlapAt10, type PeerReport } from './lexical-peers.js';
import { profileWork, type ProfileRow } from './profile-summary.js';
import { round, sampleLatencies, summarize, timed, type LatencySummary } from './stats.js';
import { exactSearch, recall } from './vectors.js';

export interface SearchQuery {
  text: string;
  vector: number[];
}

export interface SearchSizeReport {
  chunks: number;
  documents: number;
  dimensions: number;
  k: number;
  /** Self time per function while the PolicyIndex was built (largest size only; 1 ms sampling). */
  buildProfile?: ProfileRow[];
  build: { lexicalBuildMs: number; policyIndexMs: number; policyIndexHeapMb: number; hnswBuildMs: number; hnswParameters: { m: number; efConstruction: number }; hnswReadMs: number };
  /** Chunk BM25 (3 fields) at the depth lexical search asks (200), pruned and scoring every posting. */
  /** Top-k at the depth lexical search asks for (`lexicalDepth`: pool × multiple) and at 10. */
  bm25: { depth: number; prunedDeep: LatencySummary; exhaustiveDeep: LatencySummary; prunedK10: LatencySummary; exhaustiveK10: LatencySummary };
  latency: { lexical: LatencySummary; dense: LatencySummary; hybrid: LatencySummary; hybridWithQueryEmbedding?: LatencySummary };
  /** Where a hybrid search spends its time (medians over the queries), excluding query embedding. */
  hybridBreakdownMs: { queryTokens: number; bm25: number; hnsw: number; rest: number };
  /** Self time per function over one pass of hybrid queries (largest size only). */
  hybridProfile?: ProfileRow[];
  hnsw: {
    efSearch: number;
    recallAt10: number;
    /** Recall of the 50-candidate pool hybrid search takes from HNSW (ef = 100). */
    recallAt50: number;
    hnswLatency: LatencySummary;
    exactLatency: LatencySummary;
    /** exact p50 / HNSW p50. */
    speedup: number;
    efSweep?: { efSearch: number; recallAt10: number; p50Ms: number; speedup: number }[];
    /** Other build parameters (--hnsw-sweep), searched with the product's ef. */
    buildAlternatives?: { m: number; efConstruction: number; buildMs: number; recallAt10: number; recallAt50: number; latency: LatencySummary }[];
  };
  peers: {
    /** The product's BM25 on the words field alone, top 10: the like-for-like counterpart of the full-text peers. */
    bm25WordsOnly: { buildMs: number; latency: LatencySummary };
    lexical: PeerReport[];
    lanceVector?: PeerReport;
    langChainMemoryVectorStore: { addMs: number; latency: LatencySummary; recallAt10: number; queries: number; hnswSpeedup: number };
    hnswLib?: HnswLibReport;
  };
  rssMb: number;
}

const k = 10;
/** The BM25 depth PolicyIndex.search asks for at k = 10 (its pool of 50 × `lexicalDepth`). */
const lexicalCandidateDepth = Math.max(50, k * 5) * lexicalDepth.poolMultiple;

/**
 * Measures one size. `queryEmbedder` (the tiny fixture model) is used for the "with query embedding"
 * hybrid row; every other row passes the synthetic query vector, as `search(query, {queryVector})` allows.
 */
export async function benchSearchAtSize({
  documents,
  chunks,
  vectors,
  flat,
  dimensions,
  vectorIndex,
  hnswBuildMs,
  hnswReadMs,
  hnswParameters,
  queries,
  queryEmbedder,
  rounds,
  peerQueryCount,
  efSweep,
  profile,
  alternatives = [],
  skipPeers = [],
  hnswLibPath,
  lexical,
  lexicalBuildMs,
}: {
  /** The chunks' BM25 (built as ingest builds it) and how long that took. */
  lexical: LexicalIndex;
  lexicalBuildMs: number;
  /** Peers to leave out (by name). */
  skipPeers?: string[];
  /** The hnswlib file to wrap in LangChain's HNSWLib store, to measure what that store costs. */
  hnswLibPath?: string;
  documents: PolicyDocument[];
  chunks: IndexedChunk[];
  vectors: Float32Array[];
  flat: Float32Array;
  dimensions: number;
  vectorIndex: VectorIndex;
  hnswBuildMs: number;
  hnswReadMs: number;
  hnswParameters: { m: number; efConstruction: number };
  queries: SearchQuery[];
  queryEmbedder?: QueryEmbedder;
  rounds: number;
  /** How many queries the (slow) peers answer; recall and overlap are over these. */
  peerQueryCount: number;
  efSweep: boolean;
  /** Profile the hybrid queries (in-process V8 sampling profiler). */
  profile: boolean;
  /** Other HNSW builds of the same vectors, for recall and latency against these parameters. */
  alternatives?: { parameters: { m: number; efConstruction: number }; buildMs: number; index: VectorIndex }[];
}): Promise<SearchSizeReport> {
  const product = await benchProduct({ documents, chunks, lexical, lexicalBuildMs, vectors, flat, dimensions, vectorIndex, queries, queryEmbedder, rounds, efSweep, profile });
  globalThis.gc?.();
  const { productTop, truth10, truth50, hnswLatency } = product;
  const buildAlternatives = [];
  for (const alternative of alternatives) {
    const recallOf = (size: number, truth: number[][]) =>
      queries.reduce((sum, query, i) => sum + recall(alternative.index.search(query.vector, { k: size }).map((hit) => hit.doc), truth[i]), 0) / queries.length;
    const latency = summarize(await sampleLatencies({ inputs: queries, rounds, work: (query) => alternative.index.search(query.vector, { k }) }));
    buildAlternatives.push({ ...alternative.parameters, buildMs: round(alternative.buildMs, 0), recallAt10: round(recallOf(k, truth10), 4), recallAt50: round(recallOf(50, truth50), 4), latency });
  }
  const run = (work: (query: SearchQuery) => unknown, passes = rounds) => sampleLatencies({ inputs: queries, rounds: passes, work }).then(summarize);

  // Words-only BM25 (the product's class, one field): the like-for-like counterpart of the peers.
  const { ms: wordsBuildMs, value: wordsOnly } = await timed(() => new Bm25Index(chunks.map((chunk) => ({ tokens: chunk.tokens, bigrams: [], context: [] }))));
  const queryWords = queries.map((query) => queryTokens(query.text));
  const wordsQuery = (tokens: string[]) => ({ tokens, bigrams: [], context: [] });
  const wordsLatency = await run((query) => wordsOnly.search(wordsQuery(queryTokens(query.text)), { k }));
  const wordsTop = queryWords.map((tokens) => wordsOnly.search(wordsQuery(tokens), { k }).map((hit) => hit.doc));
  const peerQueries = queries.slice(0, Math.min(queries.length, peerQueryCount));
  const { peers: lexicalPeers, lanceVector } = await benchLexicalPeers({
    documents: chunks.map((chunk) => chunk.tokens),
    queries: queryWords.slice(0, peerQueries.length),
    productTop: wordsTop.slice(0, peerQueries.length),
    vectors,
    queryVectors: peerQueries.map((query) => query.vector),
    denseTop: truth10.slice(0, peerQueries.length),
    skip: skipPeers,
  });
  globalThis.gc?.();

  // LangChain's MemoryVectorStore: a cosine scan over number[] vectors, as its users feed it.
  const langQueries = peerQueries;
  const { ms: langAddMs, value: store } = await timed(async () => {
    const vectorStore = new MemoryVectorStore(new UnusedEmbeddings());
    await vectorStore.addVectors(
      vectors.map((vector) => Array.from(vector)),
      chunks.map((chunk, i) => ({ pageContent: chunk.text, metadata: { doc: i } })),
    );
    return vectorStore;
  });
  for (const query of langQueries.slice(0, 3)) await store.similaritySearchVectorWithScore(query.vector, k);
  const langSamples: number[] = [];
  let langRecall = 0;
  for (const [i, query] of langQueries.entries()) {
    const started = performance.now();
    const hits = await store.similaritySearchVectorWithScore(query.vector, k);
    langSamples.push(performance.now() - started);
    langRecall += recall(hits.map(([document]) => document.metadata.doc as number), truth10[i]);
  }
  const langLatency = summarize(langSamples);

  return {
    chunks: chunks.length,
    documents: documents.length,
    dimensions,
    k,
    build: { lexicalBuildMs: product.lexicalBuildMs, policyIndexMs: product.policyIndexMs, policyIndexHeapMb: product.policyIndexHeapMb, hnswBuildMs: round(hnswBuildMs, 0), hnswParameters, hnswReadMs: round(hnswReadMs) },
    bm25: product.bm25,
    latency: product.latency,
    hybridBreakdownMs: product.hybridBreakdownMs,
    hybridProfile: product.hybridProfile,
    buildProfile: product.buildProfile,
    hnsw: { ...product.hnsw, buildAlternatives: buildAlternatives.length > 0 ? buildAlternatives : undefined },
    peers: {
      bm25WordsOnly: { buildMs: wordsBuildMs, latency: wordsLatency },
      lexical: lexicalPeers,
      lanceVector,
      hnswLib: hnswLibPath ? await benchHnswLib({ hnswPath: hnswLibPath, dimensions, chunks, queries: peerQueries.map((query) => query.vector), productTop: truth10.slice(0, peerQueries.length), k }) : undefined,
      langChainMemoryVectorStore: {
        addMs: langAddMs,
        latency: langLatency,
        recallAt10: round(langRecall / langQueries.length, 4),
        queries: langQueries.length,
        hnswSpeedup: round(langLatency.p50Ms / hnswLatency.p50Ms, 0),
      },
    },
    rssMb: product.rssMb,
  };
}

/** The store is given vectors directly; embedding through it would be a mistake in the benchmark. */
class UnusedEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(): Promise<number[][]> {
    throw new Error('the benchmark adds vectors directly');
  }
  async embedQuery(): Promise<number[]> {
    throw new Error('the benchmark queries with vectors directly');
  }
}

/** The product's side: PolicyIndex build, latency per mode, the hybrid breakdown, HNSW against exact. */
async function benchProduct({
  documents,
  chunks,
  lexical,
  lexicalBuildMs,
  vectors,
  flat,
  dimensions,
  vectorIndex,
  queries,
  queryEmbedder,
  rounds,
  efSweep,
  profile,
}: {
  documents: PolicyDocument[];
  chunks: IndexedChunk[];
  lexical: LexicalIndex;
  lexicalBuildMs: number;
  vectors: Float32Array[];
  flat: Float32Array;
  dimensions: number;
  vectorIndex: VectorIndex;
  queries: SearchQuery[];
  queryEmbedder?: QueryEmbedder;
  rounds: number;
  efSweep: boolean;
  profile: boolean;
}) {
  // BM25 is built at ingest now; opening the index (PolicyIndex) only reads it.
  const stored: StoredIndex = {
    manifest: { formatVersion: 0, createdAt: '', embedding: { modelId: 'synthetic', dimensions }, documents: [], chunkCount: chunks.length, files: {} },
    documents,
    chunks,
    lexical,
    dense: vectorIndex,
  };
  // Hybrid rows pass `queryVector`; the "with query embedding" row routes embedQuery to the tiny model.
  let embed: (text: string) => Promise<number[]> = async () => {
    throw new Error('query vector expected');
  };
  const embedder: QueryEmbedder = { modelId: 'synthetic', embedQuery: (text) => embed(text) };

  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let index!: PolicyIndex;
  let policyIndexMs = 0;
  const build = async () => {
    ({ ms: policyIndexMs, value: index } = await timed(() => new PolicyIndex(stored, embedder)));
  };
  const buildProfile = profile ? await profileWork(build, { intervalUs: 1000 }) : (await build(), undefined);
  globalThis.gc?.();
  const policyIndexHeapMb = round((process.memoryUsage().heapUsed - heapBefore) / 1e6, 0);

  const run = (work: (query: SearchQuery) => unknown, passes = rounds) => sampleLatencies({ inputs: queries, rounds: passes, work }).then(summarize);
  const lexicalLatency = await run((query) => index.search(query.text, { k, mode: 'lexical' }));
  const dense = await run((query) => index.search(query.text, { k, mode: 'dense', queryVector: query.vector }));
  const hybrid = await run((query) => index.search(query.text, { k, queryVector: query.vector }));
  let hybridWithQueryEmbedding: LatencySummary | undefined;
  if (queryEmbedder) {
    embed = async (text) => {
      await queryEmbedder.embedQuery(text);
      return queries.find((query) => query.text === text)?.vector ?? queries[0].vector;
    };
    hybridWithQueryEmbedding = await run((query) => index.search(query.text, { k }));
  }

  // Hybrid, piece by piece: the public calls PolicyIndex.search builds on (BM25 takes a multiple of the
  // pool for its document-prior re-rank); the rest is document prior, fusion, collapse and result objects.
  const pool = Math.max(50, k * 5);
  const parts = { queryTokens: [] as number[], bm25: [] as number[], hnsw: [] as number[], total: [] as number[] };
  for (const query of queries) {
    let started = performance.now();
    const fields = index.queryFields(query.text);
    parts.queryTokens.push(performance.now() - started);
    started = performance.now();
    index.bm25.search(fields, { k: pool * lexicalDepth.poolMultiple });
    parts.bm25.push(performance.now() - started);
    started = performance.now();
    vectorIndex.search(query.vector, { k: pool });
    parts.hnsw.push(performance.now() - started);
    started = performance.now();
    await index.search(query.text, { k, queryVector: query.vector });
    parts.total.push(performance.now() - started);
  }
  const median = (values: number[]) => summarize(values).p50Ms;
  const hybridBreakdownMs = {
    queryTokens: median(parts.queryTokens),
    bm25: median(parts.bm25),
    hnsw: median(parts.hnsw),
    rest: round(Math.max(0, median(parts.total) - median(parts.queryTokens) - median(parts.bm25) - median(parts.hnsw))),
  };
  const hybridProfile = profile
    ? await profileWork(async () => {
        for (const query of queries) await index.search(query.text, { k, queryVector: query.vector });
      })
    : undefined;

  // HNSW against exact search (the exact top 50 is timed once per query; its first 10 are the top 10).
  const exactSamples: number[] = [];
  const truth50 = queries.map((query) => {
    const started = performance.now();
    const hits = exactSearch(flat, dimensions, query.vector, pool);
    exactSamples.push(performance.now() - started);
    return hits.map((hit) => hit.doc);
  });
  const truth10 = truth50.map((top) => top.slice(0, k));
  const exactLatency = summarize(exactSamples);
  const hnswRecall = (size: number, truth: number[][]) =>
    queries.reduce((sum, query, i) => sum + recall(vectorIndex.search(query.vector, { k: size }).map((hit) => hit.doc), truth[i]), 0) / queries.length;
  const recallAt10 = hnswRecall(k, truth10);
  const recallAt50 = hnswRecall(pool, truth50);
  const hnswLatency = await run((query) => vectorIndex.search(query.vector, { k }));
  let sweep: SearchSizeReport['hnsw']['efSweep'];
  if (efSweep) {
    const saved = hnswDefaults.efSearch;
    sweep = [];
    for (const efSearch of [16, 32, 64, 96, 128, 256]) {
      hnswDefaults.efSearch = efSearch;
      const latency = await run((query) => vectorIndex.search(query.vector, { k }), 1);
      sweep.push({ efSearch, recallAt10: round(hnswRecall(k, truth10), 4), p50Ms: latency.p50Ms, speedup: round(exactLatency.p50Ms / latency.p50Ms, 1) });
    }
    hnswDefaults.efSearch = saved;
  }

  // Chunk BM25 alone at the depths lexical search uses: pruned against scoring every posting.
  const bm25Fields = queries.map((query) => index.queryFields(query.text));
  const bm25Run = (work: (fields: (typeof bm25Fields)[number]) => unknown) => sampleLatencies({ inputs: bm25Fields, rounds, work }).then(summarize);
  const bm25 = {
    depth: lexicalCandidateDepth,
    prunedDeep: await bm25Run((fields) => index.bm25.search(fields, { k: lexicalCandidateDepth })),
    exhaustiveDeep: await bm25Run((fields) => index.bm25.searchExhaustive(fields, { k: lexicalCandidateDepth })),
    prunedK10: await bm25Run((fields) => index.bm25.search(fields, { k: 10 })),
    exhaustiveK10: await bm25Run((fields) => index.bm25.searchExhaustive(fields, { k: 10 })),
  };

  // Product lexical top-10 (for overlap) before the BM25 peers.
  const productTop = await Promise.all(queries.map((query) => index.search(query.text, { k, mode: 'lexical' }).then((hits) => hits.map((hit) => hit.chunkId))));
  const rssMb = round(process.memoryUsage().rss / 1e6, 0);

  return {
    lexicalBuildMs,
    bm25,
    policyIndexMs,
    policyIndexHeapMb,
    buildProfile,
    latency: { lexical: lexicalLatency, dense, hybrid, hybridWithQueryEmbedding },
    hybridBreakdownMs,
    hybridProfile,
    hnsw: {
      efSearch: Math.max(hnswDefaults.efSearch, k * 2),
      recallAt10: round(recallAt10, 4),
      recallAt50: round(recallAt50, 4),
      hnswLatency,
      exactLatency,
      speedup: round(exactLatency.p50Ms / hnswLatency.p50Ms, 1),
      efSweep: sweep,
    },
    rssMb,
    productTop,
    truth10,
    truth50,
    hnswLatency,
  };

}
