// The search-cluster backend against a real SolrCloud from Maven Central: two nodes and ZooKeeper in one
// JVM (scripts/cluster), each index a collection of 2 shards × 2 replicas. The same questions are asked of
// the embedded index and of the cluster; midway one node is stopped and its replicas' copies on the
// other node keep serving. Skipped, with a message, where `java` or `mvn` is missing.
import { existsSync } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../../scripts/make-tiny-model';
import { clusterToolsMissing, startLocalCluster, type LocalCluster } from '../../scripts/cluster/local-cluster';
import { openInProcessTarget } from '../../evals/eval-target';
import { loadDataset, type EvalItem } from '../../evals/load-dataset';
import { runEvaluation } from '../../evals/run-evaluation';
import { answerQuestion } from '../answer/answer-question';
import { createApp } from '../app';
import { ingestCorpus } from '../ingest/ingest-corpus';
import { regulationsCorpusDir, seedCorpusDir, temporaryFolder, testConfig } from '../test-support/corpus';
import { ClusterIndex, openSearchIndex } from './cluster-index';
import { TransformersEmbeddings } from './embedder';
import { loadIndex } from './index-store';
import { PolicyIndex } from './policy-index';
import { removeDocument } from './library-writes';
import { configuredVocabulary, openRagService, reindexService, type RagService } from './rag-service';
import { SolrClient } from './solr-client';
import type { SearchResult } from './types';

const toolsMissing = clusterToolsMissing();
if (toolsMissing) console.warn(`search-cluster tests skipped: ${toolsMissing}`);

interface Corpus {
  name: string;
  embedded: PolicyIndex;
  clustered: ClusterIndex;
  /** Questions asked of both (answerable and not). */
  questions: string[];
  mode: 'hybrid' | 'lexical';
}

/** Every third question of a set, at most `limit`: all question types, spread over the documents. */
const spread = (items: EvalItem[], limit: number) => items.filter((_, i) => i % 3 === 0).slice(0, limit);
const chunkIds = (results: SearchResult[]) => results.map((result) => result.chunkId);
const citedClauses = (response: Awaited<ReturnType<typeof answerQuestion>>) => response.citations.map((citation) => `${citation.chunkId}@${citation.start}-${citation.end}`).join(' ');

describe.skipIf(Boolean(toolsMissing))('SolrCloud search backend (2 nodes, 2 shards × 2 replicas)', () => {
  let cluster: LocalCluster;
  let embedder: TransformersEmbeddings;
  const corpora: Corpus[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  /** Top-8 chunk ids per corpus and question, from the cluster with every node up. */
  const before = new Map<string, string[]>();
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const started = performance.now();
    cluster = await startLocalCluster({ nodes: 2 });
    timings.clusterStartS = (performance.now() - started) / 1000;
    const folder = await temporaryFolder('cluster');
    cleanups.push(folder.remove);
    const modelsDir = join(folder.path, 'models');
    const { modelId } = await writeTinyModel({ directory: modelsDir, dimensions: 32 });
    embedder = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false });
    const config = testConfig({ SEARCH_BACKEND: 'solr', SOLR_URL: cluster.urls.join(',') });
    const vocabulary = configuredVocabulary(config);

    const open = async (name: string, corpusDir: string, dense: boolean, questions: string[]) => {
      const indexDir = join(folder.path, name);
      await ingestCorpus({ corpusDir, indexDir, embeddingModel: dense ? modelId : null, modelsDir, allowRemoteModels: false, vocabulary });
      const stored = await loadIndex({ directory: indexDir });
      const published = performance.now();
      const clustered = (await openSearchIndex({ stored, embedder: dense ? embedder : undefined, vocabulary, config })) as ClusterIndex;
      timings[`${name}PublishS`] = (performance.now() - published) / 1000;
      corpora.push({ name, embedded: new PolicyIndex(stored, dense ? embedder : undefined, { vocabulary }), clustered, questions, mode: dense ? 'hybrid' : 'lexical' });
    };
    // The seeds with the tiny model's vectors (hybrid: BM25 and kNN candidates both from the cluster) …
    const seedQuestions = [...spread(await loadDataset('evals/datasets/policy-qa.jsonl'), 24), ...spread(await loadDataset('evals/fresh/seeds-qa.jsonl'), 12)].map((item) => item.question);
    await open('seeds', seedCorpusDir, true, seedQuestions);
    // … and the 712 real regulations, lexical (about 29,000 chunks), where the shared corpus is present.
    if (existsSync(regulationsCorpusDir)) await open('regulations', regulationsCorpusDir, false, spread(await loadDataset('evals/regulations/questions.jsonl'), 24).map((item) => item.question));
    else console.warn(`search-cluster tests: ${regulationsCorpusDir} is absent, so only the seeds are indexed`);
  }, 900_000);

  afterAll(async () => {
    console.info(`search-cluster test timings (s): ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([name, value]) => [name, Math.round(value * 10) / 10])))}`);
    await cluster?.shutdown();
    await embedder?.dispose?.();
    for (const cleanup of cleanups) await cleanup();
  }, 120_000);

  it('lays every index out as 2 shards with a replica of each on both nodes', async () => {
    const client = new SolrClient({ urls: cluster.urls });
    for (const { clustered, embedded } of corpora) {
      const status = await client.request<{ cluster: { collections: Record<string, { shards: Record<string, { replicas: Record<string, { node_name: string; state: string }> }> }> } }>({
        path: '/admin/collections',
        params: { action: 'CLUSTERSTATUS', collection: clustered.collection },
      });
      const shards = Object.values(status.cluster.collections[clustered.collection].shards);
      expect(shards).toHaveLength(2);
      for (const shard of shards) {
        const replicas = Object.values(shard.replicas);
        expect(replicas.map((replica) => replica.state)).toEqual(['active', 'active']);
        expect(new Set(replicas.map((replica) => replica.node_name)).size).toBe(2);
      }
      const count = await client.request<{ response: { numFound: number } }>({ path: `/${clustered.collection}/select`, params: { q: '*:*', rows: 0 } });
      expect(count.response.numFound).toBe(embedded.chunks.length);
    }
  });

  it('finds the clauses the embedded index finds, at their exact offsets', { timeout: 600_000 }, async () => {
    for (const corpus of corpora) {
      let sameTop = 0;
      let overlap = 0;
      for (const question of corpus.questions) {
        const local = chunkIds(await corpus.embedded.search(question, { k: 8, mode: corpus.mode }));
        const results = await corpus.clustered.search(question, { k: 8, mode: corpus.mode });
        const remote = chunkIds(results);
        before.set(`${corpus.name}\u0000${question}`, remote);
        if (local[0] === remote[0]) sameTop++;
        overlap += local.length === 0 ? 1 : local.filter((id) => remote.includes(id)).length / local.length;
        for (const result of results) expect(corpus.clustered.document(result.documentId)!.text.slice(result.start, result.end)).toBe(result.text);
      }
      const n = corpus.questions.length;
      console.info(`${corpus.name} (${corpus.mode}): same first clause ${sameTop}/${n}, overlap@8 ${(overlap / n).toFixed(3)}`);
      // Lucene stores clause lengths in one byte (lossy above ~40 terms), so near-ties may swap; nothing else differs.
      expect(sameTop / n).toBeGreaterThanOrEqual(0.9);
      expect(overlap / n).toBeGreaterThanOrEqual(0.9);
      expect(corpus.clustered.mismatches).toBe(0);
    }
  });

  it('gives the dense neighbours the embedded HNSW gives', async () => {
    const seeds = corpora.find((corpus) => corpus.name === 'seeds')!;
    expect(seeds.clustered.hasDense).toBe(true);
    let overlap = 0;
    for (const question of seeds.questions) {
      const local = chunkIds(await seeds.embedded.search(question, { k: 8, mode: 'dense' }));
      const remote = chunkIds(await seeds.clustered.search(question, { k: 8, mode: 'dense' }));
      overlap += local.filter((id) => remote.includes(id)).length / Math.max(1, local.length);
    }
    console.info(`seeds dense: overlap@8 ${(overlap / seeds.questions.length).toFixed(3)}`);
    expect(overlap / seeds.questions.length).toBeGreaterThanOrEqual(0.9);
  });

  it('answers the same questions citing the same clauses, every quote at its exact span', { timeout: 600_000 }, async () => {
    const config = testConfig();
    for (const corpus of corpora) {
      const embedded: RagService = { index: corpus.embedded, config };
      const clustered: RagService = { index: corpus.clustered, config };
      let same = 0;
      let answered = 0;
      for (const question of corpus.questions) {
        const ask = { messages: [{ role: 'user' as const, content: question }] };
        const [local, remote] = [await answerQuestion(embedded, ask), await answerQuestion(clustered, ask)];
        if (citedClauses(local) === citedClauses(remote) && local.answered === remote.answered) same++;
        if (remote.answered) answered++;
        for (const citation of remote.citations) expect(corpus.clustered.document(citation.documentId)!.text.slice(citation.start, citation.end)).toBe(citation.quote);
      }
      console.info(`${corpus.name}: same cited clauses ${same}/${corpus.questions.length} (${answered} answered from the cluster)`);
      expect(answered).toBeGreaterThan(corpus.questions.length / 2);
      expect(same / corpus.questions.length).toBeGreaterThanOrEqual(0.85);
    }
  });

  it('keeps the eval figures of the embedded index on the eval-floor subset (in-process target, SEARCH_BACKEND=solr)', { timeout: 600_000 }, async () => {
    const items = await loadDataset('evals/datasets/policy-qa.jsonl');
    const subset = [...new Set(items.map((item) => item.type))].flatMap((type) => items.filter((item) => item.type === type).slice(0, 5));
    const figures: Record<string, { recall5: number; mrr: number; factAccuracy: number; refusalRecall: number }> = {};
    for (const backend of ['embedded', 'solr'] as const) {
      const config = testConfig({ SEARCH_BACKEND: backend, SOLR_URL: cluster.urls.join(',') });
      const target = await openInProcessTarget({ corpusDir: seedCorpusDir, config, embeddingModel: null });
      try {
        const run = await runEvaluation({ items: subset, target, dataset: `policy-qa subset (${backend})`, systems: ['product'] });
        const { recall5, mrr, factAccuracy, refusalRecall } = run.overall.product!;
        figures[backend] = { recall5: recall5 ?? Number.NaN, mrr: mrr ?? Number.NaN, factAccuracy: factAccuracy ?? Number.NaN, refusalRecall: refusalRecall ?? Number.NaN };
      } finally {
        await target.close();
      }
    }
    console.info(`eval subset (30 policy-qa items): ${JSON.stringify(figures)}`);
    for (const metric of ['recall5', 'mrr', 'factAccuracy', 'refusalRecall'] as const) {
      expect(Math.abs(figures.solr[metric] - figures.embedded[metric])).toBeLessThanOrEqual(0.05);
    }
  });

  it('serves the HTTP API from the cluster with SEARCH_BACKEND=solr; a re-index and a library removal publish the new index', { timeout: 600_000 }, async () => {
    const folder = await temporaryFolder('cluster-server');
    cleanups.push(folder.remove);
    const corpusDir = join(folder.path, 'corpus');
    await cp(seedCorpusDir, corpusDir, { recursive: true });
    const config = testConfig({ SEARCH_BACKEND: 'solr', SOLR_URL: cluster.urls.join(','), SOLR_COLLECTION: 'served', CORPUS_DIR: corpusDir, INDEX_DIR: join(folder.path, 'index') });
    const service = await openRagService({ config, ingestIfStale: true });
    const first = (service.index as ClusterIndex).collection;
    expect(first).toMatch(/^served_[0-9a-f]{12}$/);
    const app = createApp(service, { log: () => undefined, webDir: '/nonexistent' });
    const health = (await (await app.request('/api/health')).json()) as { retrieval: { backend?: unknown } };
    expect(health.retrieval.backend).toEqual({ engine: 'solr', collection: first, fusion: 'product' });
    const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const search = (await (await post('/api/search', { query: corpora[0].questions[0], k: 5 })).json()) as { results: SearchResult[] };
    expect(search.results).toHaveLength(5);
    for (const result of search.results) expect(service.index.document(result.documentId)!.text.slice(result.start, result.end)).toBe(result.text);
    const chat = (await (await post('/api/chat', { messages: [{ role: 'user', content: corpora[0].questions[0] }] })).json()) as { answered: boolean; citations: { documentId: string; start: number; end: number; quote: string }[] };
    expect(chat.citations.length).toBeGreaterThan(0);
    for (const citation of chat.citations) expect(service.index.document(citation.documentId)!.text.slice(citation.start, citation.end)).toBe(citation.quote);

    await writeFile(join(corpusDir, 'extra.txt'), '关于加强生态环境保护的通知\n\n一、加强大气污染防治，重点城市细颗粒物浓度下降百分之十。');
    await reindexService(service);
    const second = (service.index as ClusterIndex).collection;
    expect(second).not.toBe(first);
    const client = new SolrClient({ urls: cluster.urls });
    const { aliases } = await client.request<{ aliases: Record<string, string> }>({ path: '/admin/collections', params: { action: 'LISTALIASES' } });
    expect(aliases.served).toBe(second);
    const found = (await (await post('/api/search', { query: '细颗粒物浓度', k: 3 })).json()) as { results: SearchResult[] };
    expect(found.results[0].text).toContain('细颗粒物浓度下降百分之十');

    // Removing a document from the library updates the index in place: the cluster gets that index too.
    const removed = await removeDocument(service, found.results[0].documentId);
    expect(removed.index.update).toBe('incremental');
    expect(service.index).toBeInstanceOf(ClusterIndex);
    expect((service.index as ClusterIndex).collection).not.toBe(second);
    const gone = (await (await post('/api/search', { query: '细颗粒物浓度', k: 3 })).json()) as { results: SearchResult[] };
    expect(gone.results.some((result) => result.text.includes('细颗粒物浓度下降百分之十'))).toBe(false);
  });

  it('keeps serving every search from the replicas after a node stops midway', { timeout: 600_000 }, async () => {
    const started = performance.now();
    // Node 0 is the first URL the client tries: the client moves to node 1, which holds a replica of every shard.
    await cluster.stopNode(0);
    timings.stopNodeS = (performance.now() - started) / 1000;
    let same = 0;
    let total = 0;
    for (const corpus of corpora) {
      for (const question of corpus.questions) {
        const results = await corpus.clustered.search(question, { k: 8, mode: corpus.mode });
        if (chunkIds(results).join() === before.get(`${corpus.name}\u0000${question}`)!.join()) same++;
        total++;
      }
      const response = await answerQuestion({ index: corpus.clustered, config: testConfig() }, { messages: [{ role: 'user', content: corpus.questions[0] }] });
      expect(response.citations.every((citation) => corpus.clustered.document(citation.documentId)!.text.slice(citation.start, citation.end) === citation.quote)).toBe(true);
    }
    console.info(`after stopping node 0: ${same}/${total} searches return the same clauses as before`);
    expect(same).toBe(total);
  });
});
