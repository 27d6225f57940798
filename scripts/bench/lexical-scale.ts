// A lexical index of a million synthetic clauses (or any size): build (tokenise + BM25, streamed one
// document at a time so token lists never all sit in memory), size on disk, opening it in-process,
// search latency (hybrid search with dense off = the lexical path), and a server started on it: cold
// start to first answer and RSS. The dense side at this size is extrapolated, not built.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { indexFormatVersion, loadIndex, saveIndex } from '../../server/rag/index-store.js';
import { LexicalIndex, lexicalEntriesOf } from '../../server/rag/lexical-index.js';
import { lexicalDepth, PolicyIndex } from '../../server/rag/policy-index.js';
import { defaultAnalyzer } from '../../server/rag/analyzer.js';
import type { IndexedChunk } from '../../server/rag/types.js';
import type { CorpusPieces } from './corpus-pieces.js';
import { memoryOf, sequentialLatency, startServerProcess } from './server-bench.js';
import { round, sampleLatencies, summarize, timed, type LatencySummary } from './stats.js';
import { buildSyntheticChunks } from './synthetic-chunks.js';

export interface LexicalScaleReport {
  chunks: number;
  documents: number;
  composeMs: number;
  /** Tokenising every chunk (jieba) and building both BM25 indexes, streamed. */
  tokenizeAndBuildMs: number;
  saveMs: number;
  bytes: Record<string, number>;
  totalMb: number;
  loadIndexMs: number;
  policyIndexMs: number;
  /** RSS of the bench process with the index open (the synthetic set was dropped before opening). */
  rssOpenMb: number;
  latency: { hybridLexical: LatencySummary; bm25Deep: LatencySummary };
  server?: { listeningMs: number; firstAnswerMs: number; rssMb: number; peakRssMb: number; search: LatencySummary; chat: LatencySummary };
}

export async function benchLexicalScale({
  pieces,
  size,
  questions,
  directory,
  log,
}: {
  pieces: CorpusPieces;
  size: number;
  questions: { question: string }[];
  directory: string;
  log: (message: string) => void;
}): Promise<LexicalScaleReport> {
  log(`scale: composing ${size} synthetic chunks`);
  const { ms: composeMs, value: set } = await timed(() => buildSyntheticChunks({ pieces, size, dimensions: 2, seed: 7 }));
  const { documents, chunks } = set;
  log(`scale: tokenising and building BM25 over ${size} chunks (streamed per document)`);
  const byDocument = new Map<string, IndexedChunk[]>();
  for (const chunk of chunks) {
    const list = byDocument.get(chunk.documentId);
    if (list) list.push(chunk);
    else byDocument.set(chunk.documentId, [chunk]);
  }
  const analyzer = defaultAnalyzer();
  const { ms: tokenizeAndBuildMs, value: lexical } = await timed(() =>
    LexicalIndex.build(
      (function* () {
        let done = 0;
        for (const document of documents) {
          const own = byDocument.get(document.id) ?? [];
          const indexed = own.map((chunk) => ({ ...chunk, tokens: analyzer.tokenize(chunk.text) }));
          yield { documentId: document.id, entries: lexicalEntriesOf(document, indexed, analyzer) };
          done += own.length;
          if (done % 100_000 < own.length) log(`scale: ${done} chunks tokenised`);
        }
      })(),
    ),
  );
  byDocument.clear();
  log('scale: saving');
  await rm(directory, { recursive: true, force: true });
  await mkdir(join(directory, '..'), { recursive: true });
  const { ms: saveMs } = await timed(() =>
    saveIndex({
      directory,
      index: {
        manifest: {
          formatVersion: indexFormatVersion,
          createdAt: new Date().toISOString(),
          embedding: null,
          documents: documents.map((document) => ({ id: document.id, file: document.file, contentHash: document.contentHash, chunks: 0 })),
          chunkCount: chunks.length,
        },
        documents,
        chunks,
        lexical,
      },
    }),
  );
  const bytes: Record<string, number> = {};
  for (const file of await readdir(directory)) bytes[file] = (await stat(join(directory, file))).size;
  const documentCount = documents.length;
  // Let the synthetic set go before opening, as a fresh process would start.
  set.chunks.length = 0;
  set.documents.length = 0;
  set.vectors.length = 0;
  globalThis.gc?.();

  log('scale: opening the index in-process');
  const { ms: loadIndexMs, value: stored } = await timed(() => loadIndex({ directory }));
  const { ms: policyIndexMs, value: index } = await timed(() => new PolicyIndex(stored));
  globalThis.gc?.();
  const rssOpenMb = round(process.memoryUsage().rss / 1e6, 0);
  log('scale: search latency');
  const hybridLexical = summarize(await sampleLatencies({ inputs: questions, rounds: 2, work: (question) => index.search(question.question, { k: 10 }) }));
  const fields = questions.map((question) => index.queryFields(question.question));
  const bm25Deep = summarize(await sampleLatencies({ inputs: fields, rounds: 2, work: (query) => index.bm25.search(query, { k: 50 * lexicalDepth.poolMultiple }) }));

  log('scale: server cold start on the index');
  let server: LexicalScaleReport['server'];
  try {
    const started = await startServerProcess({ env: { INDEX_DIR: directory, CORPUS_DIR: join(directory, 'no-corpus'), EMBEDDING_MODEL: 'none' }, question: questions[0].question, timeoutMs: 600_000 });
    const memory = memoryOf(started.pid);
    const search = await sequentialLatency({ url: started.url, path: '/api/search', bodies: questions.map((question) => ({ query: question.question, k: 8 })), rounds: 1 });
    const chat = await sequentialLatency({ url: started.url, path: '/api/chat', bodies: questions.map((question) => ({ messages: [{ role: 'user', content: question.question }] })), rounds: 1 });
    const peak = memoryOf(started.pid);
    await started.stop();
    server = { listeningMs: started.listeningMs, firstAnswerMs: started.firstAnswerMs, rssMb: memory.rssMb, peakRssMb: peak.peakRssMb, search: search.clientLatency, chat: chat.clientLatency };
  } catch (error) {
    log(`scale: server run failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    chunks: size,
    documents: documentCount,
    composeMs: round(composeMs, 0),
    tokenizeAndBuildMs: round(tokenizeAndBuildMs, 0),
    saveMs: round(saveMs, 0),
    bytes,
    totalMb: round(Object.values(bytes).reduce((sum, value) => sum + value, 0) / 1e6, 1),
    loadIndexMs: round(loadIndexMs, 0),
    policyIndexMs: round(policyIndexMs, 0),
    rssOpenMb,
    latency: { hybridLexical, bm25Deep },
    server,
  };
}
