// Index storage: round trip, atomic replacement (also when a write fails), and loud refusal of bad indexes.
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { temporaryFolder } from '../test-support/corpus';
import { defaultAnalyzer } from './analyzer';
import { IndexError, indexFormatVersion, loadIndex, readManifest, recoverIndexFolder, saveIndex, type StoredIndex } from './index-store';
import { LexicalIndex } from './lexical-index';
import type { Chunk, IndexedChunk, PolicyDocument } from './types';
import { VectorIndex } from './vector-index';

// Lets a test make one rename fail, as a full disk or a yanked volume would.
const injected = vi.hoisted(() => ({ failRenameFrom: undefined as RegExp | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (injected.failRenameFrom?.test(String(from))) throw Object.assign(new Error(`EIO: i/o error, rename '${from}'`), { code: 'EIO' });
      return actual.rename(from, to);
    },
  };
});

const dimensions = 4;

/** A small index of `texts` (one document, one chunk each), with unit vectors when `dense`. */
function sampleIndex(texts: string[], { dense = true } = {}): Parameters<typeof saveIndex>[0]['index'] {
  const text = texts.join('\n\n');
  const document: PolicyDocument = { id: 'doc', title: '《示例通知》', file: 'doc.txt', text, contentHash: 'hash', sections: [] };
  let offset = 0;
  const chunks: IndexedChunk[] = texts.map((chunkText, i) => {
    const start = text.indexOf(chunkText, offset);
    offset = start + chunkText.length;
    return { id: `doc:${String(i).padStart(4, '0')}`, documentId: 'doc', text: chunkText, start, end: offset, section: [], tokens: [chunkText], contextTokens: [] };
  });
  const vectors = texts.map((_, i) => Float32Array.from({ length: dimensions }, (_, d) => (d === i % dimensions ? 1 : 0)));
  return {
    manifest: {
      formatVersion: indexFormatVersion,
      createdAt: '2024-01-01T00:00:00.000Z',
      embedding: dense ? { modelId: 'tiny/test', dimensions } : null,
      documents: [{ id: 'doc', file: 'doc.txt', contentHash: 'hash', chunks: chunks.length }],
      chunkCount: chunks.length,
    },
    documents: [document],
    chunks,
    lexical: LexicalIndex.fromChunks([document], chunks, defaultAnalyzer()),
    ...(dense ? { dense: VectorIndex.build(vectors, dimensions) } : {}),
  };
}

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let directory: string;

beforeEach(async () => {
  folder = await temporaryFolder('index-store');
  directory = join(folder.path, 'index');
  injected.failRenameFrom = undefined;
});

afterEach(async () => {
  injected.failRenameFrom = undefined;
  await folder.remove();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: Error) => error,
  );
}

describe('saveIndex and loadIndex', () => {
  it('round-trips documents, chunks, BM25, vectors and the hnsw graph', async () => {
    const manifest = await saveIndex({ directory, index: sampleIndex(['第一条。', '第二条。', '第三条。']) });
    expect(Object.keys(manifest.files).sort()).toEqual(['chunks.bin', 'documents.json', 'lexical.bin', 'vectors.hnsw']);

    const loaded = await loadIndex({ directory, expectDimensions: dimensions });
    expect(loaded.manifest).toEqual(manifest);
    expect(loaded.chunks.map((chunk) => chunk.text)).toEqual(['第一条。', '第二条。', '第三条。']);
    expect(loaded.documents[0].text).toBe('第一条。\n\n第二条。\n\n第三条。');
    expect([0, 1, 2].map((i) => loaded.dense!.vector(i))).toEqual([
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ]);
    expect(loaded.dense!.search([0, 0.1, 1, 0], { k: 1 })[0].doc).toBe(2);
    expect(loaded.lexical.chunks.search({ tokens: ['第二条。'], bigrams: [], context: [] }, { k: 3 }).map(({ doc }) => doc)).toEqual([1]);
  });

  it('stores each chunk text once (the document text and offsets) and keeps whatever else a chunk or document carries (copies, versions, cleaning, document number)', async () => {
    const index = sampleIndex(['第一条。', '第二条。']);
    const linked = {
      issuer: '示例局',
      docNumber: '示发〔2024〕1号',
      cleaning: { removedChars: 12, keptUncleaned: false },
      duplicateOf: 'original',
      duplicates: ['copy-a', 'copy-b'],
      versionGroup: { title: '《示例通知》', versions: [{ id: 'doc', date: '2024-01-01' }, { id: 'old' }], newest: 'doc' },
    };
    index.documents[0] = { ...index.documents[0], ...linked, sections: [{ path: ['一、总则'], start: 0, end: 4 }] };
    index.chunks[1] = { ...index.chunks[1], id: 'custom-id', section: ['一、总则'], duplicateOf: 'doc:0000' } as Chunk;
    await saveIndex({ directory, index });
    expect(await readFile(join(directory, 'documents.json'), 'utf8')).not.toContain('第二条');
    const loaded = await loadIndex({ directory });
    expect(loaded.documents[0]).toEqual({ ...index.documents[0], ...linked, sections: [{ path: ['一、总则'], start: 0, end: 4 }], text: '第一条。\n\n第二条。' });
    expect(loaded.chunks).toEqual([
      { id: 'doc:0000', documentId: 'doc', text: '第一条。', start: 0, end: 4, section: [] },
      { id: 'custom-id', documentId: 'doc', text: '第二条。', start: 6, end: 10, section: ['一、总则'], duplicateOf: 'doc:0000' },
    ]);
  });

  it('refuses to store a chunk whose text is not its document text between its offsets', async () => {
    const index = sampleIndex(['第一条。', '第二条。']);
    index.chunks[1] = { ...index.chunks[1], start: 5 };
    await expect(saveIndex({ directory, index })).rejects.toThrow('chunk doc:0001 is not its document\'s text between its offsets');
  });

  it('stores a lexical-only index without vector files', async () => {
    const manifest = await saveIndex({ directory, index: sampleIndex(['第一条。'], { dense: false }) });
    expect(Object.keys(manifest.files).sort()).toEqual(['chunks.bin', 'documents.json', 'lexical.bin']);
    const loaded = await loadIndex({ directory });
    expect(loaded.dense).toBeUndefined();
  });

  it('replaces an existing index and leaves no temporary folders behind', async () => {
    await saveIndex({ directory, index: sampleIndex(['旧条款。']) });
    await saveIndex({ directory, index: sampleIndex(['新条款一。', '新条款二。']) });
    expect(await readdir(folder.path)).toEqual(['index']);
    expect((await loadIndex({ directory })).chunks.map((chunk) => chunk.text)).toEqual(['新条款一。', '新条款二。']);
  });

  it('keeps the old index loadable when writing the new one fails midway', async () => {
    await saveIndex({ directory, index: sampleIndex(['旧条款。']) });
    const broken = sampleIndex(['新条款。']);
    broken.dense = { save: async () => Promise.reject(new Error('ENOSPC: no space left on device')) } as unknown as VectorIndex;
    await expect(saveIndex({ directory, index: broken })).rejects.toThrow('ENOSPC');
    expect(await readdir(folder.path)).toEqual(['index']);
    expect((await loadIndex({ directory })).chunks.map((chunk) => chunk.text)).toEqual(['旧条款。']);
  });

  it('keeps the old index loadable when moving the new one into place fails', async () => {
    await saveIndex({ directory, index: sampleIndex(['旧条款。']) });
    injected.failRenameFrom = /\.index\.tmp-/;
    await expect(saveIndex({ directory, index: sampleIndex(['新条款。']) })).rejects.toThrow('EIO');
    injected.failRenameFrom = undefined;
    expect(await readdir(folder.path)).toEqual(['index']);
    expect((await loadIndex({ directory })).chunks.map((chunk) => chunk.text)).toEqual(['旧条款。']);
  });
});

describe('loadIndex refuses a bad index and says how to rebuild it', () => {
  beforeEach(async () => {
    await saveIndex({ directory, index: sampleIndex(['第一条。', '第二条。']) });
  });

  const rebuild = () => `run \`npm run ingest -- --index ${directory}\` to rebuild it`;

  it('refuses a missing index', async () => {
    await rm(directory, { recursive: true });
    const error = await rejection(loadIndex({ directory }));
    expect(error).toBeInstanceOf(IndexError);
    expect(error.message).toBe(`no index at ${directory}: ${rebuild()}`);
  });

  // The vector graph is checksummed as a stream while hnswlib reads it; the other files are read whole.
  it.each(['chunks.bin', 'vectors.hnsw'])('refuses a tampered %s (checksum)', async (name) => {
    const path = join(directory, name);
    const bytes = await readFile(path);
    bytes[bytes.length - 1] ^= 1;
    await writeFile(path, bytes);
    const error = await rejection(loadIndex({ directory }));
    expect(error).toBeInstanceOf(IndexError);
    expect(error.message).toBe(`index file ${name} in ${directory} does not match its checksum: ${rebuild()}`);
  });

  it('refuses an index of an older format (JSON chunks, vectors twice) with a re-run ingest message, not a crash', async () => {
    await rm(directory, { recursive: true });
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'chunks.json'), '[]');
    await writeFile(join(directory, 'manifest.json'), JSON.stringify({ formatVersion: 7, createdAt: '', embedding: null, documents: [], chunkCount: 0, files: { 'chunks.json': 'x' } }));
    const error = await rejection(loadIndex({ directory }));
    expect(error).toBeInstanceOf(IndexError);
    expect(error.message).toBe(`index at ${directory} has format 7, this version reads format ${indexFormatVersion}: ${rebuild()}`);
  });

  it('refuses a missing data file', async () => {
    await rm(join(directory, 'vectors.hnsw'));
    const error = await rejection(loadIndex({ directory }));
    expect(error.message).toBe(`index file vectors.hnsw is missing in ${directory}: ${rebuild()}`);
  });

  it('refuses an index written in another format version', async () => {
    const path = join(directory, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...manifest, formatVersion: indexFormatVersion - 1 }));
    const error = await rejection(loadIndex({ directory }));
    expect(error).toBeInstanceOf(IndexError);
    expect(error.message).toBe(`index at ${directory} has format ${indexFormatVersion - 1}, this version reads format ${indexFormatVersion}: ${rebuild()}`);
  });

  it('refuses a manifest whose chunk count does not match the chunks', async () => {
    const path = join(directory, 'manifest.json');
    const manifest = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...manifest, chunkCount: 3 }));
    const error = await rejection(loadIndex({ directory }));
    expect(error.message).toBe(`index at ${directory} holds 2 chunks but its manifest says 3: ${rebuild()}`);
  });

  it('refuses vectors of other dimensions than the configured model gives, naming both', async () => {
    const error = await rejection(loadIndex({ directory, expectDimensions: 512 }));
    expect(error).toBeInstanceOf(IndexError);
    expect(error.message).toBe(`index at ${directory} was embedded with tiny/test (4 dimensions) but the configured model gives 512 dimensions: ${rebuild()}`);
  });

  it('loads an index that is fine', async () => {
    const loaded: StoredIndex = await loadIndex({ directory, expectDimensions: dimensions });
    expect(loaded.chunks).toHaveLength(2);
  });
});

/** The id of a process that has exited (so its leftovers count as abandoned). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('a damaged or foreign index folder', () => {
  const rebuild = () => `run \`npm run ingest -- --corpus DIR --index ${directory}\` (DIR: the folder the index was built from) to rebuild it`;

  it('refuses a truncated manifest beside the data files instead of treating the index as missing', async () => {
    await saveIndex({ directory, index: sampleIndex(['第一条。']) });
    const path = join(directory, 'manifest.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.slice(0, text.length / 2));
    const error = await rejection(readManifest(directory));
    expect(error).toBeInstanceOf(IndexError);
    expect(error.message).toBe(`index manifest ${path} is damaged (not valid JSON): ${rebuild()}`);
    expect((await rejection(loadIndex({ directory }))).message).toBe(error.message);
  });

  it('refuses a folder with data files but no manifest, and never writes over a folder that is not an index', async () => {
    await saveIndex({ directory, index: sampleIndex(['第一条。']) });
    await rm(join(directory, 'manifest.json'));
    expect((await rejection(readManifest(directory))).message).toBe(
      `index folder ${directory} holds files but no manifest.json: if it is an index, remove it and ${rebuild()}; otherwise set INDEX_DIR to another folder`,
    );
    const notAnIndex = join(folder.path, 'my-documents');
    await mkdir(notAnIndex);
    await writeFile(join(notAnIndex, 'report.docx'), 'precious');
    await expect(saveIndex({ directory: notAnIndex, index: sampleIndex(['第一条。']) })).rejects.toThrow(IndexError);
    expect(await readFile(join(notAnIndex, 'report.docx'), 'utf8')).toBe('precious');
  });

  it('treats a missing or empty folder as no index', async () => {
    expect(await readManifest(directory)).toBeUndefined();
    await mkdir(directory);
    expect(await readManifest(directory)).toBeUndefined();
  });
});

describe('recoverIndexFolder after a killed save', () => {
  it('moves the set-aside index back when a crash came between the two renames, and removes the staging folder', async () => {
    await saveIndex({ directory, index: sampleIndex(['旧条款。']) });
    const pid = deadPid();
    await rename(directory, join(folder.path, `.index.old-${pid}-1234`));
    await mkdir(join(folder.path, `.index.tmp-${pid}-5678`));
    await writeFile(join(folder.path, `.index.tmp-${pid}-5678`, 'chunks.json'), '[]');
    const actions = await recoverIndexFolder(directory);
    expect(actions).toEqual([
      `restored the index ${directory} from .index.old-${pid}-1234 (a save was interrupted)`,
      `removed .index.tmp-${pid}-5678 left by an interrupted save`,
    ]);
    expect(await readdir(folder.path)).toEqual(['index']);
    expect((await loadIndex({ directory })).chunks.map((chunk) => chunk.text)).toEqual(['旧条款。']);
  });

  it('removes leftovers of dead processes beside a good index, and keeps those of running ones', async () => {
    await saveIndex({ directory, index: sampleIndex(['条款。']) });
    const dead = deadPid();
    for (const name of [`.index.tmp-${dead}-a`, `.index.old-${dead}-b`, `.index.tmp-${process.ppid}-c`, '.other.tmp-1-d']) await mkdir(join(folder.path, name));
    const actions = await recoverIndexFolder(directory);
    expect(actions.sort()).toEqual([`removed .index.old-${dead}-b left by an interrupted save`, `removed .index.tmp-${dead}-a left by an interrupted save`]);
    expect((await readdir(folder.path)).sort()).toEqual(['.index.tmp-' + process.ppid + '-c', '.other.tmp-1-d', 'index']);
  });

  it('does nothing when there is nothing to recover', async () => {
    expect(await recoverIndexFolder(directory)).toEqual([]);
    await saveIndex({ directory, index: sampleIndex(['条款。']) });
    expect(await recoverIndexFolder(directory)).toEqual([]);
  });
});
