// Scale-out: the product's index with its lexical (BM25) and dense candidates served by a SolrCloud
// collection. Documents, sections, offsets, term statistics, the ranking rules on top of the candidates
// (document and place priors, fusion, duplicate collapse) and the answers stay in the product.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { bm25Defaults, type Bm25Fields } from './bm25-index.js';
import type { IndexManifest, StoredIndex } from './index-store.js';
import { PolicyIndex, type QueryEmbedder, type SearchOptions } from './policy-index.js';
import type { SearchResult } from './types.js';
import { ClusterUnavailableError, SolrClient } from './solr-client.js';
import type { VocabularyData } from './vocabulary.js';

/** Bumped whenever the documents sent to the cluster change shape (the collection name changes with it). */
export const clusterLayoutVersion = 1;
/** Vector dimensions the config set has a field for (`vector_<dimensions>` in scripts/cluster/configset/conf/schema.xml). */
export const vectorFieldDimensions = [32, 256, 384, 512, 768, 1024];
/** Lucene counts every term of a query against one limit (1024 unless solr.xml raises it). */
const maxQueryClauses = 1000;
const batchSize = 500;

/** Where an index is published: the Solr nodes, the alias, and how a new collection is laid out. */
export interface ClusterSettings {
  client: SolrClient;
  /** The alias that names the collection of the current index (SOLR_COLLECTION). */
  alias: string;
  configSet: string;
  shards: number;
  replicas: number;
}

export function clusterSettings(config: Config): ClusterSettings {
  return { client: new SolrClient({ urls: config.SOLR_URL }), alias: config.SOLR_COLLECTION, configSet: config.SOLR_CONFIGSET, shards: config.SOLR_SHARDS, replicas: config.SOLR_REPLICAS };
}

/**
 * The collection an index is published as: `<alias>_<12 hex>` from the index's file checksums, its
 * vocabulary and the cluster layout, so a collection only ever holds one index and a server can tell
 * whether the cluster holds the index it serves.
 */
export function collectionFor(alias: string, manifest: IndexManifest): string {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ layout: clusterLayoutVersion, format: manifest.formatVersion, files: manifest.files, vocabulary: manifest.vocabulary ?? null, embedding: manifest.embedding }))
    .digest('hex');
  return `${alias}_${fingerprint.slice(0, 12)}`;
}

/** One chunk as a Solr document: ids and offsets stored, the product's tokens in the search fields, its vector in `vector_<dimensions>`. */
export interface ClusterDocument {
  id: string;
  document_id: string;
  start: number;
  end: number;
  region?: string;
  year?: number;
  words: string;
  bigrams: string;
  headings: string;
  [vectorField: `vector_${number}`]: number[];
}

/** The field holding an index's vectors; undefined for a lexical index. */
export function vectorField(manifest: IndexManifest): `vector_${number}` | undefined {
  return manifest.embedding ? `vector_${manifest.embedding.dimensions}` : undefined;
}

/** A token as one whitespace-delimited term (a space inside a token would split it). */
const term = (token: string) => token.replace(/\s/g, '_');
/** float32 values round-trip exactly through 9 significant digits. */
const float32Text = (values: ArrayLike<number>) => Array.from(values, (value) => Number(value.toPrecision(9)));

/**
 * The Solr documents of chunks [from, to): exactly the fields the embedded BM25 indexes, read back from
 * the stored lexical index (words without the title's echoes, bigrams, title and heading words; as bags,
 * which is all BM25 looks at), and the vectors from the stored hnswlib graph. `entries` reads the stored
 * BM25 entries (pass one reader for every batch of a publish: it decodes the postings once).
 */
export function clusterDocuments(
  stored: StoredIndex,
  from = 0,
  to = stored.chunks.length,
  entries: (position: number) => Bm25Fields = stored.lexical.chunks.entryReader(),
): ClusterDocument[] {
  const titles = new Map(stored.documents.map((document) => [document.id, document]));
  const vectors = vectorField(stored.manifest);
  const dense = vectors ? stored.dense : undefined;
  const documents: ClusterDocument[] = [];
  for (let i = from; i < to; i++) {
    const chunk = stored.chunks[i];
    const document = titles.get(chunk.documentId);
    const year = Number(document?.date?.match(/^(\d{4})/)?.[1]);
    const fields = entries(i);
    documents.push({
      id: chunk.id,
      document_id: chunk.documentId,
      start: chunk.start,
      end: chunk.end,
      ...(document?.region ? { region: document.region } : {}),
      ...(Number.isFinite(year) ? { year } : {}),
      words: fields.tokens.map(term).join(' '),
      bigrams: fields.bigrams.map(term).join(' '),
      headings: fields.context.map(term).join(' '),
      ...(dense && vectors ? { [vectors]: float32Text(dense.vector(i)) } : {}),
    });
  }
  return documents;
}

interface CollectionsResponse {
  collections?: string[];
  aliases?: Record<string, string>;
}

/** How many documents a collection holds (-1 when it does not exist). */
async function documentCount(client: SolrClient, collection: string): Promise<number> {
  const { collections = [] } = await client.request<CollectionsResponse>({ path: '/admin/collections', params: { action: 'LIST' } });
  if (!collections.includes(collection)) return -1;
  const response = await client.request<{ response: { numFound: number } }>({ path: `/${collection}/select`, params: { q: '*:*', rows: 0 } });
  return response.response.numFound;
}

export interface PublishReport {
  collection: string;
  /** False when the cluster already held this index. */
  created: boolean;
  chunks: number;
  /** Collections of earlier indexes that were removed. */
  removed: string[];
  ms: number;
}

/**
 * Makes the cluster hold `stored`: creates its collection (shards × replicas from the settings, the
 * policy-cite config set), sends every chunk (vectors in the field of their dimensions), commits,
 * checks the count, then (with `alias`) points the alias at it and removes older collections of the
 * alias except the one it named before (kept for queries in flight and for rollback). Does nothing but
 * the alias when the collection already holds every chunk.
 */
export async function publishIndex({
  stored,
  settings,
  alias = true,
  onProgress = () => {},
  onNotice = () => {},
}: {
  stored: StoredIndex;
  settings: ClusterSettings;
  alias?: boolean;
  onProgress?: (progress: { done: number; total: number }) => void;
  onNotice?: (message: string) => void;
}): Promise<PublishReport> {
  const started = performance.now();
  const { client } = settings;
  const collection = collectionFor(settings.alias, stored.manifest);
  const total = stored.chunks.length;
  const dimensions = stored.manifest.embedding?.dimensions;
  if (dimensions !== undefined && !vectorFieldDimensions.includes(dimensions)) {
    throw new Error(`the index's vectors have ${dimensions} dimensions and the policy-cite config set has no vector_${dimensions} field: add one to scripts/cluster/configset/conf/schema.xml and upload the config set again`);
  }
  const existing = await documentCount(client, collection);
  let created = false;
  if (existing !== total) {
    if (existing >= 0) {
      onNotice(`collection ${collection} holds ${existing} of ${total} chunks (an interrupted publish): recreating it`);
      await client.request({ path: '/admin/collections', params: { action: 'DELETE', name: collection }, timeoutMs: 180_000 });
    }
    onNotice(`creating collection ${collection} (${settings.shards} shards × ${settings.replicas} replicas, config set ${settings.configSet})`);
    await client.request({
      path: '/admin/collections',
      params: { action: 'CREATE', name: collection, numShards: settings.shards, replicationFactor: settings.replicas, 'collection.configName': settings.configSet, waitForFinalState: true },
      timeoutMs: 300_000,
    });
    const entries = stored.lexical.chunks.entryReader();
    for (let from = 0; from < total; from += batchSize) {
      const to = Math.min(total, from + batchSize);
      await client.request({ path: `/${collection}/update`, json: clusterDocuments(stored, from, to, entries), timeoutMs: 300_000 });
      onProgress({ done: to, total });
    }
    await client.request({ path: `/${collection}/update`, params: { commit: true, waitSearcher: true }, json: [], timeoutMs: 300_000 });
    const count = await documentCount(client, collection);
    if (count !== total) throw new Error(`collection ${collection} holds ${count} chunks after publishing ${total}`);
    created = true;
  }
  const removed: string[] = [];
  if (alias) {
    const { aliases = {} } = await client.request<CollectionsResponse>({ path: '/admin/collections', params: { action: 'LISTALIASES' } });
    const before = aliases[settings.alias];
    if (before !== collection) await client.request({ path: '/admin/collections', params: { action: 'CREATEALIAS', name: settings.alias, collections: collection }, timeoutMs: 120_000 });
    const { collections = [] } = await client.request<CollectionsResponse>({ path: '/admin/collections', params: { action: 'LIST' } });
    const pattern = new RegExp(`^${settings.alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_[0-9a-f]{12}$`);
    for (const name of collections) {
      if (!pattern.test(name) || name === collection || name === before) continue;
      await client.request({ path: '/admin/collections', params: { action: 'DELETE', name }, timeoutMs: 180_000 });
      removed.push(name);
    }
  }
  return { collection, created, chunks: total, removed, ms: performance.now() - started };
}

/** Removes a collection (an evaluation's own, when it is done). */
export async function removeCollection(settings: ClusterSettings, collection: string): Promise<void> {
  await settings.client.request({ path: '/admin/collections', params: { action: 'DELETE', name: collection }, timeoutMs: 180_000 });
}

interface SelectResponse {
  response: { docs: { id: string; document_id: string; start: number; end: number; score: number }[] };
}

/**
 * The product's index with candidates from a SolrCloud collection that holds the same chunks
 * (`publishIndex`). Everything but candidate generation is the embedded PolicyIndex's.
 */
export class ClusterIndex extends PolicyIndex {
  readonly collection: string;
  /** Where hybrid candidates are fused: the product's RRF of two lists, or one Solr query summing BM25 and kNN scores. */
  readonly fusion: 'product' | 'engine';
  /** The query vector of an engine-fused search in progress (read by `lexicalCandidates`). */
  private readonly engineVector = new AsyncLocalStorage<number[]>();
  /** How the collection came to hold this index (created now, or found there). */
  readonly published?: PublishReport;
  /** Hits whose stored document or offsets differ from the local chunk's (never expected; such hits are left out). */
  mismatches = 0;
  private readonly client: SolrClient;
  private readonly vectorField?: string;
  private readonly positions: Map<string, number>;

  constructor(
    stored: StoredIndex,
    embedder: QueryEmbedder | undefined,
    {
      vocabulary,
      client,
      collection,
      published,
      fusion = 'product',
    }: { vocabulary?: VocabularyData; client: SolrClient; collection: string; published?: PublishReport; fusion?: 'product' | 'engine' },
  ) {
    super(stored, embedder, { vocabulary });
    this.fusion = fusion;
    this.vectorField = vectorField(stored.manifest);
    this.client = client;
    this.collection = collection;
    this.published = published;
    this.positions = new Map(stored.chunks.map((chunk, i) => [chunk.id, i]));
  }

  /**
   * With engine fusion, a hybrid search is one Solr query per candidate list (BM25 clauses and the kNN
   * clause summed in a boolean query; Solr 9 has no reciprocal-rank fusion), re-ranked by the product's priors.
   */
  override async search(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    if (this.fusion !== 'engine' || !this.hasDense || options.mode === 'lexical' || options.mode === 'dense') return super.search(query, options);
    const vector = options.queryVector ?? (await this.embedder!.embedQuery(query));
    return this.engineVector.run(vector, () => super.search(query, { ...options, mode: 'lexical' }));
  }

  protected override async lexicalCandidates(fields: Bm25Fields, { k, allowed }: { k: number; allowed?: ReadonlySet<number> }): Promise<{ doc: number; score: number }[]> {
    const clauses = [
      ...queryClauses('words', fields.tokens, 1),
      ...queryClauses('bigrams', fields.bigrams, bm25Defaults.bigramWeight),
      ...queryClauses('headings', fields.context, bm25Defaults.contextWeight),
    ].slice(0, maxQueryClauses);
    const vector = this.engineVector.getStore();
    if (vector) {
      const knn = `{!knn f=${this.vectorField} topK=${Math.max(10, Math.ceil(k / 4))}}[${float32Text(vector).join(',')}]`;
      return this.select({ q: clauses.length > 0 ? '{!bool should=$lexical should=$knn}' : knn, lexical: clauses.join(' '), knn }, { k, allowed, score: (score) => score });
    }
    if (clauses.length === 0) return [];
    // Lucene's BM25 leaves out the constant (k1 + 1) factor of the product's: same ranking, scaled back here.
    return this.select({ q: clauses.join(' '), defType: 'lucene', 'q.op': 'OR' }, { k, allowed, score: (score) => score * (bm25Defaults.k1 + 1) });
  }

  protected override async denseCandidates(vector: number[], { k, allowed }: { k: number; allowed?: ReadonlySet<number> }): Promise<{ doc: number; score: number }[]> {
    // Lucene's cosine score is (1 + cos) / 2; the product's is the cosine.
    return this.select({ q: `{!knn f=${this.vectorField} topK=${k}}[${float32Text(vector).join(',')}]` }, { k, allowed, score: (score) => 2 * score - 1 });
  }

  private async select(params: Record<string, string>, { k, allowed, score }: { k: number; allowed?: ReadonlySet<number>; score: (solrScore: number) => number }): Promise<{ doc: number; score: number }[]> {
    const filter = allowed ? this.documentFilter(allowed) : undefined;
    if (filter === null) return [];
    let response: SelectResponse;
    try {
      response = await this.client.request<SelectResponse>({ path: `/${this.collection}/select`, params: { ...params, fq: filter, rows: k, fl: 'id,document_id,start,end,score' }, post: true });
    } catch (error) {
      if (error instanceof ClusterUnavailableError) throw new AppError('index_unavailable', 'The search cluster did not answer; try again shortly.', { cause: error });
      throw error;
    }
    const hits: { doc: number; score: number }[] = [];
    for (const hit of response.response.docs) {
      const doc = this.positions.get(hit.id);
      const chunk = doc === undefined ? undefined : this.chunks[doc];
      if (doc === undefined || !chunk || chunk.documentId !== hit.document_id || chunk.start !== hit.start || chunk.end !== hit.end) {
        this.mismatches++;
        continue;
      }
      if (allowed && !allowed.has(doc)) continue;
      hits.push({ doc, score: score(hit.score) });
    }
    return hits.sort((a, b) => b.score - a.score || a.doc - b.doc);
  }

  /** A filter on the documents of the allowed chunks; undefined when every document is allowed, null when none is. */
  private documentFilter(allowed: ReadonlySet<number>): string | undefined | null {
    const documents = new Set<string>();
    for (const position of allowed) {
      const chunk = this.chunks[position];
      if (chunk) documents.add(chunk.documentId);
    }
    if (documents.size === 0) return null;
    if (documents.size === this.documents.length) return undefined;
    return `{!terms f=document_id}${[...documents].join(',')}`;
  }
}

/** `field:"token"^weight` for each distinct token (BM25 counts a query term once, as the product does). */
function queryClauses(field: string, tokens: string[], weight: number): string[] {
  if (!(weight > 0)) return [];
  const boost = weight === 1 ? '' : `^${weight}`;
  return [...new Set(tokens.map(term))].filter((token) => token.length > 0).map((token) => `${field}:"${token.replace(/[\\"]/g, '\\$&')}"${boost}`);
}

/**
 * The index a server or an evaluation searches: the embedded PolicyIndex, or (SEARCH_BACKEND=solr) a
 * ClusterIndex over the collection that holds this index, published first when the cluster lacks it.
 */
export async function openSearchIndex({
  stored,
  embedder,
  vocabulary,
  config,
  alias = true,
  onNotice = () => {},
}: {
  stored: StoredIndex;
  embedder?: QueryEmbedder;
  vocabulary?: VocabularyData;
  config: Config;
  /**
   * Point SOLR_COLLECTION at this index's collection. Off for evaluations: they publish under
   * `<SOLR_COLLECTION>-eval_…`, which a server's clean-up of superseded collections never touches.
   */
  alias?: boolean;
  onNotice?: (message: string) => void;
}): Promise<PolicyIndex> {
  if (config.SEARCH_BACKEND !== 'solr') return new PolicyIndex(stored, embedder, { vocabulary });
  const settings = { ...clusterSettings(config), ...(alias ? {} : { alias: `${config.SOLR_COLLECTION}-eval` }) };
  const report = await publishIndex({ stored, settings, alias, onNotice });
  if (report.created) onNotice(`published ${report.chunks} chunks to Solr collection ${report.collection} in ${(report.ms / 1000).toFixed(1)} s`);
  for (const name of report.removed) onNotice(`removed Solr collection ${name} of an earlier index`);
  return new ClusterIndex(stored, embedder, { vocabulary, client: settings.client, collection: report.collection, published: report, fusion: config.SOLR_FUSION });
}
