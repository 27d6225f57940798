// Index storage: writes the index to a temporary folder and renames it into place; verifies on load.
// Files: manifest.json; documents.json (document metadata and sections, no text); chunks.bin (every
// document's text once, as UTF-16, and the chunk table: document, offsets, heading path; chunk text is
// the document text between the offsets); lexical.bin (BM25 postings, lengths and term statistics as
// typed arrays, see lexical-index.ts); vectors.hnsw (the hnswlib graph with the vectors, when dense).
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { packSections, Sections } from './binary-sections.js';
import { LexicalIndex } from './lexical-index.js';
import type { Chunk, PolicyDocument } from './types.js';
import { VectorIndex, vectorFileName } from './vector-index.js';

/**
 * Bumped whenever the file layout changes, or cleaning, splitting, tokenising or what the BM25 fields
 * hold (lexical-index.ts) changes what an index holds.
 */
export const indexFormatVersion = 14;

export interface IndexManifest {
  formatVersion: number;
  createdAt: string;
  embedding: { modelId: string; dimensions: number } | null;
  /** The embedding model the ingest was asked for but could not load (the index then has no vectors). */
  embeddingUnavailable?: string;
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
  chunks: Chunk[];
  lexical: LexicalIndex;
  /** Terms discovered in the corpus at ingest, part of the segmenter's dictionary for this index. */
  vocabulary?: { corpusWords: string[] };
  /** Chunk vectors (hnswlib, labels = chunk positions), when an embedding model was available. */
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

/** sha256 of a file read as a stream, for files too large to hold twice (the vector graph). */
async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

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
    await put('documents.json', JSON.stringify(index.documents.map(({ text: _text, ...meta }) => meta)));
    await put('chunks.bin', packChunks(index.documents, index.chunks));
    await put('lexical.bin', index.lexical.toBuffer());
    if (index.vocabulary) await put('vocabulary.json', JSON.stringify(index.vocabulary));
    if (index.dense && index.manifest.embedding) {
      await index.dense.save(staging);
      files[vectorFileName] = await sha256OfFile(join(staging, vectorFileName));
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
  const missing = (name: string) => new IndexError(`index file ${name} is missing in ${directory}: ${rebuild}`);
  const damaged = (name: string) => new IndexError(`index file ${name} in ${directory} does not match its checksum: ${rebuild}`);
  // The vector graph (most of the index) is read by hnswlib itself: it is checksummed as a stream,
  // while hnswlib reads it on another thread, instead of being read whole into memory a second time.
  let vectorCheck: Promise<void> | undefined;
  const bytes: Record<string, Buffer> = {};
  for (const [name, expected] of Object.entries(manifest.files ?? {})) {
    if (name === vectorFileName) {
      vectorCheck = sha256OfFile(join(directory, name)).then(
        (actual) => {
          if (actual !== expected) throw damaged(name);
        },
        () => {
          throw missing(name);
        },
      );
      vectorCheck.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
      continue;
    }
    try {
      bytes[name] = await readFile(join(directory, name));
    } catch {
      throw missing(name);
    }
    if (sha256(bytes[name]) !== expected) throw damaged(name);
  }
  if (!bytes['documents.json'] || !bytes['chunks.bin'] || !bytes['lexical.bin']) throw new IndexError(`index at ${directory} is incomplete: ${rebuild}`);
  let documents: PolicyDocument[];
  let chunks: Chunk[];
  let lexical: LexicalIndex;
  try {
    const meta = JSON.parse(bytes['documents.json'].toString('utf8')) as Omit<PolicyDocument, 'text'>[];
    ({ documents, chunks } = unpackChunks(meta, bytes['chunks.bin']));
    lexical = LexicalIndex.fromBuffer(bytes['lexical.bin']);
  } catch (error) {
    throw new IndexError(`index at ${directory} cannot be read (${error instanceof Error ? error.message : String(error)}): ${rebuild}`);
  }
  if (chunks.length !== manifest.chunkCount || lexical.chunks.size !== chunks.length) {
    throw new IndexError(`index at ${directory} holds ${chunks.length} chunks but its manifest says ${manifest.chunkCount}: ${rebuild}`);
  }
  const vocabulary = bytes['vocabulary.json'] ? (JSON.parse(bytes['vocabulary.json'].toString('utf8')) as StoredIndex['vocabulary']) : { corpusWords: [] };
  const stored: StoredIndex = { manifest, documents, chunks, lexical, vocabulary };
  if (manifest.embedding && vectorCheck) {
    const { dimensions } = manifest.embedding;
    if (expectDimensions !== undefined && expectDimensions !== dimensions) {
      throw new IndexError(`index at ${directory} was embedded with ${manifest.embedding.modelId} (${dimensions} dimensions) but the configured model gives ${expectDimensions} dimensions: ${rebuild}`);
    }
    const [, dense] = await Promise.allSettled([vectorCheck, VectorIndex.read(join(directory, vectorFileName), dimensions, { chunks })]);
    await vectorCheck; // a damaged or missing file says so, whatever hnswlib made of it
    if (dense.status === 'rejected') throw new IndexError(`index at ${directory} cannot be read (${dense.reason instanceof Error ? dense.reason.message : String(dense.reason)}): ${rebuild}`);
    stored.dense = dense.value;
    if (stored.dense.size !== chunks.length) throw new IndexError(`index at ${directory} has ${stored.dense.size} vectors for ${chunks.length} chunks: ${rebuild}`);
  } else if (vectorCheck) {
    await vectorCheck;
  }
  return stored;
}

/** The embeddings an index holds, with the chunks they belong to. */
export interface StoredVectors {
  modelId: string;
  dimensions: number;
  chunks: Chunk[];
  dense: VectorIndex;
}

/**
 * The chunks and vectors of an index that cannot be loaded whole, typically one an older version wrote
 * (another format): ingestion re-uses the vectors of clauses whose text is unchanged instead of
 * embedding the whole corpus again. Files must still match their checksums; undefined when anything
 * cannot be read.
 */
export async function readStoredVectors(directory: string): Promise<StoredVectors | undefined> {
  try {
    const manifest = await readManifest(directory);
    const files = manifest?.files ?? {};
    if (!manifest?.embedding || !files['documents.json'] || !files['chunks.bin'] || !files[vectorFileName]) return undefined;
    const bytes: Record<string, Buffer> = {};
    for (const name of ['documents.json', 'chunks.bin']) {
      bytes[name] = await readFile(join(directory, name));
      if (sha256(bytes[name]) !== files[name]) return undefined;
    }
    if ((await sha256OfFile(join(directory, vectorFileName))) !== files[vectorFileName]) return undefined;
    const meta = JSON.parse(bytes['documents.json'].toString('utf8')) as Omit<PolicyDocument, 'text'>[];
    const { chunks } = unpackChunks(meta, bytes['chunks.bin']);
    const { modelId, dimensions } = manifest.embedding;
    const dense = await VectorIndex.read(join(directory, vectorFileName), dimensions, { chunks });
    return dense.size === chunks.length ? { modelId, dimensions, chunks, dense } : undefined;
  } catch {
    return undefined;
  }
}

/** Chunk ids as the splitter makes them: the document id and the chunk's number in it. */
const derivedChunkId = (documentId: string, ordinal: number) => `${documentId}:${String(ordinal).padStart(4, '0')}`;
/** Chunk fields the chunk table stores; any other field a chunk carries is kept as JSON beside it. */
const chunkTableFields = new Set(['id', 'documentId', 'text', 'start', 'end', 'section', 'tokens', 'contextTokens']);

/**
 * Every document's text once (UTF-16, as JavaScript holds it) and the chunk table; checks that each
 * chunk's text is its document's text between its offsets, which every citation relies on.
 */
function packChunks(documents: PolicyDocument[], chunks: Chunk[]): Buffer {
  const documentNumbers = new Map(documents.map((document, i) => [document.id, i]));
  const textStarts = new Int32Array(documents.length + 1);
  documents.forEach((document, i) => (textStarts[i + 1] = textStarts[i] + document.text.length));
  const texts = new Uint16Array(textStarts[documents.length]);
  documents.forEach((document, i) => {
    const at = textStarts[i];
    for (let c = 0; c < document.text.length; c++) texts[at + c] = document.text.charCodeAt(c);
  });
  const chunkDocuments = new Int32Array(chunks.length);
  const chunkStarts = new Int32Array(chunks.length);
  const chunkEnds = new Int32Array(chunks.length);
  const chunkSections = new Int32Array(chunks.length);
  const pathNumbers = new Map<string, number>();
  const sectionPaths: string[][] = [];
  const ordinals = new Map<string, number>();
  let idsDerived = true;
  const extras: Record<number, Record<string, unknown>> = {};
  chunks.forEach((chunk, i) => {
    const number = documentNumbers.get(chunk.documentId);
    if (number === undefined) throw new Error(`chunk ${chunk.id} belongs to no document of the index`);
    if (documents[number].text.slice(chunk.start, chunk.end) !== chunk.text) throw new Error(`chunk ${chunk.id} is not its document's text between its offsets`);
    chunkDocuments[i] = number;
    chunkStarts[i] = chunk.start;
    chunkEnds[i] = chunk.end;
    const key = JSON.stringify(chunk.section);
    let path = pathNumbers.get(key);
    if (path === undefined) {
      path = sectionPaths.push(chunk.section) - 1;
      pathNumbers.set(key, path);
    }
    chunkSections[i] = path;
    const ordinal = ordinals.get(chunk.documentId) ?? 0;
    ordinals.set(chunk.documentId, ordinal + 1);
    if (chunk.id !== derivedChunkId(chunk.documentId, ordinal)) idsDerived = false;
    for (const key of Object.keys(chunk)) {
      if (!chunkTableFields.has(key)) (extras[i] ??= {})[key] = (chunk as unknown as Record<string, unknown>)[key];
    }
  });
  return packSections({
    textStarts,
    texts,
    chunkDocuments,
    chunkStarts,
    chunkEnds,
    chunkSections,
    sectionPaths,
    chunkIds: idsDerived ? null : chunks.map((chunk) => chunk.id),
    chunkExtras: extras,
  });
}

function unpackChunks(meta: Omit<PolicyDocument, 'text'>[], bytes: Buffer): { documents: PolicyDocument[]; chunks: Chunk[] } {
  const sections = new Sections(bytes);
  const textStarts = sections.array('textStarts', 'i32');
  const texts = sections.raw('texts');
  if (textStarts.length !== meta.length + 1) throw new Error(`${textStarts.length - 1} texts for ${meta.length} documents`);
  const documents: PolicyDocument[] = meta.map((document, i) => ({ ...document, text: texts.toString('utf16le', textStarts[i] * 2, textStarts[i + 1] * 2) }));
  const chunkDocuments = sections.array('chunkDocuments', 'i32');
  const chunkStarts = sections.array('chunkStarts', 'i32');
  const chunkEnds = sections.array('chunkEnds', 'i32');
  const chunkSections = sections.array('chunkSections', 'i32');
  const sectionPaths = sections.json<string[][]>('sectionPaths');
  const ids = sections.json<string[] | null>('chunkIds');
  const extras = sections.json<Record<string, Record<string, unknown>>>('chunkExtras');
  const ordinals = new Int32Array(documents.length);
  const chunks: Chunk[] = new Array(chunkDocuments.length);
  for (let i = 0; i < chunkDocuments.length; i++) {
    const document = documents[chunkDocuments[i]];
    const start = chunkStarts[i];
    const end = chunkEnds[i];
    const chunk: Chunk = {
      id: ids ? ids[i] : derivedChunkId(document.id, ordinals[chunkDocuments[i]]),
      documentId: document.id,
      text: document.text.slice(start, end),
      start,
      end,
      section: sectionPaths[chunkSections[i]],
    };
    ordinals[chunkDocuments[i]]++;
    chunks[i] = extras[i] ? { ...chunk, ...extras[i] } : chunk;
  }
  return { documents, chunks };
}
