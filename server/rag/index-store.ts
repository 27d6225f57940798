// Index storage: writes the index to a temporary folder and renames it into place; verifies on load.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import type { IndexedChunk, PolicyDocument } from './types.js';
import { VectorIndex } from './vector-index.js';

/** Bumped whenever cleaning, splitting or tokenising changes what an index holds. */
export const indexFormatVersion = 9;

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
  await assertReplaceable(directory);
  const parent = dirname(directory);
  await mkdir(parent, { recursive: true });
  const staging = siblingPath(directory, 'tmp');
  await mkdir(staging, { recursive: true });
  savesInProgress.add(staging);
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

    const previous = siblingPath(directory, 'old');
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
  } finally {
    savesInProgress.delete(staging);
  }
}

/** How to rebuild an index whose own record of its corpus folder cannot be trusted. */
const rebuildFromCorpus = (directory: string) => `run \`npm run ingest -- --corpus DIR --index ${directory}\` (DIR: the folder the index was built from) to rebuild it`;

/**
 * Reads the index manifest only (cheap: used to decide whether ingestion is needed). Undefined when
 * there is no index (no folder, or an empty one); an IndexError when the folder holds files but its
 * manifest is missing or damaged, so a damaged index is never mistaken for a missing one.
 */
export async function readManifest(directory: string): Promise<IndexManifest | undefined> {
  const path = join(directory, 'manifest.json');
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new IndexError(`index manifest ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${rebuildFromCorpus(directory)}`);
    if ((await folderEntries(directory)).length === 0) return undefined;
    throw new IndexError(`index folder ${directory} holds files but no manifest.json: if it is an index, remove it and ${rebuildFromCorpus(directory)}; otherwise set INDEX_DIR to another folder`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(raw);
  } catch {
    throw new IndexError(`index manifest ${path} is damaged (not valid JSON): ${rebuildFromCorpus(directory)}`);
  }
  const shaped = manifest as Partial<IndexManifest> | null;
  if (!shaped || typeof shaped !== 'object' || typeof shaped.formatVersion !== 'number' || !Array.isArray(shaped.documents) || typeof shaped.files !== 'object') {
    throw new IndexError(`index manifest ${path} is damaged (fields missing): ${rebuildFromCorpus(directory)}`);
  }
  return manifest as IndexManifest;
}

/** Refuses to replace a folder that holds files but no index manifest (INDEX_DIR pointed at someone's documents). */
async function assertReplaceable(directory: string): Promise<void> {
  const entries = await folderEntries(directory);
  if (entries.length > 0 && !entries.includes('manifest.json')) {
    throw new IndexError(`index folder ${directory} holds files but no manifest.json: not replacing it; remove it if it is an old index, or set INDEX_DIR to another folder`);
  }
}

async function folderEntries(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Staging folders this process is writing right now (never removed as leftovers). */
const savesInProgress = new Set<string>();

/** `.index.tmp-<pid>-<uuid>` (being written) or `.index.old-<pid>-<uuid>` (the replaced index, set aside), beside `directory`. */
function siblingPath(directory: string, kind: 'tmp' | 'old'): string {
  return join(dirname(directory), `.${basename(directory)}.${kind}-${process.pid}-${randomUUID()}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Repairs what a killed `saveIndex` leaves beside the index folder: when the folder is missing but a
 * set-aside copy exists (killed between the two renames), the newest copy is moved back; staging and
 * set-aside folders of processes that no longer run are removed. Returns one line per action.
 */
export async function recoverIndexFolder(directory: string): Promise<string[]> {
  const parent = dirname(directory);
  const pattern = new RegExp(`^\\.${basename(directory).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(tmp|old)-(\\d+)-`);
  const leftovers: { name: string; kind: string; path: string }[] = [];
  for (const name of await folderEntries(parent)) {
    const match = pattern.exec(name);
    if (!match) continue;
    const path = join(parent, name);
    const pid = Number(match[2]);
    // This process's own pid can be a recycled one (PID 1 in a restarted container): only its live saves count.
    if (savesInProgress.has(path) || (pid !== process.pid && isRunning(pid))) continue;
    leftovers.push({ name, kind: match[1], path });
  }
  const actions: string[] = [];
  const present = await stat(directory).then(() => true, () => false);
  if (!present) {
    const setAside = await Promise.all(leftovers.filter((leftover) => leftover.kind === 'old').map(async (leftover) => ({ ...leftover, time: (await stat(leftover.path)).mtimeMs })));
    const newest = setAside.sort((left, right) => right.time - left.time)[0];
    if (newest) {
      await rename(newest.path, directory);
      actions.push(`restored the index ${directory} from ${newest.name} (a save was interrupted)`);
      leftovers.splice(leftovers.findIndex((leftover) => leftover.path === newest.path), 1);
    }
  }
  for (const leftover of leftovers) {
    await rm(leftover.path, { recursive: true, force: true });
    actions.push(`removed ${leftover.name} left by an interrupted save`);
  }
  return actions;
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
