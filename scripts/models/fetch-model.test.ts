// Fetching a model folder from a hub-layout mirror on loopback (the tiny generated model stands in for the
// real one), checking it against a lock, and reading jar entries; nothing leaves the machine.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransformersEmbeddings } from '../../server/rag/embedder';
import { temporaryFolder } from '../../server/test-support/corpus';
import { writeTinyModel } from '../make-tiny-model';
import { fetchModel, readModelLock, sha256, verifyModelFolder, writtenFiles, type LockedModel, type ModelLock } from './fetch-model';
import { extractZipEntries } from './read-zip';

const modelId = 'tiny/bge-tiny-zh';
let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let servedDir: string;
let lock: ModelLock;
let mirror: Server;
let mirrorUrl: string;
const requested: string[] = [];

beforeAll(async () => {
  folder = await temporaryFolder('fetch-model');
  servedDir = join(folder.path, 'served');
  await writeTinyModel({ directory: servedDir, dimensions: 16, modelId });
  const served = join(servedDir, modelId);
  const model: LockedModel = {
    description: 'tiny test model',
    dimensions: 16,
    config: JSON.parse(await readFile(join(served, 'config.json'), 'utf8')),
    tokenizerConfig: JSON.parse(await readFile(join(served, 'tokenizer_config.json'), 'utf8')),
    files: {},
    precisions: { quantized: ['tokenizer.json', 'onnx/model_quantized.onnx'], full: ['tokenizer.json', 'onnx/model.onnx'] },
  };
  for (const path of ['tokenizer.json', 'onnx/model_quantized.onnx', 'onnx/model.onnx']) model.files[path] = sha256(await readFile(join(served, path)));
  for (const [path, bytes] of writtenFiles(model)) model.files[path] = sha256(bytes);
  lock = { models: { [modelId]: model } };

  mirror = createServer(async (request, response) => {
    const [, repository, file] = /^\/(.+)\/resolve\/main\/(.+)$/.exec(decodeURIComponent(request.url ?? '')) ?? [];
    const path = repository && join(servedDir, repository, file);
    requested.push(file ?? request.url ?? '');
    if (!path || !existsSync(path)) return void response.writeHead(404).end();
    response.writeHead(200).end(await readFile(path));
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  mirror?.close();
  await folder?.remove();
});

describe('fetchModel from a hub-layout mirror', () => {
  it('lays out a folder transformers.js loads, every file matching the lock', async () => {
    const modelsDir = join(folder.path, 'models');
    const report = await fetchModel({ modelId, modelsDir, precisions: ['quantized'], sources: [{ source: 'hub', host: mirrorUrl }], lock });

    expect(report.from).toBe(mirrorUrl);
    expect(report.files.map((check) => [check.path, check.status]).sort()).toEqual([
      ['config.json', 'ok'],
      ['onnx/model_quantized.onnx', 'ok'],
      ['tokenizer.json', 'ok'],
      ['tokenizer_config.json', 'ok'],
    ]);
    const embedder = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false });
    expect(embedder.dimensions).toBe(16);
    await embedder.dispose();

    requested.length = 0;
    const again = await fetchModel({ modelId, modelsDir, precisions: ['quantized'], sources: [{ source: 'hub', host: mirrorUrl }], lock });
    expect(again.from).toBe('already present');
    expect(requested).toEqual([]);
  });

  it('fetches only the precision that is missing', async () => {
    const modelsDir = join(folder.path, 'models');
    requested.length = 0;
    await fetchModel({ modelId, modelsDir, precisions: ['quantized', 'full'], sources: [{ source: 'hub', host: mirrorUrl }], lock });
    expect(requested.sort()).toEqual(['onnx/model.onnx', 'tokenizer.json']);
    expect(existsSync(join(modelsDir, modelId, 'onnx', 'model.onnx'))).toBe(true);
  });

  it('refuses a file whose sha256 differs from the lock and leaves no model folder behind', async () => {
    const modelsDir = join(folder.path, 'models-tampered');
    const tampered: ModelLock = { models: { [modelId]: { ...lock.models[modelId], files: { ...lock.models[modelId].files, 'onnx/model_quantized.onnx': '0'.repeat(64) } } } };
    await expect(fetchModel({ modelId, modelsDir, precisions: ['quantized'], sources: [{ source: 'hub', host: mirrorUrl }], lock: tampered })).rejects.toThrow(
      /onnx\/model_quantized\.onnx: sha256 [0-9a-f]{64} is not the recorded 0{64}/,
    );
    expect(existsSync(join(modelsDir, modelId, 'config.json'))).toBe(false);
  });

  it('names every source it tried when none works', async () => {
    const modelsDir = join(folder.path, 'models-none');
    const unused = createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const closed = `http://127.0.0.1:${(unused.address() as AddressInfo).port}/`;
    await new Promise((resolve) => unused.close(resolve));
    await expect(
      fetchModel({ modelId: 'missing/model', modelsDir, precisions: ['quantized'], sources: [{ source: 'hub', host: mirrorUrl }], lock: { models: { 'missing/model': lock.models[modelId] } } }),
    ).rejects.toThrow(`could not fetch missing/model:\n  ${mirrorUrl}: HTTP 404 for ${mirrorUrl}missing/model/resolve/main/tokenizer.json`);
    await expect(fetchModel({ modelId, modelsDir, precisions: ['quantized'], sources: [{ source: 'hub', host: closed }], lock })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('finds a changed file when verifying', async () => {
    const modelsDir = join(folder.path, 'models');
    const tokenizer = join(modelsDir, modelId, 'tokenizer.json');
    await writeFile(tokenizer, (await readFile(tokenizer, 'utf8')).replace('[UNK]', '[UNKNOWN]'));
    const checks = await verifyModelFolder({ folder: join(modelsDir, modelId), model: lock.models[modelId] });
    expect(checks.find((check) => check.path === 'tokenizer.json')?.status).toBe('mismatch');
    expect(checks.filter((check) => check.status === 'ok')).toHaveLength(4);
  });
});

describe('the lock file', () => {
  it('records the sha256 of the config files it writes, for every model', async () => {
    const { models } = await readModelLock();
    for (const model of Object.values(models)) {
      for (const [path, bytes] of writtenFiles(model)) expect(model.files[path]).toBe(sha256(bytes));
      for (const files of Object.values(model.precisions)) for (const path of files) expect(model.files[path]).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe('extractZipEntries', () => {
  it('reads deflated entries of a zip archive', async () => {
    const archive = join(folder.path, 'sample.docx');
    await writeFile(archive, await Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph('生态补偿资金由省级财政统筹安排')] }] })));
    const entries = await extractZipEntries(archive, ['word/document.xml', '[Content_Types].xml']);
    expect(entries.get('word/document.xml')!.toString('utf8')).toContain('生态补偿资金由省级财政统筹安排');
    await expect(extractZipEntries(archive, ['model.onnx'])).rejects.toThrow(`${archive} has no entry model.onnx`);
  });
});
