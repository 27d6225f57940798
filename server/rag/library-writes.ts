// Changes to the library from the HTTP API: checked files saved into the corpus folder, a document's file
// moved out of it, and the index brought up to date — one change at a time, nothing half-done on failure.
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import { AppError } from '../errors.js';
import type { CheckedUpload } from '../ingest/check-upload.js';
import { baseName } from '../ingest/check-upload.js';
import { documentHash } from '../ingest/ingest-corpus.js';
import { idFromFileName, listCorpus, type CorpusEntry } from '../ingest/load-corpus.js';
import { NeedsFullIngestError, updateIndex, type DocumentEmbedder, type IndexUpdate } from '../ingest/update-index.js';
import type { StoredIndex } from './index-store.js';
import { openSearchIndex } from './cluster-index.js';
import type { PolicyIndex, QueryEmbedder } from './policy-index.js';
import { configuredVocabulary, reindexService, type RagService } from './rag-service.js';
import type { PolicyDocument } from './types.js';
import { vocabularyHash } from './vocabulary.js';

/** Changes queued behind the running one before further requests are refused with 409. */
export const maxWaitingWrites = 8;

interface WriteLock {
  tail: Promise<void>;
  running: boolean;
  waiting: number;
}

const locks = new WeakMap<RagService, WriteLock>();

/**
 * Runs `work` once no other change to this service's corpus or index is running: uploads and removals
 * queue (up to `maxWaitingWrites`), `wait: false` (the admin re-index) is refused with 409 instead.
 */
export async function exclusiveWrite<T>(service: RagService, work: () => Promise<T>, { wait = true }: { wait?: boolean } = {}): Promise<T> {
  let lock = locks.get(service);
  if (!lock) {
    lock = { tail: Promise.resolve(), running: false, waiting: 0 };
    locks.set(service, lock);
  }
  if (!wait && (lock.running || lock.waiting > 0)) throw new AppError('conflict:reindex_running');
  if (lock.waiting >= maxWaitingWrites) throw new AppError('conflict:reindex_running', `${lock.waiting} changes to the library are already waiting; try again in a moment.`);
  const previous = lock.tail;
  let release!: () => void;
  lock.tail = new Promise<void>((resolveTurn) => (release = resolveTurn));
  lock.waiting++;
  await previous;
  lock.waiting--;
  lock.running = true;
  try {
    return await work();
  } finally {
    lock.running = false;
    release();
  }
}

/** How the index was brought up to date, for the API's answer. */
export interface IndexChangeSummary {
  documents: number;
  chunks: number;
  /** `incremental`: only the changed documents were processed; `full`: the corpus was re-ingested (it had other changes too). */
  update: 'incremental' | 'full';
  ms: number;
}

/** A name safe to write into the corpus folder: one path segment, no control or reserved characters, not hidden. */
export function safeFileName(name: string): string {
  const base = baseName(name)
    .replace(/[\u0000-\u001f\u007f<>:"|?*\\/]/g, '')
    .replace(/\s+/g, ' ');
  // "x" in front: a name that is all extension (".txt") keeps it as its extension.
  const extension = extname(`x${base}`);
  let stem = base.slice(0, base.length - extension.length).replace(/^[\s.]+|[\s.]+$/g, '');
  stem = [...stem].slice(0, 80).join('') || 'document';
  if (/^(con|prn|aux|nul|com\d|lpt\d)$/i.test(stem)) stem = `_${stem}`;
  return `${stem}${extension.toLowerCase()}`;
}

/** `name`, or `name (2)`, `name (3)` … : the first that no file (in any letter case) and no document id already has. */
export function uniqueFileName(name: string, { files, ids }: { files: Set<string>; ids: Set<string> }): string {
  const extension = extname(name);
  const stem = name.slice(0, name.length - extension.length);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${stem} (${n})${extension}`;
    if (!files.has(candidate.toLowerCase()) && !ids.has(idFromFileName(candidate))) return candidate;
  }
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface CorpusState {
  entries: CorpusEntry[];
  /** sha256 of each file's bytes → its document id, to recognise a file sent twice. */
  byteHashes: Map<string, string>;
  /** The folder holds exactly what the index was built from (so only the change needs processing). */
  matchesIndex: boolean;
}

/** Lists the corpus and checks every file against the index manifest's content hashes. */
async function readCorpusState(corpusDir: string, stored: StoredIndex): Promise<CorpusState> {
  const entries = await listCorpus(corpusDir);
  const indexed = new Map(stored.manifest.documents.map((document) => [document.id, document]));
  const byteHashes = new Map<string, string>();
  let matchesIndex = entries.length === indexed.size;
  for (const entry of entries) {
    const bytes = await readFile(entry.path);
    byteHashes.set(sha256(bytes), entry.meta.id);
    const known = indexed.get(entry.meta.id);
    if (!known || known.file !== entry.meta.file || known.contentHash !== documentHash(bytes, entry.meta)) matchesIndex = false;
  }
  return { entries, byteHashes, matchesIndex };
}

/** The service's embedder when it can embed clauses too (the index's vectors need the new ones). */
function documentEmbedder(embedder?: QueryEmbedder): DocumentEmbedder | undefined {
  const candidate = embedder as (QueryEmbedder & Partial<DocumentEmbedder>) | undefined;
  return candidate && typeof candidate.embedDocuments === 'function' ? (candidate as DocumentEmbedder) : undefined;
}

/**
 * Brings the served index up to date after the corpus folder changed by `update`: in place when the
 * folder held exactly what the index was built from (only the changed documents are read, tokenized and
 * embedded), otherwise — other edits in the folder, other vocabulary files, vectors without a loaded
 * model — by re-ingesting the folder (which reuses every unchanged document).
 */
async function applyToIndex(service: RagService, state: CorpusState, update: IndexUpdate, fileOrder: string[]): Promise<IndexChangeSummary> {
  const started = performance.now();
  const vocabulary = configuredVocabulary(service.config);
  const stored = service.index.stored;
  const sameVocabulary = !stored.manifest.vocabulary || stored.manifest.vocabulary.hash === vocabularyHash(vocabulary);
  let mode: IndexChangeSummary['update'] = 'full';
  if (state.matchesIndex && sameVocabulary) {
    try {
      const updated = await updateIndex({ stored, indexDir: service.config.INDEX_DIR, update, analyzer: service.index.analyzer, embedder: documentEmbedder(service.index.embedder), fileOrder });
      service.index = await openSearchIndex({ stored: updated.stored, embedder: service.index.embedder, vocabulary, config: service.config });
      mode = 'incremental';
    } catch (error) {
      if (!(error instanceof NeedsFullIngestError)) throw error;
    }
  }
  if (mode === 'full') await reindexService(service);
  return { documents: service.index.documents.length, chunks: service.index.chunks.length, update: mode, ms: Math.round(performance.now() - started) };
}

/** What the library list shows of a document. */
export function documentSummary(index: PolicyIndex, document: PolicyDocument) {
  return {
    id: document.id,
    title: document.title,
    region: document.region,
    issuer: document.issuer,
    date: document.date,
    file: document.file,
    chunks: index.chunkCount(document.id),
    chars: document.text.length,
    ...(document.duplicateOf ? { duplicateOf: document.duplicateOf } : {}),
    ...(document.duplicates?.length ? { duplicates: document.duplicates } : {}),
    ...(document.versionGroup ? { versionGroup: document.versionGroup } : {}),
  };
}

/**
 * Saves checked uploads into the corpus folder under safe, unused names and indexes them. All or
 * nothing: a file already in the library (same bytes) is refused before anything is written, and when
 * indexing fails the written files are removed again (the index is only ever replaced whole).
 */
export async function addDocuments(service: RagService, uploads: CheckedUpload[]) {
  return exclusiveWrite(service, async () => {
    const corpusDir = service.config.CORPUS_DIR;
    const state = await readCorpusState(corpusDir, service.index.stored);
    const sent = new Map<string, string>();
    for (const upload of uploads) {
      const hash = sha256(upload.bytes);
      const existing = state.byteHashes.get(hash);
      const title = existing ? (service.index.document(existing)?.title ?? existing) : undefined;
      if (existing) throw new AppError('conflict:duplicate_document', `"${upload.name}" is already in the library as ${title}.`, { details: { file: upload.name, documentId: existing, title: title! } });
      if (sent.has(hash)) throw new AppError('conflict:duplicate_document', `"${upload.name}" and "${sent.get(hash)}" are the same file.`, { details: { file: upload.name } });
      sent.set(hash, upload.name);
    }

    const files = new Set((await readdir(corpusDir)).map((name) => name.toLowerCase()));
    const ids = new Set([...state.entries.map((entry) => entry.meta.id), ...service.index.documents.map((document) => document.id)]);
    const planned = uploads.map((upload) => {
      const safe = safeFileName(upload.name);
      // The extension the content was checked against is the one it is saved with.
      const fileName = uniqueFileName(extname(safe) === upload.extension ? safe : `${safe}${upload.extension}`, { files, ids });
      files.add(fileName.toLowerCase());
      ids.add(idFromFileName(fileName));
      return { upload, fileName };
    });

    const written: string[] = [];
    try {
      for (const { upload, fileName } of planned) {
        const path = join(corpusDir, fileName);
        await writeFile(path, upload.bytes, { flag: 'wx' }); // never over another file, even one created meanwhile
        written.push(path);
      }
      const entries = await listCorpus(corpusDir);
      const update: IndexUpdate = { add: [], remove: [] };
      for (const { upload, fileName } of planned) {
        const entry = entries.find((candidate) => candidate.meta.file === fileName);
        if (!entry) throw new Error(`${fileName} was written but is not listed in ${corpusDir}`);
        update.add.push({ meta: entry.meta, bytes: upload.bytes, raw: upload.raw });
      }
      const index = await applyToIndex(service, state, update, entries.map((entry) => entry.meta.file));
      const documents = update.add.map(({ meta }) => service.index.document(meta.id));
      if (documents.some((document) => !document)) throw new Error('a saved file did not make it into the index');
      return { documents: documents.map((document) => documentSummary(service.index, document!)), index };
    } catch (error) {
      await Promise.all(written.map((path) => rm(path, { force: true })));
      if (error instanceof AppError) throw error;
      throw new AppError('reindex_failed', `The files were not added: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500), { cause: error });
    }
  });
}

/** Where removed files go: `<corpus>-removed/<time>/…` beside the corpus folder (never read as documents). */
export function removedFilesDir(corpusDir: string): string {
  const corpus = resolve(corpusDir);
  return join(dirname(corpus), `${basename(corpus)}-removed`);
}

async function moveFile(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(from, to);
    await unlink(from);
  }
}

/**
 * Removes a document: its file is moved out of the corpus folder into `removedFilesDir` (kept, so a
 * mistake is undone by moving it back and re-indexing), then the index drops it. When the index update
 * fails the file is moved back.
 */
export async function removeDocument(service: RagService, id: string) {
  return exclusiveWrite(service, async () => {
    const document = service.index.document(id);
    if (!document) throw new AppError('not_found:document', `No document with id "${id.slice(0, 100)}".`);
    if (service.index.documents.length <= 1) throw new AppError('conflict:last_document');
    const corpusDir = service.config.CORPUS_DIR;
    const source = resolve(corpusDir, document.file);
    if (!source.startsWith(resolve(corpusDir) + sep)) throw new AppError('internal', 'The document\'s file is not inside the corpus folder.');
    const state = await readCorpusState(corpusDir, service.index.stored);
    const present = state.entries.some((entry) => entry.meta.file === document.file);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const target = join(removedFilesDir(corpusDir), stamp, document.file);
    if (present) await moveFile(source, target);
    try {
      const fileOrder = state.entries.map((entry) => entry.meta.file).filter((file) => file !== document.file);
      const index = await applyToIndex(service, state, { add: [], remove: [document.id] }, fileOrder);
      return {
        removed: { id: document.id, title: document.title, file: document.file, movedTo: present ? relative(dirname(resolve(corpusDir)), target).split(sep).join('/') : null },
        index,
      };
    } catch (error) {
      if (present) await moveFile(target, source).catch(() => undefined);
      if (error instanceof AppError) throw error;
      throw new AppError('reindex_failed', `The document was not removed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500), { cause: error });
    }
  });
}
