// Temporary corpora and indexes for tests: everything lives under os.tmpdir() and is removed afterwards.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type Config } from '../config.js';
import { ingestCorpus, type IngestOptions, type IngestReport } from '../ingest/ingest-corpus.js';
import { openRagService, type RagService } from '../rag/rag-service.js';

/** The repository's seed corpus (5 messy web copies + manifest.json). */
export const seedCorpusDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../corpus');

/** The real-regulations corpus (712 Markdown files, see evals/corpora/README.md). */
export const regulationsCorpusDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../evals/corpora/regulations');

/** A fresh folder under the system temp dir; `remove()` deletes it. */
export async function temporaryFolder(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `policy-cite-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes `files` (relative path → contents) into `directory`, plus a manifest.json when given one. */
export async function writeCorpus(
  directory: string,
  files: Record<string, string | Uint8Array>,
  manifest?: { documents: { file: string; id?: string; title?: string; region?: string; issuer?: string; date?: string }[] },
): Promise<string> {
  for (const [name, contents] of Object.entries(files)) {
    await mkdir(dirname(join(directory, name)), { recursive: true });
    await writeFile(join(directory, name), contents);
  }
  if (manifest) await writeFile(join(directory, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return directory;
}

/** A configuration for tests: quiet, no rate limit, lexical only, unless `env` says otherwise. */
export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({ EMBEDDING_MODEL: 'none', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', ALLOW_REMOTE_MODELS: 'false', ...env });
}

/** Ingests `corpusDir` into a new temporary index folder (lexical only unless an embedding model is given). */
export async function ingestToTemporaryIndex(
  corpusDir: string,
  options: Partial<IngestOptions> = {},
): Promise<{ indexDir: string; report: IngestReport; remove: () => Promise<void> }> {
  const folder = await temporaryFolder('index');
  const indexDir = join(folder.path, 'index');
  const report = await ingestCorpus({ corpusDir, indexDir, embeddingModel: null, ...options });
  return { indexDir, report, remove: folder.remove };
}

/** Opens a RAG service over an index folder (ingesting `corpusDir` first when the index is missing). */
export async function openTestService({ corpusDir, indexDir, env = {} }: { corpusDir: string; indexDir: string; env?: Record<string, string> }): Promise<RagService> {
  return openRagService({ config: testConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: indexDir, ...env }), ingestIfStale: true });
}

/** A RAG service over a temporary corpus of `files`, ingested lexically; both folders join `cleanups`. */
export async function serviceOverFiles(prefix: string, files: Record<string, string>, cleanups: (() => Promise<void>)[]): Promise<RagService> {
  const folder = await temporaryFolder(prefix);
  cleanups.push(folder.remove);
  await writeCorpus(folder.path, files);
  const index = await ingestToTemporaryIndex(folder.path);
  cleanups.push(index.remove);
  return openTestService({ corpusDir: folder.path, indexDir: index.indexDir });
}
