// The RAG service end to end with the generated tiny ONNX model: real transformers.js + hnswlib, nothing downloaded.
import { randomUUID } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../../scripts/make-tiny-model';
import { createApp } from '../app';
import { seedCorpusDir, temporaryFolder, testConfig } from '../test-support/corpus';
import { indexIsStale, openRagService, type RagService } from './rag-service';

let root: string;
let modelsDir: string;
let modelId: string;
let corpusDir: string;
let indexDir: string;
let service: RagService;
const notices: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

const configFor = (env: Record<string, string> = {}) =>
  testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, EMBEDDING_MODEL: modelId, MODELS_DIR: modelsDir, ...env });

beforeAll(async () => {
  const folder = await temporaryFolder('dense');
  cleanups.push(folder.remove);
  root = folder.path;
  modelsDir = join(root, 'models');
  corpusDir = join(root, 'corpus');
  indexDir = join(root, 'index');
  ({ modelId } = await writeTinyModel({ directory: modelsDir, dimensions: 32 }));
  await cp(seedCorpusDir, corpusDir, { recursive: true });
  service = await openRagService({ config: configFor(), ingestIfStale: true, onNotice: (message) => notices.push(message) });
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('openRagService with the tiny embedding model', () => {
  it('ingests the missing index once, with vectors, and says so in one line', () => {
    expect(notices).toEqual([`index in ${indexDir} is missing or older than ${corpusDir}: ingesting`]);
    expect(service.index.hasDense).toBe(true);
    expect(service.index.stored.manifest.embedding).toEqual({ modelId, dimensions: 32 });
    expect(service.index.stored.dense?.size).toBe(service.index.chunks.length);
  });

  it('finds the expected clause by dense retrieval alone', async () => {
    const results = await service.index.search('共同打造国际航空门户枢纽，建成成都天府国际机场', { k: 5, mode: 'dense' });
    expect(results[0].section).toEqual(['二、合力建设现代基础设施网络', '（九）共同打造国际航空门户枢纽']);
    expect(results[0].score).toBeGreaterThan(0);
    expect(results[0].score).toBeLessThanOrEqual(1);
  });

  it('fuses dense and lexical rankings in hybrid mode', async () => {
    const hybrid = await service.index.search('共同打造国际航空门户枢纽，建成成都天府国际机场', { k: 5 });
    expect(hybrid[0].section).toEqual(['二、合力建设现代基础设施网络', '（九）共同打造国际航空门户枢纽']);
    const yunnan = await service.index.search('滇中城市群常住人口城镇化率到2025年要达到多少？', { k: 5, mode: 'hybrid' });
    expect(yunnan.some((result) => result.text.includes('滇中城市群常住人口城镇化率达到65%左右'))).toBe(true);
  });

  it('restricts dense retrieval to the documents asked for', async () => {
    const results = await service.index.search('国际航空门户枢纽', { k: 10, mode: 'dense', documents: ['yunnan-regional-coordination'] });
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((result) => result.documentId === 'yunnan-regional-coordination')).toBe(true);
  });

  it('reports dense retrieval and the model in health', async () => {
    const response = await createApp(service).request('/api/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      documents: 5,
      chunks: service.index.chunks.length,
      retrieval: { lexical: true, dense: true, embeddingModel: modelId },
      llm: { provider: 'extractive', model: null },
    });
  });

  it('opens an up-to-date index without ingesting again', async () => {
    expect(await indexIsStale({ corpusDir, indexDir })).toBe(false);
    const reopened: string[] = [];
    const again = await openRagService({ config: configFor(), ingestIfStale: true, onNotice: (message) => reopened.push(message) });
    expect(reopened).toEqual([]);
    expect(again.index.hasDense).toBe(true);
  });

  it('serves lexical retrieval, saying why, when the model the index was built with is gone', async () => {
    const offline: string[] = [];
    const lexicalOnly = await openRagService({ config: configFor({ MODELS_DIR: join(root, 'elsewhere') }), onNotice: (message) => offline.push(message) });
    expect(lexicalOnly.index.hasDense).toBe(false);
    expect(lexicalOnly.denseOffReason).toBe(`model ${modelId} not found in MODELS_DIR=${join(root, 'elsewhere')} and remote download is disabled`);
    // npm start prints the one short line (denseOffLine); the reason is for LOG_LEVEL=debug and health.
    expect(offline).toEqual([]);
    const healthText = await (await createApp(lexicalOnly).request('/api/health')).text();
    // Health is public: it says why, without the server's paths.
    expect(healthText).not.toContain(root);
    expect(JSON.parse(healthText).retrieval).toEqual({ lexical: true, dense: false, embeddingModel: null, denseOffReason: `model ${modelId} not found in MODELS_DIR=… and remote download is disabled` });
    const results = await lexicalOnly.index.search('共同打造国际航空门户枢纽', { k: 3, mode: 'dense' });
    expect(results[0].section).toEqual(['二、合力建设现代基础设施网络', '（九）共同打造国际航空门户枢纽']);
  });

  it('refuses an index whose vectors have other dimensions than the model, naming both and the command', async () => {
    const otherModels = join(root, 'models-48');
    await writeTinyModel({ directory: otherModels, dimensions: 48 });
    await expect(openRagService({ config: configFor({ MODELS_DIR: otherModels }) })).rejects.toThrow(
      `index ${indexDir} was embedded with 32 dimensions but ${modelId} gives 48: run \`npm run ingest\` to rebuild it`,
    );
  });
});

describe('indexIsStale', () => {
  it('notices a missing index, an edited file, an added file, a manifest change and an older index format', async () => {
    const folder = await temporaryFolder('stale');
    cleanups.push(folder.remove);
    const corpus = join(folder.path, 'corpus');
    const index = join(folder.path, 'index');
    await cp(seedCorpusDir, corpus, { recursive: true });
    expect(await indexIsStale({ corpusDir: corpus, indexDir: index })).toBe(true);

    const open = () => openRagService({ config: testConfig({ CORPUS_DIR: corpus, INDEX_DIR: index }), ingestIfStale: true });
    await open();
    expect(await indexIsStale({ corpusDir: corpus, indexDir: index })).toBe(false);

    await writeFile(join(corpus, 'extra.txt'), '关于加强生态环境保护的通知\n\n一、加强大气污染防治。');
    expect(await indexIsStale({ corpusDir: corpus, indexDir: index })).toBe(true);
    expect((await open()).index.document('extra')?.title).toBe('《关于加强生态环境保护的通知》');

    await writeFile(join(corpus, 'extra.txt'), '关于加强生态环境保护的通知\n\n一、加强水污染防治。');
    expect(await indexIsStale({ corpusDir: corpus, indexDir: index })).toBe(true);
    expect((await open()).index.document('extra')?.text).toContain('加强水污染防治');

    const manifestPath = join(corpus, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    manifest.documents[0].title = '《新标题》';
    await writeFile(manifestPath, JSON.stringify(manifest));
    expect(await indexIsStale({ corpusDir: corpus, indexDir: index })).toBe(true);
    expect((await open()).index.document(manifest.documents[0].id)?.title).toBe('《新标题》');

    // An index written by an older version of the code (after an upgrade) is rebuilt, not refused.
    const indexManifestPath = join(index, 'manifest.json');
    const written = JSON.parse(await readFile(indexManifestPath, 'utf8'));
    await writeFile(indexManifestPath, JSON.stringify({ ...written, formatVersion: written.formatVersion - 1 }));
    expect(await indexIsStale({ corpusDir: corpus, indexDir: index })).toBe(true);
    await open();
    expect(JSON.parse(await readFile(indexManifestPath, 'utf8')).formatVersion).toBe(written.formatVersion);
  });
});

describe('the embedding setting when serving', () => {
  it('turns dense retrieval off with EMBEDDING_MODEL=none although the index has vectors, and says why', async () => {
    const lines: string[] = [];
    const lexical = await openRagService({ config: configFor({ EMBEDDING_MODEL: 'none' }), ingestIfStale: true, onNotice: (message) => lines.push(message) });
    expect(lexical.index.hasDense).toBe(false);
    expect(lexical.index.embedder).toBeUndefined();
    expect(lexical.denseOffReason).toBe('EMBEDDING_MODEL=none turns dense retrieval off');
    expect(lines).toEqual([]);
    const health = await (await createApp(lexical).request('/api/health')).json();
    expect(health.retrieval).toEqual({ lexical: true, dense: false, embeddingModel: null, denseOffReason: 'EMBEDDING_MODEL=none turns dense retrieval off' });
  });

  it('says in one line that the index was built with another model than EMBEDDING_MODEL, and what to run', async () => {
    const lines: string[] = [];
    const served = await openRagService({ config: configFor({ EMBEDDING_MODEL: 'BAAI/bge-m3' }), ingestIfStale: true, onNotice: (message) => lines.push(message) });
    expect(lines).toEqual([
      `the index in ${indexDir} was built with embedding model ${modelId}, not EMBEDDING_MODEL=BAAI/bge-m3: serving it with ${modelId}; run \`npm run ingest -- --corpus ${corpusDir} --index ${indexDir}\` to rebuild it with BAAI/bge-m3`,
    ]);
    expect(served.index.embedder?.modelId).toBe(modelId);
  });
});

describe('embedding models arriving later', () => {
  it('builds dense vectors at ingest from MODEL_MIRROR when the model is only on the mirror', async () => {
    const repository = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const mirrorModels = join(root, 'mirror');
    // A model id of its own, so the download cache entry belongs to this test alone.
    const mirroredId = `mirror-test-${randomUUID().slice(0, 8)}/tiny`;
    await writeTinyModel({ directory: mirrorModels, dimensions: 24, modelId: mirroredId });
    cleanups.push(() => rm(join(repository, '.cache/transformers', mirroredId.split('/')[0]), { recursive: true, force: true }));
    const requested: string[] = [];
    const mirror = createServer(async (request, response) => {
      requested.push(request.url ?? '');
      // The hub's layout: /<model id>/resolve/<revision>/<file>.
      const match = /^\/(.+?)\/resolve\/[^/]+\/(.+)$/.exec(decodeURIComponent(request.url ?? ''));
      const bytes = match ? await readFile(join(mirrorModels, match[1], match[2])).catch(() => undefined) : undefined;
      if (!bytes) response.writeHead(404).end();
      else response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    });
    await new Promise<void>((ready) => mirror.listen(0, '127.0.0.1', ready));
    cleanups.push(() => new Promise<void>((closed) => mirror.close(() => closed())));
    const folder = await temporaryFolder('mirror-index');
    cleanups.push(folder.remove);
    const mirrored = await openRagService({
      config: testConfig({
        CORPUS_DIR: corpusDir,
        INDEX_DIR: join(folder.path, 'index'),
        EMBEDDING_MODEL: mirroredId,
        MODELS_DIR: join(root, 'no-models'),
        ALLOW_REMOTE_MODELS: 'true',
        MODEL_MIRROR: `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`,
      }),
      ingestIfStale: true,
    });
    expect(requested.some((url) => url.includes('config.json'))).toBe(true);
    expect(mirrored.index.stored.manifest.embedding).toEqual({ modelId: mirroredId, dimensions: 24 });
    expect(mirrored.index.hasDense).toBe(true);
  });

  it('turns dense retrieval on at re-index when the model has become available since the server started', async () => {
    const folder = await temporaryFolder('late-model');
    cleanups.push(folder.remove);
    const lateModels = join(folder.path, 'models');
    const config = configFor({ INDEX_DIR: join(folder.path, 'index'), MODELS_DIR: lateModels, ADMIN_TOKEN: 'admin-secret' });
    const started = await openRagService({ config, ingestIfStale: true });
    expect(started.index.hasDense).toBe(false);
    await writeTinyModel({ directory: lateModels, dimensions: 32 });
    const app = createApp(started);
    const response = await app.request('/api/admin/reindex', { method: 'POST', headers: { authorization: 'Bearer admin-secret' } });
    expect(response.status).toBe(200);
    expect((await response.json()).dense).toBe(true);
    expect(started.index.hasDense).toBe(true);
    expect(started.denseOffReason).toBeUndefined();
    const health = await (await app.request('/api/health')).json();
    expect(health.retrieval).toEqual({ lexical: true, dense: true, embeddingModel: modelId });
  });

  it('gives an index built before the model was fetched its vectors at the next start', async () => {
    const folder = await temporaryFolder('fetched-later');
    cleanups.push(folder.remove);
    const laterModels = join(folder.path, 'models');
    const config = configFor({ INDEX_DIR: join(folder.path, 'index'), MODELS_DIR: laterModels });
    const before = await openRagService({ config, ingestIfStale: true });
    expect(before.index.hasDense).toBe(false);
    await writeTinyModel({ directory: laterModels, dimensions: 32 });
    const lines: string[] = [];
    const after = await openRagService({ config, ingestIfStale: true, onNotice: (message) => lines.push(message) });
    expect(lines).toEqual([`index in ${config.INDEX_DIR} has no vectors and ${modelId} is now in ${laterModels}: ingesting again with it`]);
    expect(after.index.hasDense).toBe(true);
    expect(after.denseOffReason).toBeUndefined();
    // Started once more, the index is left as it is.
    const again: string[] = [];
    await openRagService({ config, ingestIfStale: true, onNotice: (message) => again.push(message) });
    expect(again).toEqual([]);
  });

  it('leaves an index built without vectors on purpose (EMBEDDING_MODEL=none) as it is when the model is there', async () => {
    const folder = await temporaryFolder('lexical-on-purpose');
    cleanups.push(folder.remove);
    const indexDir = join(folder.path, 'index');
    await openRagService({ config: configFor({ INDEX_DIR: indexDir, EMBEDDING_MODEL: 'none' }), ingestIfStale: true });
    const lines: string[] = [];
    const served = await openRagService({ config: configFor({ INDEX_DIR: indexDir }), ingestIfStale: true, onNotice: (message) => lines.push(message) });
    expect(lines).toEqual([]);
    expect(served.index.hasDense).toBe(false);
    expect(served.denseOffReason).toBe('the index was built without an embedding model');
  });
});
