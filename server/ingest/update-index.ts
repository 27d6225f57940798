// Incremental index update: adds or removes documents and saves the index, without re-reading, re-tokenizing
// or re-embedding the rest of the corpus (what makes "upload a file, ask about it" quick on a large library).
import type { Analyzer } from '../rag/analyzer.js';
import { indexFormatVersion, saveIndex, type StoredIndex } from '../rag/index-store.js';
import { LexicalIndex, lexicalEntriesOf, type LexicalEntries } from '../rag/lexical-index.js';
import type { Chunk, PolicyDocument } from '../rag/types.js';
import { VectorIndex } from '../rag/vector-index.js';
import { chunkEmbeddingText, readCorpusDocument, tokenizeChunk } from './ingest-corpus.js';
import { linkDocuments } from './link-documents.js';
import type { CorpusEntry } from './load-corpus.js';

/** Embeds clause texts for the index's vectors (TransformersEmbeddings, or a test double). */
export interface DocumentEmbedder {
  readonly modelId: string;
  embedDocuments(texts: string[]): Promise<number[][]>;
}

/** The index cannot be updated in place (its vectors need a model that is not loaded): rebuild it instead. */
export class NeedsFullIngestError extends Error {
  constructor(reason: string) {
    super(`the index needs a full re-ingest: ${reason}`);
    this.name = 'NeedsFullIngestError';
  }
}

export interface IndexUpdate {
  /** Files to add, with their corpus metadata (from `listCorpus`) and bytes. */
  add: { meta: CorpusEntry['meta']; bytes: Uint8Array; raw?: string }[];
  /** Ids of documents to drop. */
  remove: string[];
}

/**
 * Applies `update` to `stored` and saves the result atomically to `indexDir`; `stored` itself is not
 * changed (a live index keeps serving from it until the caller swaps). New documents are tokenized with
 * `analyzer` — the index's own, with the corpus terms found by the last full ingest, so their tokens
 * match the queries' — and embedded with `embedder` when the index has vectors. Documents are kept in
 * `fileOrder` (the corpus listing's order), as a full ingest would order them.
 */
export async function updateIndex({
  stored,
  indexDir,
  update,
  analyzer,
  embedder,
  fileOrder,
}: {
  stored: StoredIndex;
  indexDir: string;
  update: IndexUpdate;
  analyzer: Analyzer;
  embedder?: DocumentEmbedder;
  fileOrder: readonly string[];
}): Promise<{ stored: StoredIndex; added: PolicyDocument[]; removed: PolicyDocument[] }> {
  const embedding = stored.manifest.embedding;
  if (embedding && (!stored.dense || embedder?.modelId !== embedding.modelId)) {
    throw new NeedsFullIngestError(`its vectors come from ${embedding.modelId}, which is not loaded`);
  }
  const removing = new Set(update.remove);
  const removed = stored.documents.filter((document) => removing.has(document.id));

  // Every kept chunk (and its vector) grouped by document, in the stored order; kept documents' BM25
  // entries are read back from the stored postings rather than tokenized again.
  const chunksOf = new Map<string, { chunk: Chunk; vector?: Float32Array }[]>();
  stored.chunks.forEach((chunk, i) => {
    if (removing.has(chunk.documentId)) return;
    const list = chunksOf.get(chunk.documentId) ?? [];
    list.push({ chunk, vector: stored.dense ? Float32Array.from(stored.dense.vector(i)) : undefined });
    chunksOf.set(chunk.documentId, list);
  });
  const lexicalOf = stored.lexical.entriesByDocument(stored.chunks);

  const added: PolicyDocument[] = [];
  for (const file of update.add) {
    if (chunksOf.has(file.meta.id) || added.some((document) => document.id === file.meta.id)) throw new Error(`document id ${file.meta.id} is already in the index`);
    const { document, chunks } = await readCorpusDocument(file);
    for (const chunk of chunks) tokenizeChunk(chunk, document, analyzer);
    lexicalOf.set(document.id, lexicalEntriesOf(document, chunks, analyzer));
    let vectors: Float32Array[] | undefined;
    if (embedding && embedder) {
      const embedded = await embedder.embedDocuments(chunks.map(chunkEmbeddingText));
      vectors = embedded.map((vector) => Float32Array.from(vector));
      if (vectors.some((vector) => vector.length !== embedding.dimensions)) throw new Error(`${embedder.modelId} gave vectors of another size than the index's ${embedding.dimensions} dimensions`);
    }
    chunksOf.set(document.id, chunks.map((chunk, i) => ({ chunk, vector: vectors?.[i] })));
    added.push(document);
  }

  const position = new Map(fileOrder.map((file, i) => [file, i]));
  const documents = [...stored.documents.filter((document) => !removing.has(document.id)), ...added].sort(
    (left, right) => (position.get(left.file) ?? Infinity) - (position.get(right.file) ?? Infinity),
  );
  // Copies and versions are a property of the whole library: linked again with the new set.
  linkDocuments(documents);
  const entries = documents.flatMap((document) => chunksOf.get(document.id) ?? []);
  const chunks = entries.map((entry) => entry.chunk);
  const vectors = embedding ? entries.map((entry) => entry.vector!) : undefined;
  const dense = vectors && embedding ? VectorIndex.build(vectors, embedding.dimensions) : undefined;
  const empty: LexicalEntries = { chunkFields: [], chunkTexts: [], documentTokens: [] };
  const lexical = LexicalIndex.build(documents.map((document) => ({ documentId: document.id, entries: lexicalOf.get(document.id) ?? empty })));

  const manifest = await saveIndex({
    directory: indexDir,
    index: {
      manifest: {
        ...stored.manifest,
        formatVersion: indexFormatVersion,
        createdAt: new Date().toISOString(),
        documents: documents.map((document) => ({ id: document.id, file: document.file, contentHash: document.contentHash, chunks: chunksOf.get(document.id)?.length ?? 0 })),
        chunkCount: chunks.length,
      },
      documents,
      chunks,
      lexical,
      vocabulary: stored.vocabulary,
      dense,
    },
  });
  return { stored: { manifest, documents, chunks, lexical, vocabulary: stored.vocabulary, dense }, added, removed };
}
