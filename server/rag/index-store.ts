// Index storage: writes the index to a temporary folder and renames it into place; verifies on load.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { IndexedChunk, PolicyDocument } from './types.js';
import { VectorIndex } from './vector-index.js';

/** Bumped whenever cleaning, splitting or tokenising changes what an index holds. */
export const indexFormatVersion = 8;

export interface IndexManifest {
  formatVersion: number;
  createdAt: string;
  embedding: { modelId: string; dimensions: number } | null;
  documents: { id: string; file: string; contentHash: string; chunks: number }[];
  chunkCount: number;
  /** Absolute path of the folder the index was built from (absent in indexes of older versions). */
  corpusDir?: string;
  /** The vocabulary the chunks were tokenized with: a fingerprint of the files, and how many corpus terms were found. */
  vocabulary?: { hash: string; corpusWords: number };
  /** sha256 of every data file in the folder. */
  files: Record<string, string>;
}

/** Everything an index folder holds, in memory. */
export interface StoredIndex {
  manifest: IndexManifest;
  documents: PolicyDocument[];
  chunks: IndexedChunk[];
  /** Terms discovered in the corpus at ingest, part of the segmenter's dictionary for this index. */
  vocabulary?: { corpusWords: string[] };
  /** Chunk vectors in chunk order, when an embedding model was available. */
  vectors?: Float32Array[];
  dense?: VectorIndex;
}

/** A missing, stale or corrupt index: the message says what to run. */
export class IndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexError';
  }
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes the index atomically: everything goes into a sibling temporary folder, which then replaces
 * `directory` by rename, so a reader never sees a half-written index and a crash leaves the old one.
 */
export async function saveIndex({ directory, index }: { directory: string; index: Omit<StoredIndex, 'manifest'> & { manifest: Omit<IndexManifest, 'files'> } }): Promise<IndexManifest> {
  const parent = dirname(directory);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(directory)}.tmp-${process.pid}-${randomUUID()}`);
  await mkdir(staging, { recursive: true });
  try {
    const files: Record<string, string> = {};
    const put = async (name: string, bytes: Uint8Array | string) => {
      await writeFile(join(staging, name), bytes);
      files[name] = sha256(bytes);
    };
    await put('documents.json', JSON.stringify(index.documents));
    await put('chunks.json', JSON.stringify(index.chunks));
    if (index.vocabulary) await put('vocabulary.json', JSON.stringify(index.vocabulary));
    if (index.vectors && index.dense && index.manifest.embedding) {
      await put('vectors.bin', packVectors(index.vectors, index.manifest.embedding.dimensions));
      await index.dense.write(join(staging, 'vectors.hnsw'));
      files['vectors.hnsw'] = sha256(await readFile(join(staging, 'vectors.hnsw')));
    }
    const manifest: IndexManifest = { ...index.manifest, files };
    await writeFile(join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));

    const previous = join(parent, `.${basename(directory)}.old-${process.pid}-${randomUUID()}`);
    let moved = false;
    try {
      await rename(directory, previous);
      moved = true;
    } catch {
      // no previous index
    }
    try {
      await rename(staging, directory);
    } catch (error) {
      // Put the old index back, so a failed write never leaves the server without one.
      if (moved) await rename(previous, directory).catch(() => undefined);
      throw error;
    }
    if (moved) await rm(previous, { recursive: true, force: true });
    return manifest;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Reads the index manifest only (cheap: used to decide whether ingestion is needed). */
export async function readManifest(directory: string): Promise<IndexManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(directory, 'manifest.json'), 'utf8')) as IndexManifest;
  } catch {
    return undefined;
  }
}

/**
 * Loads and verifies an index: format version, every file checksum, chunk count and, when the
 * caller pins an embedding model, its id and dimensions. Any mismatch throws an IndexError that
 * says what is wrong and which command rebuilds the index.
 */
export async function loadIndex({ directory, expectDimensions }: { directory: string; expectDimensions?: number }): Promise<StoredIndex> {
  const rebuild = `run \`npm run ingest -- --index ${directory}\` to rebuild it`;
  const manifest = await readManifest(directory);
  if (!manifest) throw new IndexError(`no index at ${directory}: ${rebuild}`);
  if (manifest.formatVersion !== indexFormatVersion) {
    throw new IndexError(`index at ${directory} has format ${manifest.formatVersion}, this version reads format ${indexFormatVersion}: ${rebuild}`);
  }
  const bytes: Record<string, Buffer> = {};
  for (const [name, expected] of Object.entries(manifest.files ?? {})) {
    try {
      bytes[name] = await readFile(join(directory, name));
    } catch {
      throw new IndexError(`index file ${name} is missing in ${directory}: ${rebuild}`);
    }
    if (sha256(bytes[name]) !== expected) throw new IndexError(`index file ${name} in ${directory} does not match its checksum: ${rebuild}`);
  }
  if (!bytes['documents.json'] || !bytes['chunks.json']) throw new IndexError(`index at ${directory} is incomplete: ${rebuild}`);
  const documents = JSON.parse(bytes['documents.json'].toString('utf8')) as PolicyDocument[];
  const chunks = JSON.parse(bytes['chunks.json'].toString('utf8')) as IndexedChunk[];
  if (chunks.length !== manifest.chunkCount) {
    throw new IndexError(`index at ${directory} holds ${chunks.length} chunks but its manifest says ${manifest.chunkCount}: ${rebuild}`);
  }
  const vocabulary = bytes['vocabulary.json'] ? (JSON.parse(bytes['vocabulary.json'].toString('utf8')) as StoredIndex['vocabulary']) : { corpusWords: [] };
  const stored: StoredIndex = { manifest, documents, chunks, vocabulary };
  if (manifest.embedding && bytes['vectors.bin'] && bytes['vectors.hnsw']) {
    const { dimensions } = manifest.embedding;
    if (expectDimensions !== undefined && expectDimensions !== dimensions) {
      throw new IndexError(`index at ${directory} was embedded with ${manifest.embedding.modelId} (${dimensions} dimensions) but the configured model gives ${expectDimensions} dimensions: ${rebuild}`);
    }
    stored.vectors = unpackVectors(bytes['vectors.bin'], dimensions);
    if (stored.vectors.length !== chunks.length) throw new IndexError(`index at ${directory} has ${stored.vectors.length} vectors for ${chunks.length} chunks: ${rebuild}`);
    stored.dense = await VectorIndex.read(join(directory, 'vectors.hnsw'), dimensions, chunks.length);
  }
  return stored;
}

function packVectors(vectors: Float32Array[], dimensions: number): Uint8Array {
  const packed = new Float32Array(vectors.length * dimensions);
  vectors.forEach((vector, i) => packed.set(vector, i * dimensions));
  return new Uint8Array(packed.buffer);
}

function unpackVectors(bytes: Buffer, dimensions: number): Float32Array[] {
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const vectors: Float32Array[] = [];
  for (let i = 0; i + dimensions <= all.length; i += dimensions) vectors.push(all.subarray(i, i + dimensions));
  return vectors;
}
