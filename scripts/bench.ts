// `npm run bench [-- --quick | --hnsw-sweep]`: ingestion throughput, search latency and recall at 1k/10k/100k chunks,
// peers (MiniSearch, LangChain's MemoryVectorStore), index size, cold start and HTTP throughput.
// Prints tables and writes evals/reports/bench-<timestamp>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { indexFormatVersion, loadIndex, saveIndex } from '../server/rag/index-store.js';
import { config } from '../server/config.js';
import { TransformersEmbeddings } from '../server/rag/embedder.js';
import { defaultAnalyzer } from '../server/rag/analyzer.js';
import { LexicalIndex } from '../server/rag/lexical-index.js';
import { lexicalDepth, PolicyIndex } from '../server/rag/policy-index.js';
import { hnswDefaults, VectorIndex } from '../server/rag/vector-index.js';
import { loadCorpusPieces } from './bench/corpus-pieces.js';
import { startHnswBuilds } from './bench/hnsw-builds.js';
import { benchIngest, type IngestBenchReport } from './bench/ingest-bench.js';
import { formatNumber as num, formatTable } from './bench/print-table.js';
import { profileWork, type ProfileRow } from './bench/profile-summary.js';
import { formatModelBench, runModelBench } from './bench/model-bench.js';
import { loadQuestions } from './bench/questions.js';
import { createRandom } from './bench/random.js';
import { benchLexicalScale, type LexicalScaleReport } from './bench/lexical-scale.js';
import { benchSearchAtSize, type SearchQuery, type SearchSizeReport } from './bench/search-bench.js';
import { loadTest, memoryOf, sequentialLatency, startServerProcess, type LoadReport, type SequentialReport } from './bench/server-bench.js';
import { round, timed } from './bench/stats.js';
import { buildSyntheticChunks, tokenizeChunks } from './bench/synthetic-chunks.js';
import { writeSyntheticCorpus } from './bench/synthetic-corpus.js';
import { flatten } from './bench/vectors.js';
import { TINY_MODEL_ID, writeTinyModel } from './make-tiny-model.js';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    dimensions: { type: 'string', default: '512' },
    duration: { type: 'string' },
    'skip-ingest': { type: 'boolean', default: false },
    'skip-search': { type: 'boolean', default: false },
    'skip-server': { type: 'boolean', default: false },
    'hnsw-sweep': { type: 'boolean', default: false },
    model: { type: 'boolean', default: false },
    'skip-peers': { type: 'string' },
    scale: { type: 'string' },
    'reuse-hnsw': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log(`usage: npm run bench -- [--quick] [--sizes 1000,10000,100000] [--dimensions 512] [--duration SECONDS]
                       [--skip-ingest] [--skip-search] [--skip-server] [--hnsw-sweep] [--out FILE]
  --quick       sizes 1k and 10k, 200 synthetic documents, 3 s load tests (for iterating)
  --hnsw-sweep  also build the largest size with cheaper HNSW parameters (adds minutes) and compare
  --model       only the real embedding model's cost (needs npm run models -- fetch; with --quick: no regulations)
  --skip-peers  comma-separated peers to leave out (MiniSearch 7, FlexSearch 0.8, Orama 3, LanceDB,
                LanceDB vector)
  --reuse-hnsw DIR  take hnsw-<size>.bin from DIR (the same synthetic vectors, default parameters) instead
                of building it (for iterating; the build time is then not measured)
  --scale N     also build a lexical index of N synthetic chunks (e.g. 1000000): size, open time,
                search latency, server cold start and RSS; dense at that size is extrapolated
                (npm run bench -- --scale 1000000 --skip-ingest --skip-search --skip-server runs it alone)`);
  process.exit(0);
}

// The 100k run holds the product index and both peers at once: give this process room (and gc()).
if (!process.env.BENCH_CHILD && (getHeapStatistics().heap_size_limit < 7e9 || typeof globalThis.gc !== 'function')) {
  const child = spawnSync(process.execPath, ['--max-old-space-size=8192', '--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_CHILD: '1' },
  });
  process.exit(child.status ?? 1);
}

const quick = args.quick;
const sizes = (args.sizes ?? (quick ? '1000,10000' : '1000,10000,100000')).split(',').map(Number).filter((size) => size > 0).sort((a, b) => a - b);
const dimensions = Number(args.dimensions);
const loadSeconds = Number(args.duration ?? (quick ? 3 : 10));
const syntheticDocuments = quick ? 200 : 1000;
const began = performance.now();
/** Milliseconds for a fixed scalar loop: with the load average, shows how contended the CPU was. */
const calibrate = () => {
  const started = performance.now();
  let sum = 0;
  for (let i = 0; i < 50_000_000; i++) sum += (i % 7) * 0.5;
  return round(performance.now() - started + (sum < 0 ? 1 : 0), 0);
};
const contention = { start: { loadavg: loadavg().map((value) => round(value, 2)), calibrationMs: calibrate() }, end: { loadavg: [] as number[], calibrationMs: 0 } };
const log = (message: string) => console.error(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(4)}s] ${message}`);

const work = await mkdtemp(join(tmpdir(), 'policy-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
const corpusDir = join(repoRoot, 'corpus');
const pieces = await loadCorpusPieces(corpusDir);
const questions = await loadQuestions(join(repoRoot, 'evals/datasets/policy-qa.jsonl'));

if (args.model) {
  // The real model's cost alone: a section of its own, minutes long (the regulations' ingest dominates).
  const modelId = config().EMBEDDING_MODEL || 'Xenova/bge-small-zh-v1.5';
  const realModelsDir = resolve(repoRoot, config().MODELS_DIR);
  if (!existsSync(join(realModelsDir, modelId, 'config.json'))) {
    console.error(`no ${modelId} in ${realModelsDir}: run npm run models -- fetch first`);
    process.exit(1);
  }
  const regulationsDir = join(repoRoot, 'evals/corpora/regulations');
  const report = await runModelBench({
    modelId,
    modelsDir: realModelsDir,
    work,
    seedCorpusDir: corpusDir,
    regulationsDir: !quick && existsSync(regulationsDir) ? regulationsDir : undefined,
    pieces,
    questions,
    batchSizes: quick ? [1, 8] : [1, 4, 16],
    threadCounts: quick ? [0] : [1, 2],
    syntheticSample: quick ? 200 : 1000,
    reindexDocuments: 60,
    log,
  });
  contention.end = { loadavg: loadavg().map((value) => round(value, 2)), calibrationMs: calibrate() };
  const totalSeconds = round((performance.now() - began) / 1000, 0);
  const cpu = cpus();
  console.log(
    [
      `policy-cite model bench — ${new Date().toISOString()} — ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, node ${process.version}${quick ? ' — QUICK' : ''}`,
      `CPU contention: load average ${contention.start.loadavg.join(' ')} at start, ${contention.end.loadavg.join(' ')} at end; calibration loop ${contention.start.calibrationMs} ms → ${contention.end.calibrationMs} ms`,
      ...formatModelBench(report),
    ].join('\n'),
  );
  const outFile = args.out ? resolve(args.out) : join(repoRoot, 'evals/reports', `bench-model-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(resolve(outFile, '..'), { recursive: true });
  await writeFile(outFile, `${JSON.stringify({ totalSeconds, machine: { contention, cpus: cpu.length, cpuModel: cpu[0]?.model, node: process.version }, ...report }, null, 2)}\n`);
  console.log(`\nwrote ${outFile.replace(`${repoRoot}/`, '')} (${totalSeconds} s)`);
  await rm(work, { recursive: true, force: true });
  process.exit(0);
}

const modelsDir = join(work, 'models');
await writeTinyModel({ directory: modelsDir, dimensions });
const tiny = { modelId: TINY_MODEL_ID, modelsDir };

// 1. Ingestion
const ingest: IngestBenchReport[] = [];
let issue2: (IngestBenchReport & { targetMs: number; met: boolean }) | undefined;
if (!args['skip-ingest']) {
  log('ingest: corpus');
  ingest.push(await benchIngest({ label: 'corpus (lexical)', corpusDir, indexDir: join(work, 'index-corpus') }));
  ingest.push(await benchIngest({ label: 'corpus + tiny fixture embedder', corpusDir, indexDir: join(work, 'index-corpus-tiny'), embedding: tiny }));
  log(`ingest: ${syntheticDocuments} synthetic documents`);
  const syntheticDir = join(work, 'synthetic-corpus');
  await writeSyntheticCorpus({ pieces, directory: syntheticDir, count: syntheticDocuments, chars: 3000, spread: 2000, seed: 11 });
  ingest.push(await benchIngest({ label: `synthetic ${syntheticDocuments} docs (lexical)`, corpusDir: syntheticDir, indexDir: join(work, 'index-synthetic'), reingest: true }));
  await rm(join(work, 'index-synthetic'), { recursive: true, force: true });
  log('ingest: issue-2 set, 600 documents of ~1,500 characters');
  const issue2Dir = join(work, 'issue2-corpus');
  await writeSyntheticCorpus({ pieces, directory: issue2Dir, count: 600, chars: 1500, spread: 150, seed: 600 });
  const report = await benchIngest({ label: '600 × ~1,500 chars (lexical)', corpusDir: issue2Dir, indexDir: join(work, 'index-issue2') });
  issue2 = { ...report, targetMs: 120_000, met: report.wallMs < 120_000 };
  ingest.push(report);
  await rm(join(work, 'index-issue2'), { recursive: true, force: true });
}

// 2–4. Search scaling, HNSW recall, peers, index size
const search: (SearchSizeReport & { alongsideBuild: boolean })[] = [];
const disk: { chunks: number; bytes: Record<string, number>; totalMb: number; saveMs: number; loadIndexMs: number; openMs: number; lexicalBuildMs: number; loadProfile?: ProfileRow[] }[] = [];
let largestIndexDir: string | undefined;
const largest = sizes[sizes.length - 1];
if (!args['skip-search'] && sizes.length > 0) {
  log(`synthetic chunks: composing ${num(largest, 0)} (${dimensions}-dimensional clustered vectors)`);
  const set = buildSyntheticChunks({ pieces, size: largest, dimensions, seed: 7 });
  const flat = flatten(set.vectors, dimensions);
  const hnswParameters = { m: hnswDefaults.m, efConstruction: hnswDefaults.efConstruction };
  log(`HNSW builds start in a worker (m ${hnswParameters.m}, efConstruction ${hnswParameters.efConstruction}); tokenising meanwhile`);
  const alternativeParameters = args['hnsw-sweep'] ? [{ m: 16, efConstruction: 200 }, { m: 16, efConstruction: 64 }, { m: 12, efConstruction: 100 }] : [];
  const reused = (size: number) => (args['reuse-hnsw'] && existsSync(join(args['reuse-hnsw'], `hnsw-${size}.bin`)) ? join(args['reuse-hnsw'], `hnsw-${size}.bin`) : undefined);
  const jobs = sizes.filter((size) => !reused(size)).flatMap((size) => [
    ...(size === largest ? alternativeParameters.map((parameters) => ({ size, path: join(work, `hnsw-${size}-m${parameters.m}-ef${parameters.efConstruction}.bin`), parameters })) : []),
    { size, path: join(work, `hnsw-${size}.bin`), parameters: hnswParameters },
  ]);
  const builds = startHnswBuilds({ flat, dimensions, jobs });
  const { ms: tokenizeMs } = await timed(() => tokenizeChunks(set.chunks));
  log(`tokenised ${num(largest, 0)} chunks in ${num(tokenizeMs / 1000)} s`);
  let buildsRunning = true;
  void builds.finished.then(() => (buildsRunning = false));

  const random = createRandom(99);
  const queries: SearchQuery[] = questions.map((question, i) => ({
    text: question.question,
    vector: set.queryVector(set.sectionOf(question.evidence[0]?.quote ?? '') ?? random.int(pieces.sections.length), 1000 + i),
  }));
  const queryEmbedder = await TransformersEmbeddings.load({ modelId: tiny.modelId, modelsDir, allowRemoteModels: false });

  for (const size of sizes) {
    const reusedPath = reused(size);
    const built = reusedPath ? { path: reusedPath, buildMs: Number.NaN } : await builds.done(size, hnswParameters);
    const alternatives = [];
    if (size === largest) {
      for (const parameters of alternativeParameters) {
        const alternative = await builds.done(size, parameters);
        alternatives.push({ parameters, buildMs: alternative.buildMs, index: await VectorIndex.read(alternative.path, dimensions) });
      }
    }
    // Smaller sizes are measured while the worker still builds the larger indexes on the other core.
    const alongsideBuild = buildsRunning && size !== largest;
    log(`search at ${num(size, 0)} chunks (HNSW built in ${num(built.buildMs / 1000)} s)${alongsideBuild ? ', while the larger HNSW builds run' : ''}`);
    const { ms: hnswReadMs, value: vectorIndex } = await timed(() => VectorIndex.read(built.path, dimensions));
    const chunks = set.chunks.slice(0, size);
    const documentIds = new Set(chunks.map((chunk) => chunk.documentId));
    const documents = set.documents.filter((document) => documentIds.has(document.id));
    const vectors = set.vectors.slice(0, size);
    log(`BM25 at ${num(size, 0)} chunks: building (as ingest does)`);
    const { ms: lexicalBuildMs, value: lexical } = await timed(() => LexicalIndex.fromChunks(documents, chunks, defaultAnalyzer()));
    const measured = await benchSearchAtSize({
        lexical,
        lexicalBuildMs,
        hnswLibPath: size === largest ? built.path : undefined,
        skipPeers: args['skip-peers'] ? args['skip-peers'].split(',') : [],
        documents,
        chunks,
        vectors,
        flat: flat.subarray(0, size * dimensions),
        dimensions,
        vectorIndex,
        hnswBuildMs: built.buildMs,
        hnswReadMs,
        hnswParameters,
        queries,
        queryEmbedder,
        rounds: size >= 100_000 ? 2 : 3,
        peerQueryCount: size >= 100_000 ? 40 : size >= 10_000 ? 60 : queries.length,
        efSweep: size === largest,
        profile: size === largest,
        alternatives,
      });
    search.push({ ...measured, alongsideBuild });

    log(`index on disk at ${num(size, 0)} chunks`);
    const directory = join(work, `index-${size}`);
    const { ms: saveMs } = await timed(() =>
      saveIndex({
        directory,
        index: {
          manifest: {
            formatVersion: indexFormatVersion,
            createdAt: new Date().toISOString(),
            embedding: { modelId: tiny.modelId, dimensions },
            documents: documents.map((document) => ({ id: document.id, file: document.file, contentHash: document.contentHash, chunks: chunks.filter((chunk) => chunk.documentId === document.id).length })),
            chunkCount: chunks.length,
          },
          documents,
          chunks,
          lexical,
          dense: vectorIndex,
        },
      }),
    );
    const bytes: Record<string, number> = {};
    for (const file of await readdir(directory)) bytes[file] = (await stat(join(directory, file))).size;
    let loadIndexMs = 0;
    let openMs = 0;
    const load = async () => {
      const { ms, value: stored } = await timed(() => loadIndex({ directory }));
      loadIndexMs = ms;
      ({ ms: openMs } = await timed(() => new PolicyIndex(stored, queryEmbedder)));
    };
    const loadProfile = size === largest ? await profileWork(load, { intervalUs: 1000 }) : (await load(), undefined);
    disk.push({ chunks: size, bytes, totalMb: round(Object.values(bytes).reduce((sum, value) => sum + value, 0) / 1e6, 1), saveMs, loadIndexMs, openMs, lexicalBuildMs, loadProfile });
    if (size === largest) largestIndexDir = directory;
    else await rm(directory, { recursive: true, force: true });
    globalThis.gc?.();
  }
}

// 5. Server: cold start, sequential latency and load, in a child process each
interface ServerRun {
  label: string;
  chunks: number;
  dense: boolean;
  listeningMs: number;
  firstAnswerMs: number;
  rssAfterStartMb: number;
  peakRssMb: number;
  sequential: { search: SequentialReport; chat: SequentialReport };
  load: LoadReport[];
}
const servers: ServerRun[] = [];
if (!args['skip-server']) {
  const chatBodies = questions.map((question) => ({ messages: [...question.history, { role: 'user', content: question.question }] }));
  const searchBodies = questions.map((question) => ({ query: question.question, k: 8 }));
  const emptyCorpus = join(work, 'no-corpus');
  const setups: { label: string; env: Record<string, string>; loads: { path: string; connections: number }[] }[] = [];
  const corpusIndex = join(work, 'index-corpus');
  if (args['skip-ingest']) {
    await benchIngest({ label: 'corpus (lexical)', corpusDir, indexDir: corpusIndex });
    await benchIngest({ label: 'corpus + tiny fixture embedder', corpusDir, indexDir: join(work, 'index-corpus-tiny'), embedding: tiny });
  }
  const everyLoad = [16, 64].flatMap((connections) => ['/api/search', '/api/chat'].map((path) => ({ path, connections })));
  setups.push({ label: 'corpus, lexical (this machine: no model)', env: { INDEX_DIR: corpusIndex, CORPUS_DIR: corpusDir, EMBEDDING_MODEL: 'none' }, loads: everyLoad });
  if (!quick) {
    const at64 = ['/api/search', '/api/chat'].map((path) => ({ path, connections: 64 }));
    setups.push({ label: 'corpus, hybrid (tiny embedder)', env: { INDEX_DIR: join(work, 'index-corpus-tiny'), CORPUS_DIR: corpusDir, EMBEDDING_MODEL: tiny.modelId, MODELS_DIR: modelsDir }, loads: at64 });
    if (largestIndexDir) setups.push({ label: `${num(largest, 0)} synthetic chunks, hybrid (tiny embedder)`, env: { INDEX_DIR: largestIndexDir, CORPUS_DIR: emptyCorpus, EMBEDDING_MODEL: tiny.modelId, MODELS_DIR: modelsDir }, loads: at64 });
  }
  for (const setup of setups) {
    log(`server: ${setup.label}: cold start`);
    const server = await startServerProcess({ env: setup.env, question: questions[0].question });
    const rssAfterStartMb = memoryOf(server.pid).rssMb;
    const health = server.health as { chunks: number; retrieval: { dense: boolean } };
    log(`server: ${setup.label}: sequential requests`);
    const sequential = {
      search: await sequentialLatency({ url: server.url, path: '/api/search', bodies: searchBodies, rounds: quick ? 1 : 2 }),
      chat: await sequentialLatency({ url: server.url, path: '/api/chat', bodies: chatBodies, rounds: quick ? 1 : 2 }),
    };
    const load: LoadReport[] = [];
    for (const { path, connections } of setup.loads) {
      log(`server: ${setup.label}: autocannon ${path} × ${connections} connections, ${loadSeconds} s`);
      load.push(await loadTest({ url: server.url, path, bodies: path === '/api/chat' ? chatBodies : searchBodies, connections, durationS: loadSeconds, pid: server.pid }));
    }
    const { peakRssMb } = memoryOf(server.pid);
    await server.stop();
    servers.push({ label: setup.label, chunks: health.chunks, dense: health.retrieval.dense, listeningMs: server.listeningMs, firstAnswerMs: server.firstAnswerMs, rssAfterStartMb, peakRssMb, sequential, load });
  }
}

// 6. A lexical index at a larger scale (e.g. a million chunks), run last: it needs the most memory.
let scale: LexicalScaleReport | undefined;
if (args.scale) {
  scale = await benchLexicalScale({ pieces, size: Number(args.scale), questions, directory: join(work, 'index-scale'), log });
  await rm(join(work, 'index-scale'), { recursive: true, force: true });
}

// Targets
const at = (size: number) => search.find((report) => report.chunks === size);
const big = at(100_000);
const corpusServer = servers[0];
const searchAt64 = corpusServer?.load.find((run) => run.path === '/api/search' && run.connections === 64);
const bigDisk = disk.find((entry) => entry.chunks === 100_000);
const bigServer = servers.find((run) => run.chunks === 100_000);
const bigPeers = big?.peers.lexical ?? [];
const jsPeers = bigPeers.filter((peer) => !peer.name.startsWith('LanceDB'));
const lanceFts = bigPeers.find((peer) => peer.name.startsWith('LanceDB'));
const productLexical = big?.peers.bm25WordsOnly.latency.p50Ms;
const targets = [
  { target: 'index on disk at 100k chunks with 512-d vectors ≤ 320 MB', measured: bigDisk ? `${bigDisk.totalMb} MB` : undefined, met: bigDisk ? bigDisk.totalMb <= 320 : undefined },
  { target: 'cold start to first answer at 100k ≤ 3 s (server process)', measured: bigServer ? `${num(bigServer.firstAnswerMs / 1000, 2)} s` : undefined, met: bigServer ? bigServer.firstAnswerMs <= 3000 : undefined },
  { target: 'hybrid search p95 ≤ 3 ms at 100k chunks (query vector given)', measured: big ? `${big.latency.hybrid.p95Ms} ms` : undefined, met: big ? big.latency.hybrid.p95Ms <= 3 : undefined },
  {
    target: 'lexical top-10 at 100k faster than every JavaScript peer (p50)',
    measured: productLexical !== undefined && jsPeers.length > 0 ? jsPeers.map((peer) => `${peer.name} ${num(peer.latency.p50Ms / productLexical, 1)}×`).join(', ') : undefined,
    met: productLexical !== undefined && jsPeers.length > 0 ? jsPeers.every((peer) => peer.latency.p50Ms > productLexical) : undefined,
  },
  {
    target: 'lexical top-10 at 100k within 2× of LanceDB full-text search (p50)',
    measured: productLexical !== undefined && lanceFts ? `product ${productLexical} ms, LanceDB ${lanceFts.latency.p50Ms} ms` : undefined,
    met: productLexical !== undefined && lanceFts ? productLexical <= 2 * lanceFts.latency.p50Ms : undefined,
  },
  { target: 'HNSW recall@10 ≥ 0.95 at 100k', measured: big ? String(big.hnsw.recallAt10) : undefined, met: big ? big.hnsw.recallAt10 >= 0.95 : undefined },
  {
    target: 'extractive /api/chat p95 ≤ 50 ms on the corpus (one request at a time)',
    measured: corpusServer ? `${corpusServer.sequential.chat.clientLatency.p95Ms} ms` : undefined,
    met: corpusServer ? corpusServer.sequential.chat.clientLatency.p95Ms <= 50 : undefined,
  },
  {
    target: '/api/search ≥ 500 req/s at 64 connections, zero errors (corpus)',
    measured: searchAt64 ? `${searchAt64.requestsPerSecond} req/s, ${searchAt64.non2xx + searchAt64.errors} errors` : undefined,
    met: searchAt64 ? searchAt64.requestsPerSecond >= 500 && searchAt64.non2xx + searchAt64.errors === 0 : undefined,
  },
  { target: 'issue 2: 600 docs × ~1,500 chars lexical ingest < 2 min', measured: issue2 ? `${num(issue2.wallMs / 1000)} s` : undefined, met: issue2?.met },
  ...(scale
    ? [
        { target: `${num(scale.chunks, 0)} chunks: hybrid (lexical) search p95 ≤ 30 ms`, measured: `${scale.latency.hybridLexical.p95Ms} ms`, met: scale.latency.hybridLexical.p95Ms <= 30 },
        { target: `${num(scale.chunks, 0)} chunks: server cold start to first answer ≤ 20 s`, measured: scale.server ? `${num(scale.server.firstAnswerMs / 1000, 1)} s (RSS ${scale.server.rssMb} MB)` : undefined, met: scale.server ? scale.server.firstAnswerMs <= 20_000 : undefined },
      ]
    : []),
];
contention.end = { loadavg: loadavg().map((value) => round(value, 2)), calibrationMs: calibrate() };
const totalSeconds = round((performance.now() - began) / 1000, 0);
targets.push({ target: 'whole bench < ~10 min', measured: `${totalSeconds} s`, met: totalSeconds < 600 });

// Tables
const out: string[] = [];
const cpu = cpus();
out.push(`policy-cite bench — ${new Date().toISOString()} — ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${num(totalmem() / 1e9)} GB, node ${process.version}${quick ? ' — QUICK' : ''}`);
out.push(
  `CPU contention: load average ${contention.start.loadavg.join(' ')} at start, ${contention.end.loadavg.join(' ')} at end; ` +
    `calibration loop ${contention.start.calibrationMs} ms → ${contention.end.calibrationMs} ms (other work on this machine slows every figure below)`,
);
if (ingest.length > 0) {
  const stages = ['load', 'clean', 'structure', 'split', 'tokenize', 'embed', 'index', 'write'];
  out.push(
    formatTable(
      'Ingestion (ingestCorpus wall time; stages in ms; "index" = HNSW build, "write" = saveIndex; BM25 is built at load)',
      ['run', 'docs', 'chunks', 'wall s', ...stages, 'other', 'docs/s', 'chunks/s', 'load+BM25 ms'],
      ingest.map((run) => [
        run.label,
        run.documents,
        run.chunks,
        num(run.wallMs / 1000, 2),
        ...stages.map((stage) => (run.stagesMs[stage] === undefined ? undefined : num(run.stagesMs[stage], 0))),
        num(run.otherMs, 0),
        num(run.docsPerSecond),
        num(run.chunksPerSecond, 0),
        num(run.loadIndexMs + run.policyIndexMs, 0),
      ]),
    ),
  );
  out.push(
    formatTable(
      'Ingestion scaling checks: re-ingesting an unchanged folder, and counting chunks per document (the old per-document filter vs the one pass ingestCorpus now makes)',
      ['run', 're-ingest s', 'reused docs', 'count: filter per document ms', 'count: one pass ms'],
      ingest.map((run) => [run.label, run.reingest ? num(run.reingest.wallMs / 1000, 2) : undefined, run.reingest?.reusedDocuments, num(run.chunkCountingMs.perDocumentFilter, 1), num(run.chunkCountingMs.onePass, 1)]),
    ),
  );
}
if (search.length > 0) {
  const row = (label: string, pick: (report: SearchSizeReport) => string | number | undefined) => [label, ...search.map(pick)];
  const ms = (summary?: { p50Ms: number; p95Ms: number; p99Ms: number }) => (summary ? `${num(summary.p50Ms, 2)} / ${num(summary.p95Ms, 2)} / ${num(summary.p99Ms, 2)}` : undefined);
  out.push(
    formatTable(
      `Search latency, ms p50 / p95 / p99 (k=10, ${questions.length} eval questions; ${dimensions}-d synthetic clustered vectors)` +
        (search.some((report) => report.alongsideBuild) ? '\n* measured while the worker built the larger HNSW index on the other core' : ''),
      ['', ...search.map((report) => `${num(report.chunks, 0)} chunks${report.alongsideBuild ? ' *' : ''}`)],
      [
        row('lexical (PolicyIndex)', (report) => ms(report.latency.lexical)),
        row('dense (PolicyIndex)', (report) => ms(report.latency.dense)),
        row('hybrid, query vector given', (report) => ms(report.latency.hybrid)),
        row('hybrid + query embedding (tiny fixture model)', (report) => ms(report.latency.hybridWithQueryEmbedding)),
        row('  breakdown p50: query tokens', (report) => num(report.hybridBreakdownMs.queryTokens, 2)),
        row(`  breakdown p50: BM25 (k=${50 * lexicalDepth.poolMultiple}) + topK`, (report) => num(report.hybridBreakdownMs.bm25, 2)),
        row('  breakdown p50: HNSW k=50', (report) => num(report.hybridBreakdownMs.hnsw, 2)),
        row('  breakdown p50: prior, fuse, collapse', (report) => num(report.hybridBreakdownMs.rest, 2)),
        row('PolicyIndex build ms (BM25 etc.)', (report) => num(report.build.policyIndexMs, 0)),
        row('PolicyIndex heap MB', (report) => num(report.build.policyIndexHeapMb, 0)),
        row('HNSW build s (worker)', (report) => num(report.build.hnswBuildMs / 1000, 1)),
        row('bench process RSS MB', (report) => num(report.rssMb, 0)),
      ],
    ),
  );
  out.push(
    formatTable(
      'Dense: HNSW (hnswlib via VectorIndex) against exact search',
      ['', ...search.map((report) => `${num(report.chunks, 0)} chunks`)],
      [
        row('HNSW recall@10 (ef 96)', (report) => report.hnsw.recallAt10),
        row('HNSW recall@50 pool (ef 100)', (report) => report.hnsw.recallAt50),
        row('HNSW p50 / p95 ms', (report) => `${num(report.hnsw.hnswLatency.p50Ms, 3)} / ${num(report.hnsw.hnswLatency.p95Ms, 3)}`),
        row('exact flat scan p50 / p95 ms', (report) => `${num(report.hnsw.exactLatency.p50Ms, 2)} / ${num(report.hnsw.exactLatency.p95Ms, 2)}`),
        row('speedup vs exact scan (p50)', (report) => `${report.hnsw.speedup}×`),
        row('LangChain MemoryVectorStore p50 / p95 ms', (report) => `${num(report.peers.langChainMemoryVectorStore.latency.p50Ms, 1)} / ${num(report.peers.langChainMemoryVectorStore.latency.p95Ms, 1)}`),
        row('LangChain recall@10 (queries)', (report) => `${report.peers.langChainMemoryVectorStore.recallAt10} (${report.peers.langChainMemoryVectorStore.queries})`),
        row('LangChain addVectors ms', (report) => num(report.peers.langChainMemoryVectorStore.addMs, 0)),
        row('HNSW speedup vs LangChain (p50)', (report) => `${num(report.peers.langChainMemoryVectorStore.hnswSpeedup, 0)}×`),
      ],
    ),
  );
  const alternativesMeasured = search[search.length - 1].hnsw.buildAlternatives;
  if (alternativesMeasured) {
    const current = search[search.length - 1];
    out.push(
      formatTable(
        `HNSW build parameters at ${num(current.chunks, 0)} chunks (--hnsw-sweep; searched with the product's ef, k=10; builds ran one at a time in the worker)`,
        ['m', 'efConstruction', 'build s', 'recall@10', 'recall@50 pool', 'p50 / p95 ms'],
        [
          [current.build.hnswParameters.m, `${current.build.hnswParameters.efConstruction} (default)`, num(current.build.hnswBuildMs / 1000, 1), current.hnsw.recallAt10, current.hnsw.recallAt50, `${num(current.hnsw.hnswLatency.p50Ms, 3)} / ${num(current.hnsw.hnswLatency.p95Ms, 3)}`],
          ...alternativesMeasured.map((entry) => [entry.m, entry.efConstruction, num(entry.buildMs / 1000, 1), entry.recallAt10, entry.recallAt50, `${num(entry.latency.p50Ms, 3)} / ${num(entry.latency.p95Ms, 3)}`]),
        ],
      ),
    );
  }
  const profiled = search[search.length - 1].hybridProfile;
  if (profiled) {
    out.push(
      formatTable(
        `Where hybrid search time goes at ${num(search[search.length - 1].chunks, 0)} chunks (V8 sampling profile, one pass, self time)`,
        ['function (file)', 'self ms', 'share'],
        profiled.map((entry) => [entry.frame, entry.selfMs, `${entry.share}%`]),
      ),
    );
  }
  const sweep = search[search.length - 1].hnsw.efSweep;
  if (sweep) {
    out.push(
      formatTable(
        `HNSW efSearch sweep at ${num(search[search.length - 1].chunks, 0)} chunks (k=10; product uses max(96, 2k))`,
        ['efSearch', 'recall@10', 'p50 ms', 'speedup vs exact'],
        sweep.map((entry) => [entry.efSearch, entry.recallAt10, num(entry.p50Ms, 3), `${entry.speedup}×`]),
      ),
    );
  }
  out.push(
    formatTable(
      'BM25 over chunks (3 fields): top-k with MaxScore pruning against scoring every posting (same results), p50 / p95 ms',
      ['', ...search.map((report) => `${num(report.chunks, 0)} chunks`)],
      [
        row(`k = ${50 * lexicalDepth.poolMultiple} (what lexical search asks): pruned`, (report) => ms(report.bm25.prunedDeep)),
        row(`k = ${50 * lexicalDepth.poolMultiple}: every posting`, (report) => ms(report.bm25.exhaustiveDeep)),
        row('k = 10: pruned', (report) => ms(report.bm25.prunedK10)),
        row('k = 10: every posting', (report) => ms(report.bm25.exhaustiveK10)),
        row('build at ingest (LexicalIndex) ms', (report) => num(report.build.lexicalBuildMs, 0)),
      ],
    ),
  );
  const lexicalRows: (string | number | undefined)[][] = [];
  for (const report of search) {
    const product = report.peers.bm25WordsOnly.latency;
    lexicalRows.push([num(report.chunks, 0), 'product Bm25Index (pruned)', num(report.peers.bm25WordsOnly.buildMs, 0), `${num(product.p50Ms, 2)} / ${num(product.p95Ms, 2)}`, '1', '1']);
    for (const peer of report.peers.lexical) {
      lexicalRows.push([num(report.chunks, 0), peer.name, num(peer.buildMs, 0), `${num(peer.latency.p50Ms, 2)} / ${num(peer.latency.p95Ms, 2)}`, `${num(peer.latency.p50Ms / product.p50Ms, 1)}×`, peer.overlapAt10]);
    }
  }
  out.push(
    formatTable(
      'Lexical top-10 on the same jieba tokens (words field) and queries: ratio = peer p50 / product p50 (>1: product faster); overlap@10 with the product top 10',
      ['chunks', 'engine', 'build ms', 'p50 / p95 ms', 'ratio', 'overlap@10'],
      lexicalRows,
    ),
  );
  const denseRows = search.flatMap((report) => [
    ...(report.peers.lanceVector ? [[num(report.chunks, 0), report.peers.lanceVector.name, `${num(report.peers.lanceVector.latency.p50Ms, 2)} / ${num(report.peers.lanceVector.latency.p95Ms, 2)}`, `${num(report.peers.lanceVector.latency.p50Ms / report.hnsw.hnswLatency.p50Ms, 0)}×`, report.peers.lanceVector.overlapAt10]] : []),
    ...(report.peers.hnswLib
      ? [[num(report.chunks, 0), `LangChain HNSWLib (same graph; save ${Object.entries(report.peers.hnswLib.filesMb).map(([file, mb]) => `${file} ${mb} MB`).join(', ')}; load ${num(report.peers.hnswLib.loadMs, 0)} ms)`, `${num(report.peers.hnswLib.latency.p50Ms, 3)} / ${num(report.peers.hnswLib.latency.p95Ms, 3)}`, `${num(report.peers.hnswLib.latency.p50Ms / report.hnsw.hnswLatency.p50Ms, 1)}×`, report.peers.hnswLib.overlapAt10]]
      : []),
  ]);
  if (denseRows.length > 0) out.push(formatTable('Dense peers (k = 10): ratio = peer p50 / product VectorIndex p50; overlap@10 with the exact top 10', ['chunks', 'store', 'p50 / p95 ms', 'ratio', 'overlap@10'], denseRows));
}
if (disk.length > 0) {
  out.push(
    formatTable(
      'Index on disk (saveIndex: documents.json = metadata, chunks.bin = text once + chunk table, lexical.bin = BM25 typed arrays, vectors.hnsw = hnswlib graph with the vectors); open = loadIndex (read + checksums) + new PolicyIndex',
      ['chunks', 'total MB', 'documents.json MB', 'chunks.bin MB', 'lexical.bin MB', 'vectors.hnsw MB', 'BM25 build ms', 'save ms', 'loadIndex ms', 'PolicyIndex ms'],
      disk.map((entry) => [
        num(entry.chunks, 0),
        num(entry.totalMb, 1),
        num((entry.bytes['documents.json'] ?? 0) / 1e6, 1),
        num((entry.bytes['chunks.bin'] ?? 0) / 1e6, 1),
        num((entry.bytes['lexical.bin'] ?? 0) / 1e6, 1),
        num((entry.bytes['vectors.hnsw'] ?? 0) / 1e6, 1),
        num(entry.lexicalBuildMs, 0),
        num(entry.saveMs, 0),
        num(entry.loadIndexMs, 0),
        num(entry.openMs, 0),
      ]),
    ),
  );
}
const coldStart = [
  ...(search[search.length - 1]?.buildProfile ?? []).slice(0, 8).map((entry) => ['PolicyIndex build', entry.frame, entry.selfMs, `${entry.share}%`]),
  ...(disk[disk.length - 1]?.loadProfile ?? []).slice(0, 8).map((entry) => ['loadIndex', entry.frame, entry.selfMs, `${entry.share}%`]),
];
if (coldStart.length > 0) {
  out.push(formatTable(`Where a server start goes at ${num(largest, 0)} chunks (V8 sampling profile, 1 ms, self time)`, ['phase', 'function (file)', 'self ms', 'share'], coldStart));
}
if (servers.length > 0) {
  out.push(
    formatTable(
      'Server process (node --import tsx server/main.ts, 127.0.0.1, rate limit off): cold start and one request at a time',
      ['setup', 'chunks', 'listening s', 'first answer s', 'RSS MB', 'peak RSS MB', 'search p50/p95 ms', 'chat p50/p95/p99 ms', 'chat server-side p95', 'answered'],
      servers.map((run) => [
        run.label,
        num(run.chunks, 0),
        num(run.listeningMs / 1000, 2),
        num(run.firstAnswerMs / 1000, 2),
        num(run.rssAfterStartMb, 0),
        num(run.peakRssMb, 0),
        `${num(run.sequential.search.clientLatency.p50Ms, 1)} / ${num(run.sequential.search.clientLatency.p95Ms, 1)}`,
        `${num(run.sequential.chat.clientLatency.p50Ms, 1)} / ${num(run.sequential.chat.clientLatency.p95Ms, 1)} / ${num(run.sequential.chat.clientLatency.p99Ms, 1)}`,
        num(run.sequential.chat.serverTotal?.p95Ms, 1),
        `${run.sequential.chat.answered}/${run.sequential.chat.requests}`,
      ]),
    ),
  );
  out.push(
    formatTable(
      `Server throughput (autocannon 9, ${loadSeconds} s each, load generator in the bench process; p95 from every response time, p97.5/p99 from autocannon)`,
      ['setup', 'route', 'conns', 'req/s', 'p50 ms', 'p95 ms', 'p97.5 ms', 'p99 ms', 'non-2xx', 'errors', 'server CPU ms/req', 'server cores', 'server RSS MB'],
      servers.flatMap((run) =>
        run.load.map((load) => [
          run.label,
          load.path,
          load.connections,
          num(load.requestsPerSecond, 0),
          num(load.latencyMs.p50Ms, 1),
          num(load.latencyMs.p95Ms, 1),
          load.autocannon.p97_5,
          load.autocannon.p99,
          load.non2xx,
          load.errors,
          num(load.serverCpuMsPerRequest, 2),
          num(load.serverCoreShare, 2),
          num(load.serverRssMb, 0),
        ]),
      ),
    ),
  );
}
if (scale) {
  const hnswAt100k = search.find((report) => report.chunks === 100_000)?.build.hnswBuildMs;
  const factor = scale.chunks / 100_000;
  out.push(
    formatTable(
      `Lexical index at ${num(scale.chunks, 0)} synthetic chunks (${num(scale.documents, 0)} documents; no vectors)`,
      ['measure', 'value'],
      [
        ['compose synthetic chunks s', num(scale.composeMs / 1000, 1)],
        ['tokenise (jieba) + build BM25, streamed s', num(scale.tokenizeAndBuildMs / 1000, 1)],
        ['save s', num(scale.saveMs / 1000, 1)],
        ['on disk MB (documents.json / chunks.bin / lexical.bin)', `${num(scale.totalMb, 0)} (${['documents.json', 'chunks.bin', 'lexical.bin'].map((file) => num((scale!.bytes[file] ?? 0) / 1e6, 0)).join(' / ')})`],
        ['loadIndex + PolicyIndex ms (in-process)', `${num(scale.loadIndexMs, 0)} + ${num(scale.policyIndexMs, 0)}`],
        ['bench process RSS with the index open MB', num(scale.rssOpenMb, 0)],
        ['hybrid search (dense off) p50 / p95 / p99 ms', `${num(scale.latency.hybridLexical.p50Ms, 2)} / ${num(scale.latency.hybridLexical.p95Ms, 2)} / ${num(scale.latency.hybridLexical.p99Ms, 2)}`],
        [`chunk BM25 k=${50 * lexicalDepth.poolMultiple} p50 / p95 ms`, `${num(scale.latency.bm25Deep.p50Ms, 2)} / ${num(scale.latency.bm25Deep.p95Ms, 2)}`],
        ['server: listening / first answer s', scale.server ? `${num(scale.server.listeningMs / 1000, 1)} / ${num(scale.server.firstAnswerMs / 1000, 1)}` : 'failed'],
        ['server RSS after start / peak MB', scale.server ? `${num(scale.server.rssMb, 0)} / ${num(scale.server.peakRssMb, 0)}` : undefined],
        ['server /api/search, /api/chat p50 / p95 ms (one at a time)', scale.server ? `${num(scale.server.search.p50Ms, 1)} / ${num(scale.server.search.p95Ms, 1)}, ${num(scale.server.chat.p50Ms, 1)} / ${num(scale.server.chat.p95Ms, 1)}` : undefined],
        [
          `EXTRAPOLATED, not run: ${dimensions}-d vectors at this size`,
          `vectors.hnsw ≈ ${num((scale.chunks * (4 * dimensions + 8 * hnswDefaults.m + 12)) / 1e9, 2)} GB (hnswlib: vector + ${2 * hnswDefaults.m} links + label per chunk)` +
            (hnswAt100k ? `; HNSW build ≈ ${num((hnswAt100k * factor * 1.2) / 60_000, 0)} min on this machine (100k took ${num(hnswAt100k / 1000, 0)} s; × ${factor} chunks × 1.2 for the deeper graph)` : ''),
        ],
      ],
    ),
  );
}
out.push(formatTable('Targets', ['target', 'measured', 'met'], targets.map((entry) => [entry.target, entry.measured, entry.met === undefined ? 'not run' : entry.met ? 'yes' : 'NO'])));
console.log(out.join('\n'));

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outFile = args.out ? resolve(args.out) : join(repoRoot, 'evals/reports', `bench-${stamp}.json`);
await mkdir(resolve(outFile, '..'), { recursive: true });
await writeFile(
  outFile,
  `${JSON.stringify(
    {
      startedAt: new Date(Date.now() - totalSeconds * 1000).toISOString(),
      totalSeconds,
      machine: { contention, cpus: cpu.length, cpuModel: cpu[0]?.model, memoryGb: round(totalmem() / 1e9, 1), freeMemoryGb: round(freemem() / 1e9, 1), node: process.version, platform: process.platform },
      options: { quick, sizes, dimensions, loadSeconds, syntheticDocuments, hnswSweep: args['hnsw-sweep'], hnswDefaults: { ...hnswDefaults } },
      notes: [
        'No embedding model can be downloaded here: dense vectors for the scaling runs are synthetic (clustered by corpus document and section, seeded); "query embedding" and the embed stage use the tiny ONNX fixture model from scripts/make-tiny-model.ts, which exercises transformers.js but not bge-small-zh compute.',
        'LangChain peer: MemoryVectorStore from @langchain/classic (installed), fed the same vectors as number[].',
        'Synthetic chunks recombine the 5 corpus documents, so their vocabulary is small (~16k distinct terms at 100k chunks) and common-term postings are longer than in a real corpus of that size: BM25 latency at 100k is on the pessimistic side.',
        'Sizes below the largest are measured while the worker thread still builds the larger HNSW indexes on the other core (marked * in the table).',
        'Server latency percentiles under load are computed from every response time autocannon reports; autocannon itself gives p97.5/p99 only.',
      ],
      targets,
      ingest,
      issue2,
      search,
      disk,
      servers,
      scale,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${outFile.replace(`${repoRoot}/`, '')} (${totalSeconds} s)`);
await rm(work, { recursive: true, force: true });
