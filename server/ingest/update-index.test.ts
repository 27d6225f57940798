// Adding and removing documents in place: the rest of the index is left as it was, the new document's
// offsets hold, the saved index is what a start-up considers current, and vectors are added with the model.
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../../scripts/make-tiny-model';
import { loadIndex, type StoredIndex } from '../rag/index-store';
import { indexIsStale, openRagService } from '../rag/rag-service';
import { seedCorpusDir, temporaryFolder, testConfig } from '../test-support/corpus';
import { listCorpus } from './load-corpus';
import { NeedsFullIngestError, updateIndex } from './update-index';

const newNotice = '青川县关于开展农村饮水安全巡检工作的通知\n\n一、巡检范围\n各乡镇对辖区内集中供水工程开展巡检。\n\n二、时间安排\n巡检工作于2026年4月15日前完成，水质合格率要达到98%以上。\n';

let root: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const folder = await temporaryFolder('update-index');
  cleanups.push(folder.remove);
  root = folder.path;
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** A copy of the seeds, its index, and the new file written into the folder. */
async function seedsWithNewFile(name: string, env: Record<string, string> = {}) {
  const corpusDir = join(root, `${name}-corpus`);
  const indexDir = join(root, `${name}-index`);
  await cp(seedCorpusDir, corpusDir, { recursive: true });
  const service = await openRagService({ config: testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, ...env }), ingestIfStale: true });
  await writeFile(join(corpusDir, '巡检通知.txt'), newNotice);
  const entries = await listCorpus(corpusDir);
  const entry = entries.find((candidate) => candidate.meta.file === '巡检通知.txt')!;
  return { corpusDir, indexDir, service, entries, entry, bytes: await readFile(entry.path) };
}

describe('updateIndex', () => {
  it('adds a document without touching the others, and the saved index counts as current', async () => {
    const { corpusDir, indexDir, service, entries, entry, bytes } = await seedsWithNewFile('lexical');
    const before = service.index.stored;
    const { stored, added } = await updateIndex({
      stored: before,
      indexDir,
      update: { add: [{ meta: entry.meta, bytes }], remove: [] },
      analyzer: service.index.analyzer,
      fileOrder: entries.map((candidate) => candidate.meta.file),
    });
    expect(added.map((document) => document.title)).toEqual(['《青川县关于开展农村饮水安全巡检工作的通知》']);
    // The served index is not changed underneath its readers.
    expect(before.documents).toHaveLength(5);
    expect(stored.documents.map((document) => document.file)).toEqual(entries.map((candidate) => candidate.meta.file));
    for (const chunk of before.chunks) expect(stored.chunks).toContain(chunk);
    const document = stored.documents.find((candidate) => candidate.id === entry.meta.id)!;
    const chunks = stored.chunks.filter((chunk) => chunk.documentId === document.id);
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(document.text.slice(chunk.start, chunk.end)).toBe(chunk.text);
    // The new clauses are searchable by their words; the kept ones keep theirs.
    expect(stored.lexical.chunks.size).toBe(stored.chunks.length);
    const found = stored.lexical.chunks.search({ tokens: service.index.analyzer.queryTokens('农村饮水安全巡检'), bigrams: [], context: [] }, { k: 3 });
    expect(stored.chunks[found[0].doc].documentId).toBe(document.id);
    const kept = before.chunks.length - 1;
    expect(stored.lexical.chunks.search({ tokens: service.index.analyzer.queryTokens(before.chunks[kept].text), bigrams: [], context: [] }, { k: 1 })[0].doc).toBe(stored.chunks.indexOf(before.chunks[kept]));
    expect(await indexIsStale({ corpusDir, indexDir })).toBe(false);
    const reloaded = await loadIndex({ directory: indexDir });
    expect(reloaded.manifest.chunkCount).toBe(before.chunks.length + chunks.length);
    expect(reloaded.vocabulary).toEqual(before.vocabulary);

    // Removing it again gives back the index as it was.
    await rm(join(corpusDir, '巡检通知.txt'));
    const { stored: restored, removed } = await updateIndex({
      stored,
      indexDir,
      update: { add: [], remove: [document.id] },
      analyzer: service.index.analyzer,
      fileOrder: entries.map((candidate) => candidate.meta.file),
    });
    expect(removed.map((candidate) => candidate.id)).toEqual([document.id]);
    expect(restored.chunks).toEqual(before.chunks);
    expect(restored.manifest.documents).toEqual(before.manifest.documents);
    expect(await indexIsStale({ corpusDir, indexDir })).toBe(false);
  });

  it('embeds only the new clauses with the index model, and refuses to go on without it', async () => {
    const modelsDir = join(root, 'models');
    const { modelId } = await writeTinyModel({ directory: modelsDir, dimensions: 32 });
    const { indexDir, service, entries, entry, bytes } = await seedsWithNewFile('dense', { EMBEDDING_MODEL: modelId, MODELS_DIR: modelsDir });
    const before: StoredIndex = service.index.stored;
    expect(before.dense?.size).toBe(before.chunks.length);
    const update = { add: [{ meta: entry.meta, bytes }], remove: [] };
    const fileOrder = entries.map((candidate) => candidate.meta.file);

    await expect(updateIndex({ stored: before, indexDir, update, analyzer: service.index.analyzer, fileOrder })).rejects.toThrow(NeedsFullIngestError);

    const embedded: string[] = [];
    const embedder = service.index.embedder as unknown as { modelId: string; embedDocuments(texts: string[]): Promise<number[][]> };
    const counting = { modelId: embedder.modelId, embedDocuments: (texts: string[]) => (embedded.push(...texts), embedder.embedDocuments(texts)) };
    const { stored } = await updateIndex({ stored: before, indexDir, update, analyzer: service.index.analyzer, embedder: counting, fileOrder });
    const newChunks = stored.chunks.filter((chunk) => chunk.documentId === entry.meta.id);
    expect(embedded).toHaveLength(newChunks.length);
    expect(stored.dense?.size).toBe(stored.chunks.length);
    // Old clauses keep their vectors.
    const oldPosition = stored.chunks.indexOf(before.chunks[0]);
    expect(stored.dense!.vector(oldPosition).map((value) => value.toFixed(5))).toEqual(before.dense!.vector(0).map((value) => value.toFixed(5)));
    const reloaded = await loadIndex({ directory: indexDir });
    expect(reloaded.dense?.size).toBe(stored.chunks.length);
  });
});
