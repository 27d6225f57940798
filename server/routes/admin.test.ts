// Admin routes: guarded by ADMIN_TOKEN (wrong tokens rate limited), JSON errors with useful codes, and a reindex that picks up a new document without a restart.
import { cp, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import { parseConfig } from '../config';
import { openRagService, type RagService } from '../rag/rag-service';

let directory: string;
let service: RagService;
let app: ReturnType<typeof createApp>;
let corpusDir: string;

const reindex = (target = app, token = 'secret-token') =>
  target.request('/api/admin/reindex', { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'admin-'));
  corpusDir = join(directory, 'corpus');
  await cp('corpus', corpusDir, { recursive: true });
  const config = parseConfig({ CORPUS_DIR: corpusDir, INDEX_DIR: join(directory, 'index'), EMBEDDING_MODEL: 'none', ADMIN_TOKEN: 'secret-token', LOG_LEVEL: 'silent' });
  service = await openRagService({ config, ingestIfStale: true });
  app = createApp(service, { log: () => undefined });
});

afterAll(() => rm(directory, { recursive: true, force: true }));

describe('POST /api/admin/reindex', () => {
  it('refuses a missing or wrong token with 401 unauthorized as JSON, saying what to send', async () => {
    const missing = await reindex(app, '');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toEqual({ error: { code: 'unauthorized', message: 'Send the admin token as "Authorization: Bearer <ADMIN_TOKEN>".' } });
    const wrong = await reindex(app, 'nope');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'unauthorized', message: 'Wrong admin token.' } });
  });

  it('rate-limits wrong tokens: after 5 failures in a minute even the right token waits', async () => {
    const guarded = createApp(service, { log: () => undefined });
    for (let i = 0; i < 5; i++) expect((await reindex(guarded, `guess-${i}`)).status).toBe(401);
    const locked = await reindex(guarded, 'guess-6');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await locked.json()).error).toEqual({ code: 'rate_limited', message: 'Too many wrong admin tokens; wait a minute and try again.' });
    expect((await reindex(guarded)).status).toBe(429);
  });

  it('indexes a document added to the corpus and serves it at once', async () => {
    await writeFile(join(corpusDir, 'extra.txt'), '测试市数据要素流通办法\n\n第一条 为促进数据要素流通，测试市设立数据交易所，交易服务费率不超过千分之三。\n');
    const response = await reindex();
    expect(response.status).toBe(200);
    const report = await response.json();
    expect(report.documents).toBe(6);
    expect(report.reusedDocuments).toBe(5);
    const documents = await (await app.request('/api/documents')).json();
    expect(documents.documents.map((document: { id: string }) => document.id)).toContain('extra');
  });

  it('answers 409 conflict:reindex_running while a reindex is running', async () => {
    const [first, second] = await Promise.all([reindex(), reindex()]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect((await second.json()).error.code).toBe('conflict:reindex_running');
  });

  it('answers reindex_failed with the reason, and keeps serving the old index, when the corpus cannot be indexed', async () => {
    const aside = join(directory, 'corpus-aside');
    await rename(corpusDir, aside);
    try {
      const response = await reindex();
      expect(response.status).toBe(500);
      const { error } = await response.json();
      expect(error.code).toBe('reindex_failed');
      expect(error.message).toMatch(/^The index was not rebuilt: /);
      expect((await app.request('/api/documents/extra')).status).toBe(200);
    } finally {
      await rename(aside, corpusDir);
    }
  });
});

describe('without ADMIN_TOKEN', () => {
  it('answers admin_disabled, saying how to turn the admin routes on', async () => {
    const plain = createApp({ ...service, config: { ...service.config, ADMIN_TOKEN: undefined } }, { log: () => undefined });
    const response = await reindex(plain);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'admin_disabled', message: 'Admin routes are off: start the server with ADMIN_TOKEN set.' } });
  });
});
