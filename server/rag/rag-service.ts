// The RAG core shared by the server and the scripts: an index, the optional embedder, and the LLM settings.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { ingestCorpus, type IngestOptions, type IngestProgress, type IngestReport } from '../ingest/ingest-corpus.js';
import { listCorpus } from '../ingest/load-corpus.js';
import { EmbeddingUnavailableError, TransformersEmbeddings } from './embedder.js';
import { indexFormatVersion, loadIndex, readManifest, recoverIndexFolder, type StoredIndex } from './index-store.js';
import { openSearchIndex } from './cluster-index.js';
import type { PolicyIndex, QueryEmbedder } from './policy-index.js';
import { loadVocabulary, vocabularyHash, type VocabularyData } from './vocabulary.js';

/** The vocabulary files the configuration names (the shipped ones by default). */
export function configuredVocabulary(config: Config): VocabularyData {
  return loadVocabulary({ synonymsFile: config.SYNONYMS_FILE, userDictionaryFile: config.USER_DICT_FILE, stopWordsFile: config.STOPWORDS_FILE, placesFile: config.PLACES_FILE });
}

export interface RagService {
  index: PolicyIndex;
  config: Config;
  /** Why dense retrieval is off, when it is. */
  denseOffReason?: string;
}

/**
 * Whether the index in `indexDir` is missing or was built from different files than `corpusDir`
 * now holds (added, removed or edited documents, or manifest changes).
 */
export async function indexIsStale({ corpusDir, indexDir, vocabulary }: { corpusDir: string; indexDir: string; vocabulary?: VocabularyData }): Promise<boolean> {
  const manifest = await readManifest(indexDir);
  if (!manifest) return true;
  // Segmentation depends on the vocabulary files: other files, other tokens.
  if (vocabulary && manifest.vocabulary && manifest.vocabulary.hash !== vocabularyHash(vocabulary)) return true;
  let entries;
  try {
    entries = await listCorpus(corpusDir);
  } catch {
    return false; // no corpus folder: serve the index as it is
  }
  if (manifest.formatVersion !== indexFormatVersion) return true; // written by another version of this code
  if (entries.length !== manifest.documents.length) return true;
  const hashes = new Map(manifest.documents.map((document) => [document.id, document.contentHash]));
  for (const entry of entries) {
    const bytes = await readFile(entry.path);
    const hash = createHash('sha256').update(bytes).update(JSON.stringify(entry.meta)).digest('hex');
    if (hashes.get(entry.meta.id) !== hash) return true;
  }
  return false;
}

/**
 * Opens the index (ingesting first when `ingestIfStale` and the corpus changed), loads the
 * embedding model the index was built with, and verifies dimensions.
 */
export async function openRagService({
  config,
  ingestIfStale = false,
  corpusFromIndex = false,
  onProgress,
  onNotice = () => {},
}: {
  config: Config;
  ingestIfStale?: boolean;
  /**
   * Check staleness against the folder the index was built from rather than CORPUS_DIR (when CORPUS_DIR
   * was not set): `npm run ingest -- --corpus DIR --index IDX` then `INDEX_DIR=IDX npm start` serves DIR.
   */
  corpusFromIndex?: boolean;
  onProgress?: (progress: IngestProgress) => void;
  onNotice?: (message: string) => void;
}): Promise<RagService> {
  const indexDir = config.INDEX_DIR;
  let corpusDir = config.CORPUS_DIR;
  for (const action of await recoverIndexFolder(indexDir)) onNotice(action);
  if (ingestIfStale && corpusFromIndex) {
    const recorded = (await readManifest(indexDir))?.corpusDir;
    if (recorded && resolve(recorded) !== resolve(corpusDir)) {
      onNotice(`serving the index in ${indexDir}, built from ${recorded} (set CORPUS_DIR to index another folder)`);
      corpusDir = recorded;
    }
  }
  let ingested: IngestReport | undefined;
  const vocabulary = configuredVocabulary(config);
  if (ingestIfStale && (await indexIsStale({ corpusDir, indexDir, vocabulary }))) {
    onNotice(`index in ${indexDir} is missing or older than ${corpusDir}: ingesting`);
    ingested = await ingestCorpus({ corpusDir, indexDir, ...embeddingSettings(config), vocabulary, onProgress, onNotice });
  } else if (ingestIfStale && existsSync(corpusDir) && (await lacksAvailableModel({ indexDir, config }))) {
    // Built when the model could not be loaded (`npm start`, then `npm run models -- fetch`, then
    // `npm start`): the index gets its vectors now instead of serving without dense retrieval for good.
    onNotice(`index in ${indexDir} has no vectors and ${config.EMBEDDING_MODEL} is now in ${config.MODELS_DIR}: ingesting again with it`);
    ingested = await ingestCorpus({ corpusDir, indexDir, ...embeddingSettings(config), vocabulary, onProgress, onNotice });
  }
  const stored = await loadIndex({ directory: indexDir });
  const served = { ...config, CORPUS_DIR: corpusDir };
  const { embedder, denseOffReason } = await embedderFor({ stored, config: served, onNotice });
  // The folder actually served (re-indexing, e.g. POST /api/admin/reindex, rebuilds from it).
  const index = await openSearchIndex({ stored, embedder, vocabulary, config: served, onNotice });
  return { index, config: served, denseOffReason: whyDenseIsOff({ embedder, denseOffReason, ingested, config }) };
}

/**
 * An index whose ingest wanted the configured embedding model but could not load it, while the model
 * is now on this machine. An index built without vectors on purpose (EMBEDDING_MODEL=none,
 * `--no-embeddings`) is left as it is.
 */
async function lacksAvailableModel({ indexDir, config }: { indexDir: string; config: Config }): Promise<boolean> {
  if (!config.EMBEDDING_MODEL) return false;
  const manifest = await readManifest(indexDir);
  return Boolean(manifest && !manifest.embedding && manifest.embeddingUnavailable === config.EMBEDDING_MODEL && TransformersEmbeddings.isLocal({ modelId: config.EMBEDDING_MODEL, modelsDir: config.MODELS_DIR }));
}

/** The ingest options that come from the configuration: the embedding model and where to find it. */
function embeddingSettings(config: Config): Pick<IngestOptions, 'embeddingModel' | 'modelsDir' | 'allowRemoteModels' | 'modelMirror'> {
  return { embeddingModel: config.EMBEDDING_MODEL || null, modelsDir: config.MODELS_DIR, allowRemoteModels: config.ALLOW_REMOTE_MODELS, modelMirror: config.MODEL_MIRROR };
}

/**
 * The query embedder for an index: none when EMBEDDING_MODEL is `none` or the index has no vectors;
 * otherwise the model the index was built with (its vectors only match that model), reusing
 * `current` when it is that model. A configured model other than the index's is named in one line.
 */
async function embedderFor({
  stored,
  config,
  current,
  onNotice,
}: {
  stored: StoredIndex;
  config: Config;
  current?: QueryEmbedder;
  onNotice: (message: string) => void;
}): Promise<{ embedder?: QueryEmbedder; denseOffReason?: string }> {
  const built = stored.manifest.embedding;
  if (!built) return { denseOffReason: 'the index was built without an embedding model' };
  if (!config.EMBEDDING_MODEL) return { denseOffReason: 'EMBEDDING_MODEL=none turns dense retrieval off' };
  if (built.modelId !== config.EMBEDDING_MODEL) {
    onNotice(
      `the index in ${config.INDEX_DIR} was built with embedding model ${built.modelId}, not EMBEDDING_MODEL=${config.EMBEDDING_MODEL}: serving it with ${built.modelId}; ` +
        `run \`npm run ingest -- --corpus ${config.CORPUS_DIR} --index ${config.INDEX_DIR}\` to rebuild it with ${config.EMBEDDING_MODEL}`,
    );
  }
  if (current?.modelId === built.modelId) return { embedder: current };
  try {
    // A re-index or an upload embeds its clauses in a process of their own, so questions keep their pace.
    const embedder = await TransformersEmbeddings.load({ modelId: built.modelId, modelsDir: config.MODELS_DIR, allowRemoteModels: config.ALLOW_REMOTE_MODELS, remoteHost: config.MODEL_MIRROR, documentProcess: true });
    if (embedder.dimensions !== built.dimensions) {
      await embedder.dispose();
      throw new Error(`index ${config.INDEX_DIR} was embedded with ${built.dimensions} dimensions but ${embedder.modelId} gives ${embedder.dimensions}: run \`npm run ingest\` to rebuild it`);
    }
    return { embedder };
  } catch (error) {
    if (!(error instanceof EmbeddingUnavailableError)) throw error;
    // Said in one short line by the caller (denseOffLine); the reason, with its paths, is kept for debug output and health.
    return { denseOffReason: error.reason };
  }
}

/**
 * The one line a start or an ingest prints when dense retrieval is off (the full reason is for
 * LOG_LEVEL=debug and /api/health): turned off on purpose, or no model to embed with.
 */
export function denseOffLine(config: Pick<Config, 'EMBEDDING_MODEL'>): string {
  return config.EMBEDDING_MODEL ? 'dense retrieval off: no embedding model (see README › Models)' : 'dense retrieval off: EMBEDDING_MODEL=none';
}

/** An ingest that could not load the configured model knows better why than "built without a model". */
function whyDenseIsOff({ embedder, denseOffReason, ingested, config }: { embedder?: QueryEmbedder; denseOffReason?: string; ingested?: IngestReport; config: Config }): string | undefined {
  if (embedder) return undefined;
  return ingested && !ingested.dense && config.EMBEDDING_MODEL ? ingested.denseOffReason : denseOffReason;
}

/**
 * Rebuilds the index from the folder the service serves, with the configured embedding model (so a
 * model that has become available since the start turns dense retrieval on), and swaps it in.
 */
export async function reindexService(service: RagService, { onNotice = () => {} }: { onNotice?: (message: string) => void } = {}): Promise<IngestReport> {
  const { config } = service;
  const vocabulary = configuredVocabulary(config);
  const current = service.index.embedder;
  // The served model embeds the re-index too (queries still go first), rather than a second copy of it.
  const served = current instanceof TransformersEmbeddings ? current : undefined;
  const report = await ingestCorpus({ corpusDir: config.CORPUS_DIR, indexDir: config.INDEX_DIR, ...embeddingSettings(config), embedder: served, vocabulary, onNotice });
  const stored = await loadIndex({ directory: config.INDEX_DIR });
  const { embedder, denseOffReason } = await embedderFor({ stored, config, current, onNotice });
  service.index = await openSearchIndex({ stored, embedder, vocabulary, config, onNotice });
  service.denseOffReason = whyDenseIsOff({ embedder, denseOffReason, ingested: report, config });
  // A replaced model's ONNX session is released.
  if (served && embedder !== served) await served.dispose();
  return report;
}

/** Releases what the service holds outside the JavaScript heap (the embedding model's ONNX session). */
export async function closeRagService(service: RagService): Promise<void> {
  const { embedder } = service.index;
  if (embedder instanceof TransformersEmbeddings) await embedder.dispose();
}
