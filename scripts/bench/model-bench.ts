// The real embedding model's cost (`npm run bench -- --model`): embedding throughput by batch size and ONNX
// threads, query-embedding latency, ingest of the seeds and the regulations with the model (chunks/s, peak
// RSS, index size), queries answered while a re-index embeds in the same process, and the 100k synthetic
// set extrapolated from a measured sample.
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { chunkEmbeddingText, ingestCorpus, type IngestReport } from '../../server/ingest/ingest-corpus.js';
import { TransformersEmbeddings } from '../../server/rag/embedder.js';
import { loadIndex } from '../../server/rag/index-store.js';
import { PolicyIndex } from '../../server/rag/policy-index.js';
import type { CorpusPieces } from './corpus-pieces.js';
import { formatNumber as num, formatTable } from './print-table.js';
import type { BenchQuestion } from './questions.js';
import { round, sampleLatencies, summarize, timed, type LatencySummary } from './stats.js';
import { buildSyntheticChunks } from './synthetic-chunks.js';

export interface ModelBenchOptions {
  modelId: string;
  modelsDir: string;
  work: string;
  seedCorpusDir: string;
  /** The 712 regulations (skipped when absent). */
  regulationsDir?: string;
  pieces: CorpusPieces;
  questions: BenchQuestion[];
  /** Batch sizes and thread counts to sweep. */
  batchSizes: number[];
  threadCounts: number[];
  /** Synthetic chunks to embed as the sample the 100k figure is extrapolated from. */
  syntheticSample: number;
  /** Regulation files in the corpus re-indexed while queries are measured. */
  reindexDocuments: number;
  log: (message: string) => void;
}

interface SettingRun {
  batchSize: number;
  threads: number | 'default';
  chunks: number;
  chunksPerSecond: number;
  longestCallMs: number;
  peakRssMb: number;
}

interface IngestRun {
  label: string;
  documents: number;
  chunks: number;
  wallS: number;
  embedS: number;
  embedChunksPerSecond: number;
  peakRssMb: number;
  indexMb: number;
  vectorsMb: number;
}

export interface ModelBenchReport {
  modelId: string;
  quantized: boolean;
  defaults: { batchSize: number; threads: string };
  sweep: SettingRun[];
  queryEmbedding: LatencySummary;
  hybridWithEmbedding: LatencySummary;
  hybridLexicalOnly: LatencySummary;
  ingest: IngestRun[];
  duringReindex?: { queries: number; latency: LatencySummary; eventLoopDelayP99Ms: number; reindexChunks: number; reindexEmbedS: number; reindexChunksPerSecond: number };
  synthetic: { sampleChunks: number; meanChars: number; chunksPerSecond: number; extrapolated100kHours: number };
}

/** Samples the process's resident memory (the embedding worker included) every 20 ms; `stop` returns the peak. */
function trackPeakRss(): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  return {
    stop: () => {
      clearInterval(timer);
      return round(Math.max(peak, process.memoryUsage.rss()) / 1e6, 0);
    },
  };
}

async function folderMb(directory: string, only?: (name: string) => boolean): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(directory)) if (!only || only(name)) bytes += (await stat(join(directory, name))).size;
  return round(bytes / 1e6, 1);
}

export async function runModelBench(options: ModelBenchOptions): Promise<ModelBenchReport> {
  const { modelId, modelsDir, work, seedCorpusDir, regulationsDir, pieces, questions, log } = options;
  const load = (settings: { batchSize?: number; threads?: number } = {}) => TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false, ...settings });

  // Seed chunks as the sweep's texts (the lexical index gives them with their heading paths).
  const seedIndexDir = join(work, 'model-seed-lexical');
  await ingestCorpus({ corpusDir: seedCorpusDir, indexDir: seedIndexDir, embeddingModel: null });
  const seedTexts = (await loadIndex({ directory: seedIndexDir })).chunks.map(chunkEmbeddingText);

  const sweep: SettingRun[] = [];
  for (const threads of options.threadCounts) {
    for (const batchSize of options.batchSizes) {
      log(`model: ${seedTexts.length} seed chunks, batch ${batchSize}, ${threads === 0 ? 'default' : threads} ONNX thread(s)`);
      const embedder = await load({ batchSize, threads: threads === 0 ? undefined : threads });
      await embedder.embedDocuments(seedTexts.slice(0, 16));
      const memory = trackPeakRss();
      let longestCallMs = 0;
      let last = performance.now();
      const { ms } = await timed(() =>
        embedder.embedDocuments(seedTexts, () => {
          const now = performance.now();
          longestCallMs = Math.max(longestCallMs, now - last);
          last = now;
        }),
      );
      sweep.push({ batchSize, threads: threads === 0 ? 'default' : threads, chunks: seedTexts.length, chunksPerSecond: round(seedTexts.length / (ms / 1000), 1), longestCallMs: round(longestCallMs, 0), peakRssMb: memory.stop() });
      await embedder.dispose();
    }
  }

  log('model: ingest of the seeds with the model (product defaults)');
  const ingest: IngestRun[] = [];
  const seedDenseDir = join(work, 'model-seed-dense');
  ingest.push(await measureIngest({ label: 'seed corpus (5 documents)', corpusDir: seedCorpusDir, indexDir: seedDenseDir, modelId, modelsDir }));

  log('model: query embedding and hybrid search latency, idle');
  // Loaded as the server loads it: documents of a re-index are embedded in a process of their own.
  const served = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false, documentProcess: true });
  const index = new PolicyIndex(await loadIndex({ directory: seedDenseDir }), served);
  const texts = questions.map((question) => question.question);
  const queryEmbedding = summarize(await sampleLatencies({ inputs: texts, rounds: 2, work: (text) => served.embedQuery(text) }));
  const hybridWithEmbedding = summarize(await sampleLatencies({ inputs: texts, rounds: 2, work: (text) => index.search(text, { k: 10 }) }));
  const hybridLexicalOnly = summarize(await sampleLatencies({ inputs: texts, rounds: 2, work: (text) => index.search(text, { k: 10, mode: 'lexical' }) }));

  let duringReindex: ModelBenchReport['duringReindex'];
  if (regulationsDir) {
    const subset = join(work, 'model-reindex-corpus');
    await mkdir(subset, { recursive: true });
    const files = (await readdir(regulationsDir)).filter((name) => name.endsWith('.md')).sort().slice(0, options.reindexDocuments);
    for (const file of files) await cp(join(regulationsDir, file), join(subset, file));
    log(`model: queries while ${files.length} regulations are re-indexed in this process (the served embedder shared, as POST /api/admin/reindex does)`);
    const samples: number[] = [];
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let embedding = false;
    let finished = false;
    const querying = (async () => {
      for (let turn = 0; !finished; turn++) {
        if (!embedding) {
          await new Promise((resolveWait) => setTimeout(resolveWait, 20));
          continue;
        }
        const started = performance.now();
        await index.search(texts[turn % texts.length], { k: 10 });
        samples.push(performance.now() - started);
        await new Promise((resolveWait) => setTimeout(resolveWait, 10));
      }
    })();
    delay.enable();
    let report: IngestReport;
    try {
      report = await ingestCorpus({
        corpusDir: subset,
        indexDir: join(work, 'model-reindex-index'),
        embeddingModel: modelId,
        modelsDir,
        allowRemoteModels: false,
        embedder: served,
        onProgress: ({ stage, done, total }) => (embedding = stage === 'embed' && done < total),
      });
    } finally {
      finished = true;
      await querying;
      delay.disable();
    }
    duringReindex = {
      queries: samples.length,
      latency: summarize(samples),
      eventLoopDelayP99Ms: round(delay.percentile(99) / 1e6, 1),
      reindexChunks: report.embeddedChunks,
      reindexEmbedS: round(report.timings.embed / 1000, 1),
      reindexChunksPerSecond: round(report.embeddedChunks / (report.timings.embed / 1000), 1),
    };
    await rm(join(work, 'model-reindex-index'), { recursive: true, force: true });
  }
  await served.dispose();

  if (regulationsDir) {
    log('model: ingest of the 712 regulations with the model (product defaults; takes minutes)');
    ingest.push(await measureIngest({ label: 'regulations (712 documents)', corpusDir: regulationsDir, indexDir: join(work, 'model-regulations'), modelId, modelsDir }));
    await rm(join(work, 'model-regulations'), { recursive: true, force: true });
  }

  log(`model: ${options.syntheticSample} synthetic chunks (the 100k set's texts) as a sample`);
  const synthetic = buildSyntheticChunks({ pieces, size: options.syntheticSample, dimensions: 8, seed: 7 }).chunks.map(chunkEmbeddingText);
  const embedder = await load();
  const { ms } = await timed(() => embedder.embedDocuments(synthetic));
  await embedder.dispose();
  const syntheticRate = synthetic.length / (ms / 1000);

  const defaultEmbedder = await load();
  const defaults = { batchSize: defaultEmbedder.batchSize, threads: 'onnxruntime default (one per core)' };
  await defaultEmbedder.dispose();
  return {
    modelId,
    quantized: true,
    defaults,
    sweep,
    queryEmbedding,
    hybridWithEmbedding,
    hybridLexicalOnly,
    ingest,
    duringReindex,
    synthetic: {
      sampleChunks: synthetic.length,
      meanChars: round(synthetic.reduce((sum, text) => sum + text.length, 0) / synthetic.length, 0),
      chunksPerSecond: round(syntheticRate, 1),
      extrapolated100kHours: round(100_000 / syntheticRate / 3600, 2),
    },
  };
}

async function measureIngest({ label, corpusDir, indexDir, modelId, modelsDir }: { label: string; corpusDir: string; indexDir: string; modelId: string; modelsDir: string }): Promise<IngestRun> {
  await rm(indexDir, { recursive: true, force: true });
  const memory = trackPeakRss();
  const { ms, value: report } = await timed(() => ingestCorpus({ corpusDir, indexDir, embeddingModel: modelId, modelsDir, allowRemoteModels: false }));
  const peakRssMb = memory.stop();
  if (!report.dense) throw new Error(`the model did not load for ${label}: ${report.denseOffReason}`);
  return {
    label,
    documents: report.documents,
    chunks: report.chunks,
    wallS: round(ms / 1000, 1),
    embedS: round(report.timings.embed / 1000, 1),
    embedChunksPerSecond: round(report.embeddedChunks / (report.timings.embed / 1000), 1),
    peakRssMb,
    indexMb: await folderMb(indexDir),
    vectorsMb: await folderMb(indexDir, (name) => name.startsWith('vectors')),
  };
}

/** The report as printed tables. */
export function formatModelBench(report: ModelBenchReport): string[] {
  const ms = (summary: LatencySummary) => `${num(summary.p50Ms, 1)} / ${num(summary.p95Ms, 1)} / ${num(summary.maxMs, 1)}`;
  const tables = [
    formatTable(
      `${report.modelId} (quantized ONNX) embedding the 127 seed chunks: batch size × ONNX threads (one pass each after a warm-up; "longest call" is what a query may wait behind)`,
      ['batch', 'threads', 'chunks/s', 'longest call ms', 'peak RSS MB'],
      report.sweep.map((run) => [run.batchSize, run.threads, num(run.chunksPerSecond, 1), num(run.longestCallMs, 0), num(run.peakRssMb, 0)]),
    ),
    formatTable(
      `Ingest with the model (product defaults: batch ${report.defaults.batchSize}, ${report.defaults.threads})`,
      ['corpus', 'docs', 'chunks', 'wall s', 'embed s', 'embed chunks/s', 'peak RSS MB', 'index MB', 'of which vectors MB'],
      report.ingest.map((run) => [run.label, run.documents, num(run.chunks, 0), num(run.wallS, 1), num(run.embedS, 1), num(run.embedChunksPerSecond, 1), num(run.peakRssMb, 0), num(run.indexMb, 1), num(run.vectorsMb, 1)]),
    ),
    formatTable(
      'Query latency on the seed index, one at a time, idle (ms p50 / p95 / max)',
      ['what', 'latency'],
      [
        ['query embedding (bge instruction + question)', ms(report.queryEmbedding)],
        ['hybrid search k=10 with query embedding', ms(report.hybridWithEmbedding)],
        ['lexical search k=10 (no embedding)', ms(report.hybridLexicalOnly)],
      ],
    ),
  ];
  if (report.duringReindex) {
    const during = report.duringReindex;
    tables.push(
      formatTable(
        'Hybrid search with query embedding while a re-index embeds in the same process (target p95 ≤ 50 ms)',
        ['queries', 'p50 / p95 / max ms', 'event-loop delay p99 ms', 're-index chunks', 're-index embed s', 're-index chunks/s'],
        [[during.queries, ms(during.latency), num(during.eventLoopDelayP99Ms, 1), during.reindexChunks, num(during.reindexEmbedS, 1), num(during.reindexChunksPerSecond, 1)]],
      ),
    );
  }
  tables.push(
    formatTable(
      '100k synthetic chunks: EXTRAPOLATED from a measured sample (embedding time only; the index size at 100k with 512-d vectors is in the main bench)',
      ['sample chunks', 'mean chars', 'chunks/s', 'extrapolated embed time for 100k'],
      [[report.synthetic.sampleChunks, report.synthetic.meanChars, num(report.synthetic.chunksPerSecond, 1), `${num(report.synthetic.extrapolated100kHours, 2)} h (extrapolated)`]],
    ),
  );
  return tables;
}
