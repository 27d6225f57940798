// The RAG core shared by the server and the scripts: an index, the optional embedder, and the LLM settings.
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { Config } from '../config.js';
import { ingestCorpus, type IngestProgress } from '../ingest/ingest-corpus.js';
import { listCorpus } from '../ingest/load-corpus.js';
import { EmbeddingUnavailableError, TransformersEmbeddings } from './embedder.js';
import { indexFormatVersion, loadIndex, readManifest, recoverIndexFolder } from './index-store.js';
import { PolicyIndex } from './policy-index.js';

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
export async function indexIsStale({ corpusDir, indexDir }: { corpusDir: string; indexDir: string }): Promise<boolean> {
  const manifest = await readManifest(indexDir);
  if (!manifest) return true;
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
  if (ingestIfStale && (await indexIsStale({ corpusDir, indexDir }))) {
    onNotice(`index in ${indexDir} is missing or older than ${corpusDir}: ingesting`);
    await ingestCorpus({
      corpusDir,
      indexDir,
      embeddingModel: config.EMBEDDING_MODEL || null,
      modelsDir: config.MODELS_DIR,
      allowRemoteModels: config.ALLOW_REMOTE_MODELS,
      onProgress,
      onNotice,
    });
  }
  const stored = await loadIndex({ directory: indexDir });
  let embedder: TransformersEmbeddings | undefined;
  let denseOffReason: string | undefined;
  if (stored.manifest.embedding) {
    try {
      embedder = await TransformersEmbeddings.load({
        modelId: stored.manifest.embedding.modelId,
        modelsDir: config.MODELS_DIR,
        allowRemoteModels: config.ALLOW_REMOTE_MODELS,
        remoteHost: config.MODEL_MIRROR,
      });
      if (embedder.dimensions !== stored.manifest.embedding.dimensions) {
        throw new Error(`index ${indexDir} was embedded with ${stored.manifest.embedding.dimensions} dimensions but ${embedder.modelId} gives ${embedder.dimensions}: run \`npm run ingest\` to rebuild it`);
      }
    } catch (error) {
      if (!(error instanceof EmbeddingUnavailableError)) throw error;
      denseOffReason = error.reason;
      onNotice(`dense retrieval off: ${error.reason}`);
      embedder = undefined;
    }
  } else {
    denseOffReason = 'the index was built without an embedding model';
  }
  // The folder actually served (re-indexing, e.g. POST /api/admin/reindex, rebuilds from it).
  return { index: new PolicyIndex(stored, embedder), config: { ...config, CORPUS_DIR: corpusDir }, denseOffReason };
}
