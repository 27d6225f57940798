// Exercises the real transformers.js pipeline against the generated tiny ONNX model; nothing is downloaded.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../../scripts/make-tiny-model';
import { BGE_ZH_QUERY_INSTRUCTION, EmbeddingUnavailableError, TransformersEmbeddings } from './embedder';

const DIMENSIONS = 48;
const documentA = '促进区域协调发展的实施方案：完善基本公共服务均等化机制，推动城乡区域协调发展。';
const documentB = '生态补偿资金由省级财政统筹安排，用于重点生态功能区的环境保护。';
const query = '怎样推动区域协调发展和基本公共服务均等化？';

let modelsDir: string;
let modelId: string;
let embeddings: TransformersEmbeddings;

function dot(left: number[], right: number[]): number {
  return left.reduce((sum, value, index) => sum + value * right[index], 0);
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function pause(milliseconds: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the load to be rejected'),
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'tiny-embedding-model-'));
  ({ modelId } = await writeTinyModel({ directory: modelsDir, dimensions: DIMENSIONS }));
  embeddings = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false, batchSize: 16 });
});

afterAll(async () => {
  await embeddings?.dispose();
  if (modelsDir) await rm(modelsDir, { recursive: true, force: true });
});

describe('TransformersEmbeddings', () => {
  it('learns its dimensions from the model', () => {
    expect(embeddings.modelId).toBe(modelId);
    expect(embeddings.dimensions).toBe(DIMENSIONS);
  });

  it('returns unit-length vectors of the model dimensions', async () => {
    const [vector] = await embeddings.embedDocuments([documentA]);
    const queryVector = await embeddings.embedQuery(query);
    for (const candidate of [vector, queryVector]) {
      expect(candidate).toHaveLength(DIMENSIONS);
      expect(Math.hypot(...candidate)).toBeCloseTo(1, 5);
    }
  });

  it.each(['cls', 'mean'] as const)('ranks a document sharing characters with the query above an unrelated one (%s pooling)', async (pooling) => {
    const pooled = pooling === embeddings.pooling ? embeddings : await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false, pooling });
    const [vectorA, vectorB] = await pooled.embedDocuments([documentA, documentB]);
    const queryVector = await pooled.embedQuery(query);
    expect(dot(queryVector, vectorA)).toBeGreaterThan(dot(queryVector, vectorB) + 0.2);
    if (pooled !== embeddings) await pooled.dispose();
  });

  it('puts the bge retrieval instruction in front of queries but not documents', async () => {
    const [plain, instructed] = await embeddings.embedDocuments([query, BGE_ZH_QUERY_INSTRUCTION + query]);
    const queryVector = await embeddings.embedQuery(query);
    expect(dot(queryVector, instructed)).toBeCloseTo(1, 5);
    expect(dot(queryVector, plain)).toBeLessThan(0.999);
  });

  it('embeds documents in batches, keeps input order and reports progress', async () => {
    const texts = Array.from({ length: 70 }, (_, index) => `第${index}条 ${'区域协调发展生态补偿'.slice(0, (index * 7) % 10 + 1)}${'财政'.repeat(index % 5)}`);
    const progress: [number, number][] = [];
    const vectors = await embeddings.embedDocuments(texts, (done, total) => progress.push([done, total]));

    expect(vectors).toHaveLength(70);
    expect(progress).toEqual([[16, 70], [32, 70], [48, 70], [64, 70], [70, 70]]);
    for (const index of [0, 13, 69]) {
      const [single] = await embeddings.embedDocuments([texts[index]]);
      expect(dot(vectors[index], single)).toBeCloseTo(1, 5);
    }
  });

  it('answers a query while a long document embedding is under way (off the event loop, query first)', async () => {
    const texts = Array.from({ length: 400 }, (_, index) => `第${index}条 ${'区域协调发展生态补偿财政资金'.repeat(8)}`);
    const single = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false, batchSize: 1 });
    let documentsDone = 0;
    let queryAnsweredAt: number | undefined;
    let timerTicks = 0;
    const ticker = setInterval(() => timerTicks++, 1);
    try {
      const documents = single.embedDocuments(texts, (done) => {
        documentsDone = done;
        if (done === 1) void single.embedQuery(query).then(() => (queryAnsweredAt = documentsDone));
      });
      await documents;
    } finally {
      clearInterval(ticker);
      await single.dispose();
    }
    expect(queryAnsweredAt).toBeDefined();
    expect(queryAnsweredAt!).toBeLessThan(texts.length);
    expect(timerTicks).toBeGreaterThan(0);
  });

  it('embeds documents in a process of its own when asked, with the same vectors, while queries stay here', async () => {
    const texts = Array.from({ length: 40 }, (_, index) => `第${index}条 ${'区域协调发展生态补偿财政资金'.repeat(3)}${index}`);
    const separate = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false, batchSize: 1, documentProcess: true });
    try {
      const inThread = await embeddings.embedDocuments(texts);
      let queryAnsweredAt: number | undefined;
      let documentsDone = 0;
      const vectors = await separate.embedDocuments(texts, (done) => {
        documentsDone = done;
        if (done === 1) void separate.embedQuery(query).then(() => (queryAnsweredAt = documentsDone));
      });
      texts.forEach((_, index) => expect(dot(vectors[index], inThread[index])).toBeCloseTo(1, 5));
      expect(queryAnsweredAt).toBeDefined();
      expect(queryAnsweredAt!).toBeLessThan(texts.length);
      // A second call reuses the process and its loaded model.
      const [again] = await separate.embedDocuments([texts[3]]);
      expect(dot(again, inThread[3])).toBeCloseTo(1, 5);
    } finally {
      await separate.dispose();
    }
    await expect(separate.embedDocuments([documentA])).rejects.toThrow('was disposed');
  });

  it('refuses to embed after dispose', async () => {
    const disposable = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false });
    await disposable.dispose();
    await expect(disposable.embedQuery(query)).rejects.toThrow(`the embedder for ${modelId} was disposed`);
    expect(await embeddings.embedQuery(query)).toHaveLength(DIMENSIONS);
  });

  it('embeds an empty list without calling the model', async () => {
    const progress: number[] = [];
    await expect(embeddings.embedDocuments([], (done) => progress.push(done))).resolves.toEqual([]);
    expect(progress).toEqual([]);
  });
});

describe('TransformersEmbeddings.load', () => {
  it('rejects a missing model at once when remote models are disallowed', async () => {
    const started = performance.now();
    const error = await rejection(TransformersEmbeddings.load({ modelId: 'missing/bge-none-zh', modelsDir, allowRemoteModels: false }));

    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(EmbeddingUnavailableError);
    expect((error as EmbeddingUnavailableError).reason).toBe(
      `model missing/bge-none-zh not found in MODELS_DIR=${modelsDir} and remote download is disabled`,
    );
  });

  it('names the network failure when the remote host is unreachable', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));

    const error = await rejection(
      TransformersEmbeddings.load({ modelId: 'missing/model', modelsDir, allowRemoteModels: true, remoteHost: `http://127.0.0.1:${port}/` }),
    );

    expect(error).toBeInstanceOf(EmbeddingUnavailableError);
    const { reason } = error as EmbeddingUnavailableError;
    expect(reason).toContain(`model missing/model not found in MODELS_DIR=${modelsDir} and remote download from http://127.0.0.1:${port}/ failed:`);
    expect(reason).toContain('ECONNREFUSED');
    expect(reason).not.toContain('\n');
  });

  it('gives up on a remote host that never answers', async () => {
    const silent = createServer(() => undefined);
    const port = await listen(silent);
    try {
      const started = performance.now();
      const error = await rejection(
        TransformersEmbeddings.load({ modelId: 'missing/model', modelsDir, remoteHost: `http://127.0.0.1:${port}/`, timeoutMs: 300 }),
      );

      expect(performance.now() - started).toBeLessThan(3_000);
      expect((error as EmbeddingUnavailableError).reason).toBe(
        `model missing/model not found in MODELS_DIR=${modelsDir} and remote download from http://127.0.0.1:${port}/ made no progress for 0.3 s`,
      );
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('downloads from a mirror that is slow but keeps sending, then loads from the cache offline', async () => {
    const emptyModelsDir = await mkdtemp(join(tmpdir(), 'no-models-'));
    const cacheDir = await mkdtemp(join(tmpdir(), 'model-cache-'));
    // Serves the tiny model in the Hub's URL layout, 32 KB every 100 ms: longer in total than the stall timeout.
    const mirror = createServer(async (request, response) => {
      const [, repository, file] = /^\/(.+)\/resolve\/main\/(.+)$/.exec(decodeURIComponent(request.url ?? '')) ?? [];
      const path = repository && join(modelsDir, repository, file);
      if (!path || !existsSync(path)) return void response.writeHead(404).end();
      const bytes = await readFile(path);
      response.writeHead(200, { 'content-length': bytes.length });
      for (let offset = 0; offset < bytes.length; offset += 32_768) {
        response.write(bytes.subarray(offset, offset + 32_768));
        await pause(100);
      }
      response.end();
    });
    const port = await listen(mirror);
    try {
      const downloaded = new Set<string>();
      const started = performance.now();
      const fromMirror = await TransformersEmbeddings.load({
        modelId,
        modelsDir: emptyModelsDir,
        cacheDir,
        remoteHost: `http://127.0.0.1:${port}/`,
        timeoutMs: 400,
        onDownloadProgress: ({ file }) => downloaded.add(file),
      });
      expect(performance.now() - started).toBeGreaterThan(400);
      expect(fromMirror.dimensions).toBe(DIMENSIONS);
      expect(downloaded).toContain('onnx/model_quantized.onnx');
      await fromMirror.dispose();

      mirror.close();
      const fromCache = await TransformersEmbeddings.load({ modelId, modelsDir: emptyModelsDir, cacheDir, allowRemoteModels: false });
      expect(await fromCache.embedQuery(query)).toEqual(await embeddings.embedQuery(query));
      await fromCache.dispose();
    } finally {
      mirror.closeAllConnections();
      mirror.close();
      await rm(emptyModelsDir, { recursive: true, force: true });
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
