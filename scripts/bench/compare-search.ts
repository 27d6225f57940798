// `npx tsx scripts/bench/compare-search.ts --against DIR [--size 100000] [--rounds 5] [--dense | --no-dense]
// [--reuse-hnsw DIR] [--embedding-model ID --models-dir DIR]`: search latency of this checkout against another one (DIR: e.g. a `git worktree
// add` of main, with node_modules), both in this one process over the benchmark's synthetic chunks,
// questions interleaved, so that both see the same load. On a shared machine the load swings from run
// to run by more than a change saves; side by side in one process it hits both alike. First checks
// that both give the same results for every question (hybrid top 10 with scores, lexical top 50,
// chunk BM25 top 100 to the last bit), then times hybrid search (query vector given, as the benchmark's
// hybrid row) and chunk BM25 at k = 100, and prints p50 / p95 / mean wall time and CPU time per query.
// With --embedding-model (a model on this machine, e.g. Xenova/bge-small-zh-v1.5 under --models-dir
// models), the hybrid search embeds each question with it (this checkout's TransformersEmbeddings on
// its worker thread, one model for both versions) instead of being given the vector; it needs the
// model's dimensions to match the synthetic vectors' (512).
import { existsSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCorpusPieces } from './corpus-pieces.js';
import { loadQuestions } from './questions.js';
import { createRandom } from './random.js';
import { round, summarize } from './stats.js';
import { buildSyntheticChunks, tokenizeChunks } from './synthetic-chunks.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { values: args } = parseArgs({
  options: {
    against: { type: 'string' },
    size: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    dense: { type: 'boolean' },
    'no-dense': { type: 'boolean' },
    'reuse-hnsw': { type: 'string' },
    'embedding-model': { type: 'string' },
    'models-dir': { type: 'string' },
  },
});
if (!args.against || !existsSync(join(args.against, 'server/rag/policy-index.ts'))) {
  console.error('usage: npx tsx scripts/bench/compare-search.ts --against DIR (another checkout of this repository) [--size N] [--rounds N] [--no-dense] [--reuse-hnsw DIR] [--embedding-model ID --models-dir DIR]');
  process.exit(1);
}
const size = Number(args.size);
const rounds = Number(args.rounds);
// Dense search (an HNSW build over the synthetic vectors) by default up to 100k chunks.
const withDense = args['no-dense'] ? false : (args.dense ?? size <= 100_000);
const k = 10;
const dimensions = 512;
const calibrate = () => {
  const started = performance.now();
  let sum = 0;
  for (let i = 0; i < 50_000_000; i++) sum += (i % 7) * 0.5;
  return round(performance.now() - started + (sum < 0 ? 1 : 0), 0);
};
const log = (message: string) => console.error(`[compare] ${message}`);

// The benchmark's synthetic chunks and query vectors (same seeds as scripts/bench.ts).
const pieces = await loadCorpusPieces(join(repoRoot, 'corpus'));
const questions = await loadQuestions(join(repoRoot, 'evals/datasets/policy-qa.jsonl'));
const set = buildSyntheticChunks({ pieces, size, dimensions, seed: 7 });
const random = createRandom(99);
const queries = questions.map((question, i) => ({
  text: question.question,
  vector: set.queryVector(set.sectionOf(question.evidence[0]?.quote ?? '') ?? random.int(pieces.sections.length), 1000 + i),
}));
log(`tokenising ${size} chunks`);
tokenizeChunks(set.chunks);
let hnswPath: string | undefined;
if (withDense) {
  const reused = args['reuse-hnsw'] && join(args['reuse-hnsw'], `hnsw-${size}.bin`);
  if (reused && existsSync(reused)) {
    hnswPath = reused;
  } else {
    // Built into --reuse-hnsw DIR when given (for the next run), else into a directory removed at exit.
    const { VectorIndex } = await import('../../server/rag/vector-index.js');
    log('building HNSW');
    let directory = args['reuse-hnsw'];
    if (!directory) {
      const temporary = await mkdtemp(join(tmpdir(), 'compare-search-'));
      process.on('exit', () => rmSync(temporary, { recursive: true, force: true }));
      directory = temporary;
    }
    hnswPath = join(directory, `hnsw-${size}.bin`);
    await VectorIndex.build(set.vectors, dimensions).write(hnswPath);
  }
}

// A real query embedder, when asked for (both versions share it, so they wait on the same worker).
let modelEmbedder: { modelId: string; embedQuery(text: string): Promise<number[]>; dispose?(): Promise<void> } | undefined;
if (args['embedding-model'] && withDense) {
  const { TransformersEmbeddings } = await import('../../server/rag/embedder.js');
  log(`loading ${args['embedding-model']}`);
  modelEmbedder = await TransformersEmbeddings.load({ modelId: args['embedding-model'], modelsDir: args['models-dir'], allowRemoteModels: false });
  const probe = await modelEmbedder.embedQuery('预热');
  if (probe.length !== dimensions) throw new Error(`${args['embedding-model']} gives ${probe.length} dimensions, the synthetic vectors have ${dimensions}`);
}
const queryVectorOf = (vector: number[]) => (modelEmbedder ? undefined : vector);

interface Version {
  label: string;
  // Each checkout's own classes, so nothing is typed across them.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  index: any;
  hybrid: number[];
  hybridCpu: number[];
  bm25: number[];
  bm25Cpu: number[];
}
const versions: Version[] = [];
for (const [label, root] of [
  ['this checkout', repoRoot],
  [`against (${args.against})`, resolve(args.against)],
] as const) {
  const { LexicalIndex } = await import(join(root, 'server/rag/lexical-index.ts'));
  const { PolicyIndex } = await import(join(root, 'server/rag/policy-index.ts'));
  const { defaultAnalyzer } = await import(join(root, 'server/rag/analyzer.ts'));
  log(`${label}: building BM25`);
  const lexical = LexicalIndex.fromBuffer(LexicalIndex.fromChunks(set.documents, set.chunks, defaultAnalyzer()).toBuffer());
  const dense = hnswPath ? await (await import(join(root, 'server/rag/vector-index.ts'))).VectorIndex.read(hnswPath, dimensions) : undefined;
  const stored = {
    manifest: { formatVersion: 0, createdAt: '', embedding: { modelId: 'synthetic', dimensions }, documents: [], chunkCount: size, files: {} },
    documents: set.documents,
    chunks: set.chunks,
    lexical,
    dense,
  };
  const embedder = dense ? (modelEmbedder ?? { modelId: 'synthetic', embedQuery: async () => Promise.reject(new Error('query vector expected')) }) : undefined;
  versions.push({ label, index: new PolicyIndex(stored, embedder), hybrid: [], hybridCpu: [], bm25: [], bm25Cpu: [] });
}

// Same results for every question (this also warms both up).
const differences = { hybrid: 0, lexical: 0, bm25: 0 };
const listed = (hits: { chunkId: string; score: number }[]) => hits.map(({ chunkId, score }) => `${chunkId}:${score}`).join(' ');
for (const query of queries) {
  const outcomes = [];
  for (const { index } of versions) {
    const fields = index.queryFields(query.text);
    outcomes.push({
      hybrid: listed(await index.search(query.text, { k, queryVector: queryVectorOf(query.vector) })),
      lexical: listed(await index.search(query.text, { k: 50, mode: 'lexical' })),
      bm25: index.bm25.search(fields, { k: 100 }).map(({ doc, score }: { doc: number; score: number }) => `${doc}:${score}`).join(' '),
    });
  }
  for (const key of ['hybrid', 'lexical', 'bm25'] as const) if (outcomes[0][key] !== outcomes[1][key]) differences[key]++;
}

/** CPU milliseconds (user + system) since `from`. */
const cpuMs = (from: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(from);
  return (user + system) / 1000;
};
const start = { loadavg: loadavg().map((value) => round(value, 2)), calibrationMs: calibrate() };
for (let r = 0; r < rounds; r++) {
  for (const [q, query] of queries.entries()) {
    // Alternate which version goes first.
    for (const version of (r + q) % 2 === 0 ? versions : [...versions].reverse()) {
      let cpu = process.cpuUsage();
      let started = performance.now();
      await version.index.search(query.text, { k, queryVector: withDense ? queryVectorOf(query.vector) : undefined, mode: withDense ? undefined : 'lexical' });
      version.hybrid.push(performance.now() - started);
      version.hybridCpu.push(cpuMs(cpu));
      const fields = version.index.queryFields(query.text);
      cpu = process.cpuUsage();
      started = performance.now();
      version.index.bm25.search(fields, { k: 100 });
      version.bm25.push(performance.now() - started);
      version.bm25Cpu.push(cpuMs(cpu));
    }
  }
}
const end = { loadavg: loadavg().map((value) => round(value, 2)), calibrationMs: calibrate() };

const mean = (values: number[]) => round(values.reduce((sum, value) => sum + value, 0) / values.length);
const line = (values: number[]) => {
  const { p50Ms, p95Ms } = summarize(values);
  return `${p50Ms} / ${p95Ms} / ${mean(values)}`;
};
console.log(`${size} chunks, ${queries.length} questions × ${rounds} rounds, interleaved; ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}`);
console.log(`load average ${start.loadavg.join(' ')} → ${end.loadavg.join(' ')}; calibration loop ${start.calibrationMs} → ${end.calibrationMs} ms`);
console.log(`results differ on: hybrid top ${k} ${differences.hybrid}, lexical top 50 ${differences.lexical}, BM25 top 100 ${differences.bm25} of ${queries.length} questions`);
console.log(`${withDense ? (modelEmbedder ? `hybrid (query embedded by ${modelEmbedder.modelId})` : 'hybrid (query vector given)') : 'hybrid, dense off'}: p50 / p95 / mean ms, wall and CPU; chunk BM25 k = 100 the same`);
for (const version of versions) {
  console.log(`  ${version.label}: ${line(version.hybrid)} (CPU ${line(version.hybridCpu)}); BM25 ${line(version.bm25)} (CPU ${line(version.bm25Cpu)})`);
}
if (modelEmbedder) {
  // CPU time above includes the embedding worker's.
  await modelEmbedder.dispose?.();
  process.exit(0);
}
