// Ingest: composes load → clean → structure → split → tokenize → embed → index, reusing unchanged work.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { EmbeddingUnavailableError, TransformersEmbeddings } from '../rag/embedder.js';
import { indexFormatVersion, loadIndex, readStoredVectors, recoverIndexFolder, saveIndex, type IndexManifest, type StoredIndex, type StoredVectors } from '../rag/index-store.js';
import { Analyzer, defaultVocabulary } from '../rag/analyzer.js';
import { LexicalIndexBuilder, lexicalEntriesOf } from '../rag/lexical-index.js';
import { vocabularyHash, type VocabularyData } from '../rag/vocabulary.js';
import { tokenizeMany } from './tokenize-many.js';
import { discoverVocabulary } from './discover-vocabulary.js';
import type { Chunk, IndexedChunk, PolicyDocument } from '../rag/types.js';
import { VectorIndex } from '../rag/vector-index.js';
import { cleaningWarning, cleanTextWithReport } from './clean-text.js';
import { linkDocuments } from './link-documents.js';
import { listCorpus, type CorpusEntry } from './load-corpus.js';
import { parseDocument } from './load-document.js';
import { documentTitle, readMetadata } from './read-metadata.js';
import { splitDocument } from './split-document.js';
import { structureDocument } from './structure-document.js';

export type IngestStage = 'scan' | 'load' | 'split' | 'tokenize' | 'embed' | 'index' | 'write';

export interface IngestProgress {
  stage: IngestStage;
  done: number;
  total: number;
  detail?: string;
}

export interface IngestOptions {
  corpusDir: string;
  indexDir: string;
  /** Embedding model id; `null` turns dense retrieval off. */
  embeddingModel: string | null;
  modelsDir?: string;
  allowRemoteModels?: boolean;
  /** Host to download the model from instead of the hub (MODEL_MIRROR). */
  modelMirror?: string;
  /** Synonyms, user dictionary and stop words (the shipped files unless given). */
  vocabulary?: VocabularyData;
  /**
   * An embedder already loaded (the server's own, on a re-index): used when it is `embeddingModel`, so no
   * second copy of the model is loaded. The caller keeps it; one loaded here is disposed when done.
   */
  embedder?: TransformersEmbeddings;
  onProgress?: (progress: IngestProgress) => void;
  /** One human line, e.g. a file skipped (dense retrieval being off is in the report, for the caller to say). */
  onNotice?: (message: string) => void;
}

export interface IngestReport {
  manifest: IndexManifest;
  documents: number;
  chunks: number;
  reusedDocuments: number;
  embeddedChunks: number;
  reusedVectors: number;
  dense: boolean;
  denseOffReason?: string;
  failures: { file: string; error: string }[];
  /** Documents that cleaning removed more than a small share of, or had to keep uncleaned (one warning line each). */
  cleaningWarnings: string[];
  /** Groups of copies of one text, and documents issued in several versions, found across the corpus. */
  duplicateGroups: number;
  versionGroups: number;
  timings: Record<string, number>;
}

/** sha256 of a file's bytes and its manifest metadata: what decides whether a document's chunks and vectors can be reused. */
export function documentHash(bytes: Uint8Array, meta: CorpusEntry['meta']): string {
  return createHash('sha256').update(bytes).update(JSON.stringify(meta)).digest('hex');
}

type Timer = <T>(stage: string, work: () => Promise<T> | T) => Promise<T>;

/**
 * Load → clean → structure → split for one corpus file's bytes; its chunks are not tokenized yet
 * (`tokenizeChunk`). Throws when the file cannot be parsed or no text is left after cleaning.
 */
export async function readCorpusDocument({
  meta,
  bytes,
  raw: parsed,
  time = async (_stage, work) => work(),
}: {
  meta: CorpusEntry['meta'];
  bytes: Uint8Array;
  /** The text `parseDocument` already read from these bytes (an upload is parsed once, when it is checked). */
  raw?: string;
  time?: Timer;
}): Promise<{ document: PolicyDocument; chunks: IndexedChunk[]; warning?: string }> {
  const raw = parsed ?? (await time('load', () => parseDocument(bytes, extname(meta.file))));
  const cleaned = await time('clean', () => cleanTextWithReport(raw));
  const { text } = cleaned;
  if (text.length === 0) throw new Error('the file has no text');
  const metadata = await time('metadata', () => readMetadata(text, meta.file));
  const structure = await time('structure', () => structureDocument(text));
  const document: PolicyDocument = {
    issuer: metadata.issuer,
    docNumber: metadata.docNumber,
    date: metadata.date,
    ...meta,
    title: meta.title ?? documentTitle(metadata),
    text,
    contentHash: documentHash(bytes, meta),
    sections: structure.sections,
    cleaning: { removedChars: cleaned.removedChars, ...(cleaned.keptUncleaned ? { keptUncleaned: true } : {}) },
  };
  const pieces = await time('split', () => splitDocument(document, { structure }));
  return { document, chunks: pieces.map((chunk) => ({ ...chunk, tokens: [], contextTokens: [] })), warning: cleaningWarning(meta.file, cleaned) };
}

/**
 * Sets a chunk's search tokens: its text, and (lighter field) its document's title, region and heading
 * path. Chunks under one heading share that context: `contexts` keeps it tokenized once.
 */
export function tokenizeChunk(chunk: IndexedChunk, document: Pick<PolicyDocument, 'title' | 'region'>, analyzer: Analyzer, contexts = new Map<string, string[]>()): IndexedChunk {
  chunk.tokens = analyzer.tokenize(chunk.text);
  const context = chunkContext(chunk, document);
  let tokens = contexts.get(context);
  if (!tokens) contexts.set(context, (tokens = analyzer.tokenize(context)));
  chunk.contextTokens = tokens;
  return chunk;
}

/** What a chunk's heading field holds: its document's title and region, and its heading path. */
function chunkContextParts(chunk: Pick<IndexedChunk, 'section'>, document: Pick<PolicyDocument, 'title' | 'region'>): string[] {
  return [document.title, document.region ?? '', ...chunk.section];
}

function chunkContext(chunk: Pick<IndexedChunk, 'section'>, document: Pick<PolicyDocument, 'title' | 'region'>): string {
  return chunkContextParts(chunk, document).join(' ');
}

/** Builds (or refreshes) the index for a corpus folder and writes it atomically to `indexDir`. */
export async function ingestCorpus(options: IngestOptions): Promise<IngestReport> {
  const { corpusDir, indexDir, onProgress = () => {}, onNotice = () => {} } = options;
  const timings: Record<string, number> = {};
  const time: Timer = async (stage, work) => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[stage] = (timings[stage] ?? 0) + performance.now() - started;
    }
  };

  onProgress({ stage: 'scan', done: 0, total: 1 });
  const entries = await listCorpus(corpusDir, { onNotice });
  if (entries.length === 0) throw new Error(`no documents (.txt .md .html .docx .pdf) found in ${corpusDir}`);
  onProgress({ stage: 'scan', done: 1, total: 1, detail: `${entries.length} files in ${corpusDir}` });
  for (const action of await recoverIndexFolder(indexDir)) onNotice(action);
  const previous = await loadIndex({ directory: indexDir }).catch(() => undefined);
  const previousDocs = new Map(previous?.documents.map((document) => [document.id, document]));
  const previousChunks = new Map<string, Chunk[]>();
  for (const chunk of previous?.chunks ?? []) {
    const list = previousChunks.get(chunk.documentId);
    if (list) list.push(chunk);
    else previousChunks.set(chunk.documentId, [chunk]);
  }

  const documents: PolicyDocument[] = [];
  const chunks: IndexedChunk[] = [];
  const failures: IngestReport['failures'] = [];
  const cleaningWarnings: string[] = [];
  let reusedDocuments = 0;
  for (const [i, entry] of entries.entries()) {
    onProgress({ stage: 'load', done: i, total: entries.length, detail: entry.meta.file });
    const bytes = await readFile(entry.path);
    const contentHash = documentHash(bytes, entry.meta);
    const old = previousDocs.get(entry.meta.id);
    if (old && old.contentHash === contentHash && previous) {
      documents.push(old);
      chunks.push(...(previousChunks.get(old.id) ?? []).map((chunk) => ({ ...chunk, tokens: [], contextTokens: [] })));
      reusedDocuments++;
      continue;
    }
    try {
      const read = await readCorpusDocument({ meta: entry.meta, bytes, time });
      if (read.warning) {
        cleaningWarnings.push(read.warning);
        onNotice(read.warning);
      }
      documents.push(read.document);
      chunks.push(...read.chunks);
    } catch (error) {
      failures.push({ file: entry.meta.file, error: error instanceof Error ? error.message : String(error) });
      onNotice(`skipped ${entry.meta.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const skipped = failures.length > 0 ? `, ${failures.length} skipped` : '';
  onProgress({ stage: 'load', done: entries.length, total: entries.length, detail: `${documents.length} documents (${reusedDocuments} unchanged${skipped})` });
  onProgress({ stage: 'split', done: 1, total: 1, detail: `${chunks.length} chunks` });
  if (documents.length === 0) throw new Error(`none of the ${entries.length} files in ${corpusDir} could be read`);
  const links = await time('link', () => linkDocuments(documents));

  // The corpus's own terms join the segmenter's dictionary, so every chunk is tokenized with them.
  const vocabulary = options.vocabulary ?? defaultVocabulary();
  const corpusWords = await time('vocabulary', () => discoverVocabulary(documents.map((document) => document.text), new Analyzer({ vocabulary })));
  const analyzer = new Analyzer({ vocabulary, corpusWords });
  const documentsById = new Map(documents.map((document) => [document.id, document]));
  // Tokenizing runs on worker threads for a large corpus; meanwhile this thread adds each document to
  // the BM25 builder as soon as its chunks (and every chunk before them) have their tokens.
  const lexicalBuilder = new LexicalIndexBuilder();
  await time('tokenize', async () => {
    // A heading field is its parts (title, region, each heading) joined by spaces, and jieba never cuts
    // across a space: each distinct part is tokenized once (first, so the fields are ready when the
    // chunks are), and a field is its parts' tokens (a bag: the order of its tokens does not matter).
    // Chunks under one heading share the same array.
    const partsOf = chunks.map((chunk) => chunkContextParts(chunk, documentsById.get(chunk.documentId)!));
    const parts = [...new Set(partsOf.flat())];
    const partIndex = new Map(parts.map((part, i) => [part, i]));
    const fields = new Map<string, string[]>();
    let partsLeft = parts.length;
    let tokenized = 0; // chunks before this one have their tokens
    let added = 0; // chunks before this one are in the BM25 builder
    const indexedDocuments = new Set<string>();
    const addReady = (tokens: readonly string[][]) => {
      if (partsLeft > 0) return;
      while (tokenized < chunks.length && tokens[parts.length + tokenized] !== undefined) {
        const chunk = chunks[tokenized];
        chunk.tokens = tokens[parts.length + tokenized];
        const key = partsOf[tokenized].join('\u0000');
        let field = fields.get(key);
        if (!field) fields.set(key, (field = partsOf[tokenized].flatMap((part) => tokens[partIndex.get(part)!])));
        chunk.contextTokens = field;
        tokenized++;
      }
      while (added < tokenized) {
        const documentId = chunks[added].documentId;
        let end = added + 1;
        while (end < chunks.length && chunks[end].documentId === documentId) end++;
        if (end > tokenized) break;
        if (indexedDocuments.has(documentId)) throw new Error(`ingest: the chunks of document ${documentId} are not contiguous`);
        indexedDocuments.add(documentId);
        lexicalBuilder.add(documentId, lexicalEntriesOf(documentsById.get(documentId)!, chunks.slice(added, end), analyzer));
        added = end;
      }
    };
    await tokenizeMany(analyzer, [...parts, ...chunks.map((chunk) => chunk.text)], {
      // The stage's last line is the one with its result, below.
      onProgress: (done) => onProgress({ stage: 'tokenize', done: Math.max(0, Math.min(done - parts.length, chunks.length - 1)), total: chunks.length }),
      onTokenized: (tokens, from, to) => {
        partsLeft -= Math.max(0, Math.min(to, parts.length) - from);
        addReady(tokens);
      },
    });
    if (added !== chunks.length) throw new Error(`ingest: ${chunks.length - added} chunks were left out of the lexical index`);
  });
  onProgress({ stage: 'tokenize', done: chunks.length, total: chunks.length, detail: `${chunks.length} chunks, ${corpusWords.length} corpus terms` });

  // An index this version cannot load (another format) still lends the vectors of unchanged clauses.
  const previousVectors: StoredVectors | undefined = previous
    ? previous.dense && previous.manifest.embedding
      ? { ...previous.manifest.embedding, chunks: previous.chunks, dense: previous.dense }
      : undefined
    : options.embeddingModel
      ? await readStoredVectors(indexDir)
      : undefined;
  const dense = await time('embed', () => embedChunks({ ...options, chunks, previousVectors, onProgress }));

  const lexical = await time('bm25', () => lexicalBuilder.finish());
  let vectorIndex: VectorIndex | undefined;
  if (dense.vectors) {
    onProgress({ stage: 'index', done: 0, total: 1 });
    vectorIndex = await time('index', () => VectorIndex.build(dense.vectors!, dense.dimensions!));
    onProgress({ stage: 'index', done: 1, total: 1, detail: `${dense.vectors.length} vectors (hnswlib)` });
  }
  onProgress({ stage: 'write', done: 0, total: 1 });
  const chunkCounts = new Map<string, number>();
  for (const chunk of chunks) chunkCounts.set(chunk.documentId, (chunkCounts.get(chunk.documentId) ?? 0) + 1);
  const manifest = await time('write', () =>
    saveIndex({
      directory: indexDir,
      index: {
        manifest: {
          formatVersion: indexFormatVersion,
          createdAt: new Date().toISOString(),
          embedding: dense.vectors ? { modelId: dense.modelId!, dimensions: dense.dimensions! } : null,
          ...(!dense.vectors && options.embeddingModel ? { embeddingUnavailable: options.embeddingModel } : {}),
          documents: documents.map((document) => ({
            id: document.id,
            file: document.file,
            contentHash: document.contentHash,
            chunks: chunkCounts.get(document.id) ?? 0,
          })),
          chunkCount: chunks.length,
          corpusDir: resolve(corpusDir),
          vocabulary: { hash: vocabularyHash(vocabulary), corpusWords: corpusWords.length },
        },
        documents,
        chunks,
        vocabulary: { corpusWords },
        lexical,
        dense: vectorIndex,
      },
    }),
  );
  onProgress({ stage: 'write', done: 1, total: 1, detail: `saved to ${indexDir}` });
  return {
    manifest,
    documents: documents.length,
    chunks: chunks.length,
    reusedDocuments,
    embeddedChunks: dense.embedded,
    reusedVectors: dense.reused,
    dense: Boolean(dense.vectors),
    denseOffReason: dense.reason,
    failures,
    cleaningWarnings,
    duplicateGroups: links.duplicateGroups,
    versionGroups: links.versionGroups,
    timings,
  };
}

interface DenseResult {
  vectors?: Float32Array[];
  modelId?: string;
  dimensions?: number;
  embedded: number;
  reused: number;
  reason?: string;
}

/** Embeds the chunks whose text has no vector from the same model in the previous index. */
async function embedChunks({
  chunks,
  previousVectors,
  embeddingModel,
  modelsDir,
  allowRemoteModels,
  modelMirror,
  embedder: loadedEmbedder,
  onProgress,
}: IngestOptions & { chunks: Chunk[]; previousVectors?: StoredVectors; onProgress: (progress: IngestProgress) => void }): Promise<DenseResult> {
  if (!embeddingModel) return { embedded: 0, reused: 0, reason: 'no embedding model configured' };
  let embedder: TransformersEmbeddings;
  if (loadedEmbedder?.modelId === embeddingModel) {
    embedder = loadedEmbedder;
  } else {
    try {
      embedder = await TransformersEmbeddings.load({ modelId: embeddingModel, modelsDir, allowRemoteModels, remoteHost: modelMirror });
    } catch (error) {
      // The caller says so in one short line; the full reason (paths, the download error) is in the report.
      const reason = error instanceof EmbeddingUnavailableError ? error.reason : error instanceof Error ? error.message : String(error);
      return { embedded: 0, reused: 0, reason: `embedding model ${embeddingModel} could not be loaded (${reason})` };
    }
  }
  try {
    // Vectors of unchanged chunks are read back from the previous index's hnswlib file.
    const reusable = new Map<string, number>();
    const previousDense = previousVectors?.dense;
    if (previousVectors && previousVectors.modelId === embedder.modelId && previousVectors.dimensions === embedder.dimensions) {
      previousVectors.chunks.forEach((chunk, i) => reusable.set(textKey(chunk), i));
    }
    const vectors: (Float32Array | undefined)[] = chunks.map((chunk) => {
      const position = reusable.get(textKey(chunk));
      return position === undefined ? undefined : Float32Array.from(previousDense!.vector(position));
    });
    const missing = chunks.map((_, i) => i).filter((i) => !vectors[i]);
    onProgress({ stage: 'embed', done: 0, total: missing.length });
    if (missing.length > 0) {
      const embedded = await embedder.embedDocuments(
        missing.map((i) => chunkEmbeddingText(chunks[i])),
        (done, total) => onProgress({ stage: 'embed', done, total }),
      );
      missing.forEach((chunkIndex, j) => (vectors[chunkIndex] = Float32Array.from(embedded[j])));
    }
    onProgress({ stage: 'embed', done: missing.length, total: missing.length, detail: `${missing.length} chunks embedded, ${chunks.length - missing.length} reused (${embedder.modelId})` });
    return {
      vectors: vectors as Float32Array[],
      modelId: embedder.modelId,
      dimensions: embedder.dimensions,
      embedded: missing.length,
      reused: chunks.length - missing.length,
    };
  } finally {
    if (embedder !== loadedEmbedder) await embedder.dispose();
  }
}

/** The text a chunk is embedded as: its heading path gives the clause its context. */
export function chunkEmbeddingText(chunk: { section: string[]; text: string }): string {
  return [...chunk.section, chunk.text].join('\n');
}

function textKey(chunk: { section: string[]; text: string }): string {
  return createHash('sha1').update(chunkEmbeddingText(chunk)).digest('hex');
}
