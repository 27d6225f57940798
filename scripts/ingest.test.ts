// `npm run ingest` as a user runs it: a child process, its summary line, its exit code and its messages.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIndex } from '../server/rag/index-store';
import { seedCorpusDir, temporaryFolder } from '../server/test-support/corpus';

const repository = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

let folder: Awaited<ReturnType<typeof temporaryFolder>>;

beforeAll(async () => {
  folder = await temporaryFolder('ingest-cli');
});

afterAll(async () => {
  await folder.remove();
});

/** Runs scripts/ingest.ts with `args`; resolves with its exit code and output. */
function ingest(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/ingest.ts', ...args],
      { cwd: repository, env: { ...process.env, ALLOW_REMOTE_MODELS: 'false', MODELS_DIR: join(folder.path, 'no-models'), LLM_BASE_URL: '', ...env } },
      (error, stdout, stderr) => resolveRun({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run ingest', () => {
  it('builds an index, then reuses every unchanged document on the next run', async () => {
    const index = join(folder.path, 'index');
    const first = await ingest(['--corpus', seedCorpusDir, '--index', index, '--no-embeddings']);
    expect(first.code).toBe(0);
    const chunks = (await loadIndex({ directory: index })).chunks.length;
    expect(first.stdout).toMatch(new RegExp(`^indexed 5 documents, ${chunks} chunks into ${index} in \\d+\\.\\ds \\(reused 0 unchanged documents; dense: off\\)$`, 'm'));

    const second = await ingest(['--corpus', seedCorpusDir, '--index', index, '--no-embeddings']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('(reused 5 unchanged documents; dense: off)');
  });

  it('says in one short line that dense retrieval is off when the model cannot be loaded, and still builds', async () => {
    const index = join(folder.path, 'lexical');
    const run = await ingest(['--corpus', seedCorpusDir, '--index', index], { EMBEDDING_MODEL: 'missing/bge-none-zh' });
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter((line) => line.includes('dense retrieval'))).toEqual(['dense retrieval off: no embedding model (see README › Models)']);
    expect(run.stderr).not.toContain('MODELS_DIR');
    expect((await loadIndex({ directory: index })).manifest.embedding).toBeNull();

    // The whole reason only when asked for.
    const debug = await ingest(['--corpus', seedCorpusDir, '--index', index], { EMBEDDING_MODEL: 'missing/bge-none-zh', LOG_LEVEL: 'debug' });
    expect(debug.stderr).toContain(
      `dense retrieval off: no embedding model (see README › Models)\n  reason: embedding model missing/bge-none-zh could not be loaded (model missing/bge-none-zh not found in MODELS_DIR=${join(folder.path, 'no-models')} and remote download is disabled)`,
    );
  });

  it('ends every progress stage with its result when the output is not a terminal', async () => {
    const run = await ingest(['--corpus', seedCorpusDir, '--index', join(folder.path, 'piped'), '--no-embeddings']);
    expect(run.code).toBe(0);
    const stages = run.stderr.split('\n').filter((line) => /^\w+: /.test(line));
    expect(stages.map((line) => line.split(':')[0])).toEqual(['scan', 'load', 'split', 'tokenize', 'write']);
    expect(run.stderr).not.toMatch(/\b0\/1\b/);
    expect(stages[0]).toBe(`scan: 5 files in ${seedCorpusDir}`);
    expect(stages[2]).toMatch(/^split: \d+ chunks$/);
    expect(stages[3]).toMatch(/^tokenize: \d+ chunks, \d+ corpus terms$/);
    expect(stages[4]).toMatch(/^write: saved to /);
  });

  it('fails with exit code 1 and a plain message for a folder without documents', async () => {
    const empty = join(folder.path, 'empty');
    await mkdir(empty);
    const run = await ingest(['--corpus', empty, '--index', join(folder.path, 'none'), '--no-embeddings']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`ingest failed: no documents (.txt .md .html .docx .pdf) found in ${empty}`);
    expect(run.stderr).not.toMatch(/\bat \S+ \(|\.ts:\d+/);
  });
});
