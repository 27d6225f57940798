// Starting the server on an index built from another folder: `npm run ingest -- --corpus DIR --index
// IDX` then `INDEX_DIR=IDX npm start` must serve DIR's documents, not re-index corpus/ over them.
import { spawnSync } from 'node:child_process';
import { cp, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from './serve';
import { ingestToTemporaryIndex, temporaryFolder, writeCorpus } from './test-support/corpus';

const cleanups: (() => Promise<void>)[] = [];
let folder: string;
let indexDir: string;

const savedCorpusDir = process.env.CORPUS_DIR;

beforeAll(async () => {
  delete process.env.CORPUS_DIR;
  const corpus = await temporaryFolder('other-corpus');
  cleanups.push(corpus.remove);
  folder = corpus.path;
  await writeCorpus(folder, {
    'notice-a.txt': '临川市公共租赁住房申请办事指南\n\n一、申请条件。连续缴纳社会保险满6个月的外来务工人员可以申请。',
    'notice-b.txt': '白湖市高龄津贴发放办法\n\n第一条 本市户籍80周岁以上老年人每人每月发放高龄津贴200元。',
  });
  const index = await ingestToTemporaryIndex(folder);
  cleanups.push(index.remove);
  indexDir = index.indexDir;
});

afterAll(async () => {
  if (savedCorpusDir !== undefined) process.env.CORPUS_DIR = savedCorpusDir;
  for (const cleanup of cleanups) await cleanup();
});

async function documentIds(server: RunningServer): Promise<string[]> {
  const response = await fetch(`${server.url}/api/documents`);
  const body = (await response.json()) as { documents: { id: string }[] };
  return body.documents.map((document) => document.id).sort();
}

describe('startServer with only INDEX_DIR', () => {
  it('serves the folder the index was built from, and says so', async () => {
    const notices: string[] = [];
    const server = await startServer({ port: 0, host: '127.0.0.1', indexDir, env: { LOG_LEVEL: 'error' }, onNotice: (message) => notices.push(message) });
    try {
      expect(await documentIds(server)).toEqual(['notice-a', 'notice-b']);
      expect(notices.join('\n')).toContain(`built from ${folder}`);
      expect(notices.join('\n')).not.toContain('ingesting');
    } finally {
      await server.close();
    }
  });

  it('indexes the folder CORPUS_DIR names when it is set', async () => {
    const other = await temporaryFolder('named-corpus');
    cleanups.push(other.remove);
    await writeCorpus(other.path, { 'notice-c.txt': '青溪市学前教育资助实施细则\n\n第一条 家庭经济困难幼儿每生每年资助1500元。' });
    const server = await startServer({ port: 0, host: '127.0.0.1', indexDir, corpusDir: other.path, env: { LOG_LEVEL: 'error' } });
    try {
      expect(await documentIds(server)).toEqual(['notice-c']);
    } finally {
      await server.close();
    }
  });
});

describe('startServer on a damaged or interrupted index', () => {
  /** A fresh index of the other folder, alone in its parent folder. */
  async function copyOfIndex(): Promise<string> {
    const index = await ingestToTemporaryIndex(folder);
    cleanups.push(index.remove);
    return index.indexDir;
  }

  it('refuses a truncated manifest with the command to run, and never re-ingests another folder over the index', async () => {
    const copy = await copyOfIndex();
    const manifestPath = join(copy, 'manifest.json');
    const manifest = await readFile(manifestPath, 'utf8');
    await writeFile(manifestPath, manifest.slice(0, 100));
    const documentsBefore = await readFile(join(copy, 'documents.json'), 'utf8');
    const notices: string[] = [];
    await expect(startServer({ port: 0, host: '127.0.0.1', indexDir: copy, env: { LOG_LEVEL: 'error' }, onNotice: (message) => notices.push(message) })).rejects.toThrow(
      `index manifest ${manifestPath} is damaged (not valid JSON): run \`npm run ingest -- --corpus DIR --index ${copy}\``,
    );
    expect(notices.join('\n')).not.toContain('ingesting');
    expect(await readFile(join(copy, 'documents.json'), 'utf8')).toBe(documentsBefore);
    expect(await readFile(manifestPath, 'utf8')).toBe(manifest.slice(0, 100));
  });

  it('serves the previous index when a save was killed between its two renames, and removes the staging folder', async () => {
    const copy = await copyOfIndex();
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await rename(copy, join(dirname(copy), `.index.old-${dead}-x`));
    await cp(join(dirname(copy), `.index.old-${dead}-x`), join(dirname(copy), `.index.tmp-${dead}-y`), { recursive: true });
    const notices: string[] = [];
    const server = await startServer({ port: 0, host: '127.0.0.1', indexDir: copy, env: { LOG_LEVEL: 'error' }, onNotice: (message) => notices.push(message) });
    try {
      expect(await documentIds(server)).toEqual(['notice-a', 'notice-b']);
      expect(notices).toContain(`restored the index ${copy} from .index.old-${dead}-x (a save was interrupted)`);
      expect(await readdir(dirname(copy))).toEqual(['index']);
    } finally {
      await server.close();
    }
  });
});

describe('startServer against slow clients', () => {
  it('closes a connection whose request headers never finish (slowloris), answering 408', async () => {
    const server = await startServer({ port: 0, host: '127.0.0.1', indexDir, env: { LOG_LEVEL: 'error' }, timeouts: { headersMs: 300, requestMs: 600, checkIntervalMs: 100 } });
    try {
      const { port } = new URL(server.url);
      const reply = await new Promise<string>((resolveReply, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST /api/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('close', () => resolveReply(received));
        socket.on('error', reject);
      });
      expect(reply).toMatch(/^HTTP\/1\.1 408 /);
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
