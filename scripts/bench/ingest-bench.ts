// Ingestion throughput: ingestCorpus end to end on a folder, with its per-stage timings.
import { rm } from 'node:fs/promises';
import { ingestCorpus } from '../../server/ingest/ingest-corpus.js';
import { loadIndex } from '../../server/rag/index-store.js';
import { PolicyIndex } from '../../server/rag/policy-index.js';
import { round, timed } from './stats.js';

export interface IngestBenchReport {
  label: string;
  documents: number;
  chunks: number;
  chars: number;
  embeddingModel: string | null;
  wallMs: number;
  /** ingestCorpus's own stage timings (ms); "index" is the HNSW build, "write" saveIndex. */
  stagesMs: Record<string, number>;
  /** Wall time outside the timed stages: listing, hashing, progress, manifest bookkeeping. */
  otherMs: number;
  docsPerSecond: number;
  chunksPerSecond: number;
  charsPerSecond: number;
  /** What a server start then pays: loadIndex (read + verify checksums) and the in-memory BM25 build. */
  loadIndexMs: number;
  policyIndexMs: number;
  failures: number;
  /** Ingesting the same folder again (every document unchanged, so reused). */
  reingest?: { wallMs: number; reusedDocuments: number; stagesMs: Record<string, number> };
  /**
   * Counting chunks per document for the manifest the way ingestCorpus once did (a filter over all
   * chunks per document: O(documents × chunks)) and in one pass, as it does now.
   */
  chunkCountingMs: { perDocumentFilter: number; onePass: number };
}

/** Ingests `corpusDir` into a fresh `indexDir` and times it. */
export async function benchIngest({
  label,
  corpusDir,
  indexDir,
  embedding,
  reingest = false,
}: {
  label: string;
  corpusDir: string;
  indexDir: string;
  embedding?: { modelId: string; modelsDir: string };
  reingest?: boolean;
}): Promise<IngestBenchReport> {
  await rm(indexDir, { recursive: true, force: true });
  const { ms: wallMs, value: report } = await timed(() =>
    ingestCorpus({ corpusDir, indexDir, embeddingModel: embedding?.modelId ?? null, modelsDir: embedding?.modelsDir, allowRemoteModels: false }),
  );
  const { ms: loadIndexMs, value: stored } = await timed(() => loadIndex({ directory: indexDir }));
  const { ms: policyIndexMs } = await timed(() => new PolicyIndex(stored));
  const { ms: perDocumentFilter } = await timed(() => stored.documents.map((document) => stored.chunks.filter((chunk) => chunk.documentId === document.id).length));
  const { ms: onePass } = await timed(() => {
    const counts = new Map<string, number>();
    for (const chunk of stored.chunks) counts.set(chunk.documentId, (counts.get(chunk.documentId) ?? 0) + 1);
    return stored.documents.map((document) => counts.get(document.id) ?? 0);
  });
  let again: IngestBenchReport['reingest'];
  if (reingest) {
    const { ms, value } = await timed(() => ingestCorpus({ corpusDir, indexDir, embeddingModel: embedding?.modelId ?? null, modelsDir: embedding?.modelsDir, allowRemoteModels: false }));
    again = { wallMs: ms, reusedDocuments: value.reusedDocuments, stagesMs: Object.fromEntries(Object.entries(value.timings).map(([stage, stageMs]) => [stage, round(stageMs, 1)])) };
  }
  const chars = stored.documents.reduce((sum, document) => sum + document.text.length, 0);
  const stagesMs = Object.fromEntries(Object.entries(report.timings).map(([stage, ms]) => [stage, round(ms, 1)]));
  const staged = Object.values(report.timings).reduce((sum, ms) => sum + ms, 0);
  const seconds = wallMs / 1000;
  return {
    label,
    documents: report.documents,
    chunks: report.chunks,
    chars,
    embeddingModel: report.dense ? (report.manifest.embedding?.modelId ?? null) : null,
    wallMs,
    stagesMs,
    otherMs: round(wallMs - staged, 1),
    docsPerSecond: round(report.documents / seconds, 1),
    chunksPerSecond: round(report.chunks / seconds, 0),
    charsPerSecond: round(chars / seconds, 0),
    loadIndexMs,
    policyIndexMs,
    failures: report.failures.length,
    reingest: again,
    chunkCountingMs: { perDocumentFilter, onePass },
  };
}
