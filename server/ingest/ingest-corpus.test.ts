// Ingestion end to end on real files: the seed corpus, incremental re-ingestion, failures and the lexical fallback.
import { copyFile, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeTinyModel } from '../../scripts/make-tiny-model';
import { createApp } from '../app';
import { TransformersEmbeddings } from '../rag/embedder';
import { loadIndex, type StoredIndex } from '../rag/index-store';
import { ingestToTemporaryIndex, openTestService, seedCorpusDir, temporaryFolder, writeCorpus } from '../test-support/corpus';
import { ingestCorpus, type IngestProgress, type IngestReport } from './ingest-corpus';

let seed: Awaited<ReturnType<typeof ingestToTemporaryIndex>>;
let progress: IngestProgress[];
let stored: StoredIndex;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  progress = [];
  seed = await ingestToTemporaryIndex(seedCorpusDir, { onProgress: (event) => progress.push(event) });
  cleanups.push(seed.remove);
  stored = await loadIndex({ directory: seed.indexDir });
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

describe('ingestCorpus on the seed corpus', () => {
  it('indexes all five documents with their manifest titles and no failures', () => {
    expect(seed.report).toMatchObject({ documents: 5, reusedDocuments: 0, dense: false, denseOffReason: 'no embedding model configured', failures: [] });
    expect(seed.report.chunks).toBe(stored.chunks.length);
    expect(seed.report.chunks).toBeGreaterThan(60);
    expect(stored.documents.map((document) => document.title)).toContain('《云南省促进区域协调发展实施方案》');
    for (const document of stored.documents) expect(stored.chunks.some((chunk) => chunk.documentId === document.id)).toBe(true);
  });

  it('reports progress through scan, load, split, tokenize and write, each stage ending with its result', () => {
    const stages = [...new Set(progress.map((event) => event.stage))];
    // No vectors without a model, so no hnswlib 'index' stage.
    expect(stages).toEqual(['scan', 'load', 'split', 'tokenize', 'write']);
    expect(progress.filter((event) => event.stage === 'load' && event.done < event.total).map((event) => event.detail)).toEqual([
      '000_4bcd560a825d6a61.txt',
      '001_58f006bc1ad22d16.txt',
      '002_811b25c4de862b70.txt',
      '003_a9fca6c13887d7f9.txt',
      '004_94f624e435746e0d.txt',
    ]);
    for (const stage of stages) {
      const last = progress.filter((event) => event.stage === stage).at(-1)!;
      expect(last.done, stage).toBe(last.total);
      expect(last.detail, stage).toBeTruthy();
    }
    expect(progress.find((event) => event.stage === 'load' && event.done === event.total)?.detail).toBe('5 documents (0 unchanged)');
  });

  it('gives every chunk of the corpus offsets that slice its text out of the cleaned document', () => {
    const byId = new Map(stored.documents.map((document) => [document.id, document]));
    const mismatches = stored.chunks.filter((chunk) => byId.get(chunk.documentId)!.text.slice(chunk.start, chunk.end) !== chunk.text);
    expect(mismatches.map((chunk) => chunk.id)).toEqual([]);
    for (const chunk of stored.chunks) {
      expect(chunk.text.trim().length).toBeGreaterThan(0);
    }
    // Every chunk is in the BM25 index, at its own position.
    expect(stored.lexical.chunks.size).toBe(stored.chunks.length);
    const airport = stored.chunks.findIndex((chunk) => chunk.text.includes('国际航空门户枢纽'));
    expect(stored.lexical.chunks.search({ tokens: ['航空', '门户', '枢纽'], bigrams: [], context: [] }, { k: 3 }).map(({ doc }) => doc)).toContain(airport);
  });

  it('covers each document with non-overlapping chunks in order, none over 600 characters', () => {
    for (const document of stored.documents) {
      const chunks = stored.chunks.filter((chunk) => chunk.documentId === document.id);
      for (let i = 1; i < chunks.length; i++) expect(chunks[i].start).toBeGreaterThanOrEqual(chunks[i - 1].end);
      for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(600);
      const covered = chunks.reduce((sum, chunk) => sum + chunk.text.replace(/\s/g, '').length, 0);
      expect(covered).toBe(document.text.replace(/\s/g, '').length);
    }
  });

  it('gives every chunk a heading path that is one of its document\'s sections', () => {
    const sectionPaths = new Map(stored.documents.map((document) => [document.id, new Set(document.sections.map((section) => section.path.join(' › ')))]));
    const strays = stored.chunks.filter((chunk) => chunk.section.length > 0 && !sectionPaths.get(chunk.documentId)!.has(chunk.section.join(' › ')));
    expect(strays.map((chunk) => [chunk.id, chunk.section])).toEqual([]);
    const airports = stored.chunks.find((chunk) => chunk.text.includes('(九)共同打造国际航空门户枢纽'))!;
    expect(airports.section).toEqual(['二、合力建设现代基础设施网络', '（九）共同打造国际航空门户枢纽']);
  });

  it('gives the same chunk ids and offsets when the corpus is ingested again from scratch', async () => {
    const again = await ingestToTemporaryIndex(seedCorpusDir);
    cleanups.push(again.remove);
    const second = await loadIndex({ directory: again.indexDir });
    const shape = (index: StoredIndex) => index.chunks.map(({ id, start, end, section }) => ({ id, start, end, section }));
    expect(shape(second)).toEqual(shape(stored));
  });

  it('reuses every document when nothing changed', async () => {
    const report = await ingestCorpus({ corpusDir: seedCorpusDir, indexDir: seed.indexDir, embeddingModel: null });
    expect(report).toMatchObject({ documents: 5, reusedDocuments: 5, chunks: seed.report.chunks, failures: [] });
    expect((await loadIndex({ directory: seed.indexDir })).chunks).toEqual(stored.chunks);
  });
});

describe('ingestCorpus incrementally with the tiny embedding model', () => {
  let corpusDir: string;
  let indexDir: string;
  let modelsDir: string;
  let modelId: string;
  const ingest = () => ingestCorpus({ corpusDir, indexDir, embeddingModel: modelId, modelsDir, allowRemoteModels: false });

  beforeAll(async () => {
    const folder = await temporaryFolder('incremental');
    cleanups.push(folder.remove);
    corpusDir = join(folder.path, 'corpus');
    indexDir = join(folder.path, 'index');
    modelsDir = join(folder.path, 'models');
    ({ modelId } = await writeTinyModel({ directory: modelsDir, dimensions: 16 }));
    await mkdir(corpusDir);
    for (const file of ['001_58f006bc1ad22d16.txt', '003_a9fca6c13887d7f9.txt']) await copyFile(join(seedCorpusDir, file), join(corpusDir, file));
  });

  it('embeds every chunk the first time, nothing the second time, and only the edited file after an edit', async () => {
    const first = await ingest();
    expect(first).toMatchObject({ documents: 2, reusedDocuments: 0, dense: true, reusedVectors: 0 });
    expect(first.embeddedChunks).toBe(first.chunks);

    const second = await ingest();
    expect(second).toMatchObject({ documents: 2, reusedDocuments: 2, embeddedChunks: 0, reusedVectors: first.chunks, chunks: first.chunks });

    const edited = join(corpusDir, '003_a9fca6c13887d7f9.txt');
    await writeFile(edited, (await readFile(edited, 'utf8')) + '\n\n(十五)强化监督检查。省级有关部门要定期开展督查。\n');
    const third: IngestReport = await ingest();
    expect(third.reusedDocuments).toBe(1);
    expect(third.embeddedChunks).toBeGreaterThan(0);
    expect(third.embeddedChunks).toBeLessThanOrEqual(2);
    expect(third.reusedVectors).toBe(third.chunks - third.embeddedChunks);
    const index = await loadIndex({ directory: indexDir });
    expect(index.chunks.some((chunk) => chunk.text.includes('(十五)强化监督检查。'))).toBe(true);
    expect(index.dense?.size).toBe(index.chunks.length);
  });

  it('keeps the vectors of an index another format wrote: an upgrade re-embeds nothing unchanged', async () => {
    const before = await ingest();
    const manifestPath = join(indexDir, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    await writeFile(manifestPath, JSON.stringify({ ...manifest, formatVersion: manifest.formatVersion - 1 }));
    await expect(loadIndex({ directory: indexDir })).rejects.toThrow(/has format/);

    const upgraded = await ingest();
    expect(upgraded).toMatchObject({ reusedDocuments: 0, embeddedChunks: 0, reusedVectors: before.chunks, chunks: before.chunks });
    expect((await loadIndex({ directory: indexDir })).dense?.size).toBe(before.chunks);
  });

  it('releases the model it loaded, and leaves an embedder it was given to its owner', async () => {
    await writeFile(join(corpusDir, 'extra.txt'), '关于加强农村供水保障的通知\n一、总体要求\n到2027年农村自来水普及率达到95%。\n');
    const dispose = vi.spyOn(TransformersEmbeddings.prototype, 'dispose');
    try {
      await ingest();
      expect(dispose).toHaveBeenCalledTimes(1);

      const owned = await TransformersEmbeddings.load({ modelId, modelsDir, allowRemoteModels: false });
      dispose.mockClear();
      await writeFile(join(corpusDir, 'extra.txt'), '关于加强农村供水保障的通知\n一、总体要求\n到2028年农村自来水普及率达到96%。\n');
      const report = await ingestCorpus({ corpusDir, indexDir, embeddingModel: modelId, modelsDir, allowRemoteModels: false, embedder: owned });
      expect(report.embeddedChunks).toBeGreaterThan(0);
      expect(dispose).not.toHaveBeenCalled();
      expect(await owned.embedQuery('农村供水')).toHaveLength(16);
      await owned.dispose();
    } finally {
      dispose.mockRestore();
      await rm(join(corpusDir, 'extra.txt'));
    }
  });

  it('drops a deleted file from the index', async () => {
    await rm(join(corpusDir, '001_58f006bc1ad22d16.txt'));
    const report = await ingest();
    expect(report).toMatchObject({ documents: 1, reusedDocuments: 1, embeddedChunks: 0 });
    const index = await loadIndex({ directory: indexDir });
    expect(index.documents.map((document) => document.file)).toEqual(['003_a9fca6c13887d7f9.txt']);
    expect(index.chunks.every((chunk) => chunk.documentId === index.documents[0].id)).toBe(true);
  });
});

describe('ingestCorpus when things go wrong', () => {
  it('builds the lexical index alone when the embedding model cannot be loaded, the reason in its report', async () => {
    const folder = await temporaryFolder('no-model');
    cleanups.push(folder.remove);
    const notices: string[] = [];
    const report = await ingestCorpus({
      corpusDir: seedCorpusDir,
      indexDir: join(folder.path, 'index'),
      embeddingModel: 'Xenova/bge-small-zh-v1.5',
      modelsDir: join(folder.path, 'no-models-here'),
      allowRemoteModels: false,
      onNotice: (message) => notices.push(message),
    });
    // The caller prints one short line (denseOffLine); the download error and paths stay in the report.
    expect(notices).toEqual([]);
    expect(report.denseOffReason).toMatch(/^embedding model Xenova\/bge-small-zh-v1\.5 could not be loaded \(.*remote download is disabled\)$/);
    expect(report).toMatchObject({ dense: false, documents: 5, embeddedChunks: 0 });
    const index = await loadIndex({ directory: join(folder.path, 'index') });
    expect(index.manifest.embedding).toBeNull();
    expect(index.dense).toBeUndefined();
  });

  it('skips an unreadable file with a notice and indexes the rest', async () => {
    const folder = await temporaryFolder('broken-file');
    cleanups.push(folder.remove);
    await writeCorpus(folder.path, {
      'good.txt': '关于推进区域协调发展的通知\n\n一、总体要求。坚持新发展理念。',
      'broken.docx': 'this is not a zip file',
      'furniture.txt': '分享\n投诉\n首页',
      'blank.txt': '  \n\n ',
    });
    const notices: string[] = [];
    const report = await ingestCorpus({ corpusDir: folder.path, indexDir: join(folder.path, '.index'), embeddingModel: null, onNotice: (message) => notices.push(message) });
    // A text that is nothing but site furniture is kept as it is, with a warning, never dropped.
    expect(report.documents).toBe(2);
    expect(report.failures.map((failure) => failure.file).sort()).toEqual(['blank.txt', 'broken.docx']);
    expect(report.failures.find((failure) => failure.file === 'blank.txt')!.error).toBe('the file has no text');
    expect(report.cleaningWarnings).toEqual(['furniture.txt: cleaning would have left no text, so the text is kept as it was']);
    expect(notices.map((notice) => notice.split(':')[0]).sort()).toEqual(['furniture.txt', 'skipped blank.txt', 'skipped broken.docx']);
    const kept = (await loadIndex({ directory: join(folder.path, '.index') })).documents.find((document) => document.file === 'furniture.txt')!;
    expect(kept).toMatchObject({ text: '分享\n\n投诉\n\n首页', cleaning: { removedChars: 0, keptUncleaned: true } });
  });

  it('records what cleaning removed, the metadata the text states, and links copies and versions', async () => {
    const folder = await temporaryFolder('links');
    cleanups.push(folder.remove);
    const rule = (amount: number) =>
      [
        '临江市公共租赁住房管理办法',
        '第一条 为规范公共租赁住房管理，改善城镇中低收入住房困难家庭居住条件，根据国家和省有关规定，制定本办法。',
        '第二条 本办法适用于临江市行政区域内公共租赁住房的分配、使用、退出和监督管理。',
        `第三条 申请人应当在本市连续缴纳社会保险满12个月，家庭人均月收入低于${amount}元。`,
        '第四条 公共租赁住房租金标准按照同地段市场租金的60%确定，每两年调整一次。',
        '第五条 市住房和城乡建设局负责全市公共租赁住房的统筹管理，区县住房保障部门负责具体实施。',
      ].join('\n\n');
    await writeCorpus(folder.path, {
      '公共租赁住房管理办法(2021-03-01).txt': rule(2500),
      '公共租赁住房管理办法(2024-03-01).txt': `首页 > 政务公开 > 正文\n\n${rule(2800)}\n\n打印本页 关闭窗口\n\n版权所有©2024 临江市人民政府`,
      'repost.txt': `临江市人民政府门户网站\n\n${rule(2800)}\n\n【打印本页】【关闭窗口】`,
      'notice.txt': '临江市财政局关于调整公务用车补贴标准的通知\n\n临财发〔2021〕8号\n\n各县区财政局：现将补贴标准调整如下。\n\n临江市财政局\n\n2021年3月2日',
    });
    const report = await ingestCorpus({ corpusDir: folder.path, indexDir: join(folder.path, '.index'), embeddingModel: null });
    expect(report).toMatchObject({ documents: 4, failures: [], duplicateGroups: 1, versionGroups: 1 });
    const documents = new Map((await loadIndex({ directory: join(folder.path, '.index') })).documents.map((document) => [document.file, document]));
    const newest = documents.get('公共租赁住房管理办法(2024-03-01).txt')!;
    const oldest = documents.get('公共租赁住房管理办法(2021-03-01).txt')!;
    expect(newest.cleaning).toEqual({ removedChars: '首页>政务公开>正文打印本页关闭窗口版权所有©2024临江市人民政府'.length });
    expect(oldest.cleaning).toEqual({ removedChars: 0 });
    expect(documents.get('repost.txt')).toMatchObject({ duplicateOf: newest.id, title: '《临江市公共租赁住房管理办法》' });
    expect(newest.duplicates).toEqual(['repost']);
    const versionGroup = { title: '《临江市公共租赁住房管理办法》', versions: [{ id: newest.id, date: '2024-03-01' }, { id: oldest.id, date: '2021-03-01' }], newest: newest.id };
    expect(newest.versionGroup).toEqual(versionGroup);
    expect(oldest.versionGroup).toEqual(versionGroup);
    expect(documents.get('repost.txt')!.versionGroup).toEqual(versionGroup);
    expect(documents.get('notice.txt')).toMatchObject({
      title: '《临江市财政局关于调整公务用车补贴标准的通知》',
      issuer: '临江市财政局',
      docNumber: '临财发〔2021〕8号',
      date: '2021-03-02',
    });
  });

  it('never indexes or serves a file outside the corpus reached through a symbolic link', async () => {
    const folder = await temporaryFolder('symlinked');
    cleanups.push(folder.remove);
    const corpusDir = join(folder.path, 'corpus');
    await writeCorpus(corpusDir, { 'good.txt': '关于推进区域协调发展的通知\n\n一、总体要求。坚持新发展理念。' });
    await writeFile(join(folder.path, 'outside.txt'), '外部机密文件\n\n数据库口令为hunter2。');
    await symlink(join(folder.path, 'outside.txt'), join(corpusDir, 'link.txt'));
    const notices: string[] = [];
    const report = await ingestCorpus({ corpusDir, indexDir: join(folder.path, 'index'), embeddingModel: null, onNotice: (message) => notices.push(message) });
    expect(report.documents).toBe(1);
    expect(notices).toEqual(['skipped link.txt: symbolic links are not followed (copy the file into the corpus folder instead)']);
    const app = createApp(await openTestService({ corpusDir, indexDir: join(folder.path, 'index') }), { webDir: join(folder.path, 'no-web') });
    expect((await app.request('/api/documents/link')).status).toBe(404);
    const search = await app.request('/api/search', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '数据库口令' }) });
    expect(JSON.stringify(await search.json())).not.toContain('hunter2');
  });

  it('refuses an empty folder with a message naming it', async () => {
    const folder = await temporaryFolder('empty');
    cleanups.push(folder.remove);
    await expect(ingestCorpus({ corpusDir: folder.path, indexDir: join(folder.path, 'index'), embeddingModel: null })).rejects.toThrow(
      `no documents (.txt .md .html .docx .pdf) found in ${folder.path}`,
    );
    expect(await readdir(folder.path)).toEqual([]);
  });

  it('writes the index atomically: only the index folder is left beside it', async () => {
    const parent = dirname(seed.indexDir);
    expect(await readdir(parent)).toEqual(['index']);
  });
});
