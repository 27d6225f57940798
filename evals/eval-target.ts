// What an eval runs against: the product in-process (fresh index of a corpus) or a running server over HTTP.
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { answerQuestion } from '../server/answer/answer-question.js';
import type { Config } from '../server/config.js';
import { ingestCorpus, type IngestProgress } from '../server/ingest/ingest-corpus.js';
import { EmbeddingUnavailableError, TransformersEmbeddings } from '../server/rag/embedder.js';
import { loadIndex } from '../server/rag/index-store.js';
import { ClusterIndex, clusterSettings, openSearchIndex, removeCollection } from '../server/rag/cluster-index.js';
import type { PolicyIndex } from '../server/rag/policy-index.js';
import { configuredVocabulary } from '../server/rag/rag-service.js';
import type { RagService } from '../server/rag/rag-service.js';
import type { Chunk, Section } from '../server/rag/types.js';
import type { CitedAnswer, CorpusDocument, CorpusView, RetrievedChunk } from './baselines.js';
import { itemMessages, type EvalItem } from './load-dataset.js';
import type { AnswerKind } from './metrics.js';

export type SearchMode = 'hybrid' | 'lexical' | 'dense';

/** The product's answer to one question, with the query its retrieval ran with. */
export interface ProductAnswer extends CitedAnswer {
  retrievalQuery?: string;
  latencyMs: number;
}

export interface EvalTarget {
  /** "in-process (corpus DIR)" or the server URL. */
  description: string;
  corpus: CorpusView;
  /** Retrieval modes this target can run on its own. */
  searchModes: SearchMode[];
  dense: boolean;
  denseNote?: string;
  /** How the product answers: extractive, or by the named LLM. */
  answerKind: AnswerKind;
  answerModel: string;
  /** Embeddings for the LangChain baseline's vector store, when a model is loaded. */
  embeddings?: EmbeddingsInterface;
  search(query: string, options: { k: number; mode: SearchMode }): Promise<RetrievedChunk[]>;
  answer(item: EvalItem): Promise<ProductAnswer>;
  close(): Promise<void>;
}

/** The answer mode the product is asked in: the item's own (by default summary questions use summary mode). */
export function answerModeFor(item: EvalItem): 'answer' | 'summary' {
  return item.mode;
}

/** Where indexes built with an embedding model are kept between eval runs (git-ignored). */
export const evalIndexCache = resolve('.cache/eval-indexes');

/**
 * The configuration the in-process product runs with: the process's, plus `SYNONYMS_FILE` when the
 * eval names a synonym file (`--synonyms`; an empty file measures the product without its vocabulary).
 */
export function targetConfig(config: Config, synonymsFile?: string): Config {
  return synonymsFile === undefined ? config : Object.freeze({ ...config, SYNONYMS_FILE: synonymsFile });
}

/**
 * Ingests `corpusDir` into a temporary index (with the configured embedding model when it loads)
 * and answers with `answerQuestion` against it, as the server would.
 */
export async function openInProcessTarget({
  corpusDir,
  config: processConfig,
  embeddingModel = processConfig.EMBEDDING_MODEL || null,
  synonymsFile,
  onProgress,
  onNotice = () => {},
}: {
  corpusDir: string;
  config: Config;
  /** Overrides the configured model; `null` builds a lexical-only index. */
  embeddingModel?: string | null;
  /** A synonym file the product reads instead of its configured one (as `SYNONYMS_FILE`). */
  synonymsFile?: string;
  onProgress?: (progress: IngestProgress) => void;
  onNotice?: (message: string) => void;
}): Promise<EvalTarget> {
  if (synonymsFile !== undefined) await access(synonymsFile).catch(() => Promise.reject(new Error(`--synonyms: cannot read ${synonymsFile}`)));
  const config = targetConfig(processConfig, synonymsFile);
  // With an embedding model, the index is kept between runs (per corpus and model): unchanged clauses
  // keep their vectors, so a second run does not embed a large corpus again.
  const cached = embeddingModel ? join(evalIndexCache, createHash('sha1').update(`${resolve(corpusDir)}\u0000${embeddingModel}`).digest('hex').slice(0, 16)) : undefined;
  const indexDir = cached ?? (await mkdtemp(join(tmpdir(), 'policy-eval-index-')));
  try {
    const vocabulary = configuredVocabulary(config);
    const report = await ingestCorpus({ corpusDir, indexDir, embeddingModel, modelsDir: config.MODELS_DIR, allowRemoteModels: config.ALLOW_REMOTE_MODELS, modelMirror: config.MODEL_MIRROR, vocabulary, onProgress, onNotice });
    if (report.failures.length > 0) onNotice(`${report.failures.length} corpus file(s) could not be read: ${report.failures.map((failure) => failure.file).join(', ')}`);
    const stored = await loadIndex({ directory: indexDir });
    let embedder: TransformersEmbeddings | undefined;
    let denseNote = report.dense ? undefined : `dense retrieval off: ${report.denseOffReason ?? 'no embedding model'}`;
    if (stored.manifest.embedding) {
      try {
        embedder = await TransformersEmbeddings.load({ modelId: stored.manifest.embedding.modelId, modelsDir: config.MODELS_DIR, allowRemoteModels: config.ALLOW_REMOTE_MODELS, remoteHost: config.MODEL_MIRROR });
      } catch (error) {
        if (!(error instanceof EmbeddingUnavailableError)) throw error;
        denseNote = `dense retrieval off: ${error.reason}`;
      }
    }
    // SEARCH_BACKEND=solr: candidates from the cluster (this index published as its own collection).
    const index = await openSearchIndex({ stored, embedder, vocabulary, config, alias: false, onNotice });
    const service: RagService = { index, config, denseOffReason: denseNote };
    const corpus: CorpusView = {
      documents: new Map(index.documents.map((document) => [document.id, { id: document.id, title: document.title, region: document.region, text: document.text, sections: document.sections }])),
      chunks: index.chunks,
    };
    const toRetrieved = (results: Awaited<ReturnType<PolicyIndex['search']>>): RetrievedChunk[] =>
      results.map(({ chunkId, documentId, title, section, text, start, end, score }) => ({ chunkId, documentId, title, section, text, start, end, score }));
    return {
      description: `in-process, corpus ${corpusDir}`,
      corpus,
      searchModes: index.hasDense ? ['hybrid', 'lexical', 'dense'] : ['hybrid', 'lexical'],
      dense: index.hasDense,
      denseNote,
      answerKind: config.LLM_BASE_URL ? 'generated' : 'extractive',
      answerModel: config.LLM_BASE_URL ? config.LLM_MODEL : 'extractive',
      embeddings: index.hasDense ? embedder : undefined,
      async search(query, { k, mode }) {
        return toRetrieved(await index.search(query, { k, mode }));
      },
      async answer(item) {
        const started = performance.now();
        const response = await answerQuestion(service, { messages: itemMessages(item), mode: answerModeFor(item) });
        return { answer: response.answer, answered: response.answered, citations: response.citations, retrievalQuery: response.retrievalQuery, latencyMs: performance.now() - started };
      },
      async close() {
        await embedder?.dispose?.();
        if (index instanceof ClusterIndex && index.published?.created) await removeCollection(clusterSettings(config), index.collection);
        if (!cached) await rm(indexDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (!cached) await rm(indexDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A JSON request to the server; waits out 429s (Retry-After) and retries network errors twice.
 * `ms` is the duration of the attempt that succeeded, so waiting for the rate limit is not latency.
 */
async function timedRequest<T>(url: string, { body, onNotice }: { body?: unknown; onNotice: (message: string) => void }): Promise<{ data: T; ms: number }> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    const started = performance.now();
    try {
      response = await fetch(url, {
        method: body === undefined ? 'GET' : 'POST',
        headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(180_000),
      });
    } catch (error) {
      if (attempt >= 2) throw new Error(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
      continue;
    }
    if (response.status === 429 && attempt < 30) {
      const seconds = Math.min(60, Math.max(1, Number(response.headers.get('retry-after')) || 5));
      onNotice(`rate limited by the server: waiting ${seconds}s (start it with RATE_LIMIT_PER_MINUTE=0 to evaluate faster)`);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      continue;
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: keep the raw text
      }
      throw new Error(`${url} answered ${response.status}: ${message}`);
    }
    return { data: JSON.parse(text) as T, ms: performance.now() - started };
  }
}

async function requestJson<T>(url: string, options: { body?: unknown; onNotice: (message: string) => void }): Promise<T> {
  return (await timedRequest<T>(url, options)).data;
}

interface HealthResponse {
  documents: number;
  retrieval: { dense: boolean; embeddingModel?: string | null; denseOffReason?: string | null };
  llm: { provider: string; model: string | null };
}

interface DocumentResponse {
  id: string;
  title: string;
  region?: string;
  text: string;
  sections: Section[];
  chunks: { id: string; start: number; end: number; section: string[] }[];
}

/**
 * A running server: documents and chunks come from /api/documents, retrieval from /api/search
 * (hybrid only: the API has no mode), answers from /api/chat.
 */
export async function openHttpTarget({ url, onNotice = () => {} }: { url: string; onNotice?: (message: string) => void }): Promise<EvalTarget> {
  const base = url.replace(/\/+$/, '');
  const health = await requestJson<HealthResponse>(`${base}/api/health`, { onNotice });
  const list = await requestJson<{ documents: { id: string }[] }>(`${base}/api/documents`, { onNotice });
  const documents = new Map<string, CorpusDocument>();
  const chunks: Chunk[] = [];
  for (const { id } of list.documents) {
    const document = await requestJson<DocumentResponse>(`${base}/api/documents/${encodeURIComponent(id)}`, { onNotice });
    documents.set(id, { id, title: document.title, region: document.region, text: document.text, sections: document.sections });
    for (const chunk of document.chunks) chunks.push({ id: chunk.id, documentId: id, text: document.text.slice(chunk.start, chunk.end), start: chunk.start, end: chunk.end, section: chunk.section });
  }
  const generated = health.llm.provider !== 'extractive';
  return {
    description: `server ${base}`,
    corpus: { documents, chunks },
    searchModes: ['hybrid'],
    dense: health.retrieval.dense,
    denseNote: health.retrieval.dense ? undefined : `dense retrieval off on the server${health.retrieval.denseOffReason ? `: ${health.retrieval.denseOffReason}` : ''}`,
    answerKind: generated ? 'generated' : 'extractive',
    answerModel: generated ? (health.llm.model ?? health.llm.provider) : 'extractive',
    async search(query, { k, mode }) {
      if (mode !== 'hybrid') throw new Error(`the HTTP API only offers hybrid search, not ${mode}`);
      const { results } = await requestJson<{ results: RetrievedChunk[] }>(`${base}/api/search`, { body: { query: query.slice(0, 1000), k: Math.min(50, k) }, onNotice });
      return results.map(({ chunkId, documentId, title, section, text, start, end, score }) => ({ chunkId, documentId, title, section, text, start, end, score }));
    },
    async answer(item) {
      const { data, ms } = await timedRequest<CitedAnswer & { retrievalQuery?: string }>(`${base}/api/chat`, { body: { messages: itemMessages(item), mode: answerModeFor(item) }, onNotice });
      return { answer: data.answer, answered: data.answered, citations: data.citations, retrievalQuery: data.retrievalQuery, latencyMs: ms };
    },
    async close() {},
  };
}
