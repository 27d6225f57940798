// The product's default embedding model, bge-small-zh-v1.5, for real: runs when `npm run models -- fetch`
// has put it under MODELS_DIR (CI does), and is skipped with a message otherwise.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config';
import { chunkEmbeddingText } from '../ingest/ingest-corpus';
import { startServer, type RunningServer } from '../serve';
import { ingestToTemporaryIndex, seedCorpusDir } from '../test-support/corpus';
import { TransformersEmbeddings } from './embedder';
import { loadIndex } from './index-store';
import type { Chunk } from './types';

const modelId = 'Xenova/bge-small-zh-v1.5';
const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const modelsDir = resolve(repoRoot, parseConfig(process.env).MODELS_DIR);
const modelFolder = join(modelsDir, modelId);
const present = existsSync(join(modelFolder, 'config.json'));
const fullPrecision = present && existsSync(join(modelFolder, 'onnx', 'model.onnx'));
if (!present) console.warn(`skipping the bge-small-zh-v1.5 tests: no model in ${modelFolder} (run npm run models -- fetch)`);

// Generous: on a loaded 2-core machine embedding the seed chunks can take minutes.
const slow = 10 * 60_000;

function dot(left: number[], right: number[]): number {
  return left.reduce((sum, value, index) => sum + value * right[index], 0);
}

describe.skipIf(!present)(`${modelId} (needs npm run models -- fetch)`, () => {
  let embeddings: TransformersEmbeddings;
  let indexDir: string;
  let chunks: Chunk[];
  let chunkVectors: number[][];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    embeddings = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false });
    // The seed index as ingest builds it with the model: its stored vectors are the chunks' embeddings.
    const seed = await ingestToTemporaryIndex(seedCorpusDir, { embeddingModel: modelId, modelsDir, allowRemoteModels: false, embedder: embeddings });
    cleanups.push(seed.remove);
    indexDir = seed.indexDir;
    const stored = await loadIndex({ directory: indexDir });
    chunks = stored.chunks;
    // The vectors live in the hnswlib graph (unit length: the model's output is already normalised).
    chunkVectors = chunks.map((_, position) => stored.dense!.vector(position));
  }, slow);

  afterAll(async () => {
    await embeddings?.dispose();
    for (const cleanup of cleanups) await cleanup();
  });

  it('gives 512-dimensional unit vectors with CLS pooling', async () => {
    expect(embeddings.dimensions).toBe(512);
    expect(embeddings.pooling).toBe('cls');
    expect(Math.hypot(...(await embeddings.embedQuery('生态补偿')))).toBeCloseTo(1, 5);
  }, slow);

  it('finds every fourth seed clause nearest to itself when its text is the query', async () => {
    const misplaced: string[] = [];
    for (const [position, chunk] of chunks.entries()) {
      if (position % 4 !== 0) continue;
      const query = await embeddings.embedQuery(chunk.text);
      let nearest = 0;
      chunkVectors.forEach((vector, other) => {
        if (dot(query, vector) > dot(query, chunkVectors[nearest])) nearest = other;
      });
      if (nearest !== position) misplaced.push(`${chunk.text.slice(0, 24)} → ${chunks[nearest].text.slice(0, 24)}`);
    }
    expect(chunks.length).toBeGreaterThan(50);
    expect(misplaced).toEqual([]);
  }, slow);

  it('puts a paraphrase nearer to its sentence than to an unrelated one', async () => {
    const cases = [
      ['生态补偿资金由省级财政统筹安排，用于重点生态功能区的环境保护。', '保护生态的补偿款由省里的财政统一安排，用在重点生态区域。', '城市公共交通票价实行政府定价管理。'],
      ['到2025年，全省城乡居民人均可支配收入差距进一步缩小。', '几年后城乡居民的收入差距要继续缩小。', '加强对进口冷链食品的检验检疫。'],
      ['对符合条件的小微企业减按50%征收企业所得税。', '小型微利企业所得税可以减半交。', '严禁在禁渔期内进行捕捞作业。'],
    ];
    for (const [sentence, paraphrase, unrelated] of cases) {
      const [sentenceVector, unrelatedVector] = await embeddings.embedDocuments([sentence, unrelated]);
      const query = await embeddings.embedQuery(paraphrase);
      expect(dot(query, sentenceVector)).toBeGreaterThan(dot(query, unrelatedVector) + 0.2);
    }
  }, slow);

  it.skipIf(!fullPrecision)('agrees with the full-precision model (onnx/model.onnx, fetched with --precision both)', async () => {
    const full = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false, quantized: false });
    try {
      const texts = chunks.slice(0, 12).map(chunkEmbeddingText);
      const fullVectors = await full.embedDocuments(texts);
      const agreement = fullVectors.map((vector, index) => dot(vector, chunkVectors[index]));
      expect(Math.min(...agreement)).toBeGreaterThan(0.9);
    } finally {
      await full.dispose();
    }
  }, slow);

  it('is served by npm start: health names the model and dense retrieval is on', async () => {
    let server: RunningServer | undefined;
    try {
      server = await startServer({
        port: 0,
        corpusDir: seedCorpusDir,
        indexDir,
        env: { MODELS_DIR: modelsDir, ALLOW_REMOTE_MODELS: 'false', EMBEDDING_MODEL: modelId, LLM_BASE_URL: '', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0' },
      });
      const health = await (await fetch(`${server.url}/api/health`)).json();
      expect(health.retrieval).toEqual({ lexical: true, dense: true, embeddingModel: modelId });
      const clause = chunks.find((chunk) => chunk.text.length > 60)!;
      const search = await fetch(`${server.url}/api/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: clause.text, k: 3 }) });
      expect((await search.json()).results[0].text).toBe(clause.text);
    } finally {
      await server?.close();
    }
  }, slow);
});
