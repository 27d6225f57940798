// Admin reindex: guarded by ADMIN_TOKEN, picks up a new document without a restart.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { parseConfig } from '../config.js';
import { openRagService } from '../rag/rag-service.js';

let directory: string;
let app: ReturnType<typeof createApp>;
let corpusDir: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'admin-'));
  corpusDir = join(directory, 'corpus');
  await cp('corpus', corpusDir, { recursive: true });
  const config = parseConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: join(directory, 'index'), EMBEDDING_MODEL: 'none', ADMIN_TOKEN: 'secret-token', LOG_LEVEL: 'silent' });
  app = createApp(await openRagService({ config, ingestIfStale: true }));
});

afterAll(() => rm(directory, { recursive: true, force: true }));

describe('POST /api/admin/reindex', () => {
  it('refuses a missing or wrong token with 401', async () => {
    expect((await app.request('/api/admin/reindex', { method: 'POST' })).status).toBe(401);
    const wrong = await app.request('/api/admin/reindex', { method: 'POST', headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('unauthorized');
  });

  it('indexes a document added to the corpus and serves it at once', async () => {
    await writeFile(join(corpusDir, 'extra.txt'), '测试市数据要素流通办法\n\n第一条 为促进数据要素流通，测试市设立数据交易所，交易服务费率不超过千分之三。\n');
    const response = await app.request('/api/admin/reindex', { method: 'POST', headers: { authorization: 'Bearer secret-token' } });
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report.documents).toBe(6);
    expect(report.reusedDocuments).toBe(5);
    const documents = await (await app.request('/api/documents')).json();
    expect(documents.documents.map((document: { id: string }) => document.id)).toContain('extra');
  });
});
