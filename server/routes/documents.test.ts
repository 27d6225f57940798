// Adding and removing documents over HTTP, against a real server on loopback: a .docx and a .pdf become
// answerable with exact citations, bad files and other sites' pages change nothing, names are made safe,
// changes run one at a time, and a removed file is kept beside the corpus folder.
import { cp, readdir, readFile, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removedFilesDir } from '../rag/library-writes';
import { startServer, type RunningServer } from '../serve';
import { chinesePdf } from '../test-support/chinese-pdf';
import { seedCorpusDir, temporaryFolder } from '../test-support/corpus';

let root: string;
let corpusDir: string;
let indexDir: string;
let server: RunningServer;
/** The .docx as a user's disk holds it (the docx package stamps the time, so it is made once). */
let waterDocx: Uint8Array;
const cleanups: (() => Promise<void>)[] = [];

const waterNotice = ['青川县关于开展农村饮水安全巡检工作的通知', '一、巡检范围', '各乡镇对辖区内集中供水工程开展巡检。', '二、时间安排', '巡检工作于2026年4月15日前完成，水质合格率要达到98%以上。'];
const floodNotice = ['白河镇关于做好汛期地质灾害防范工作的通知', '一、工作要求', '各村在汛期实行24小时值班制度，发现险情须在30分钟内上报镇应急办。'];

async function wordFile(lines: string[]): Promise<Uint8Array> {
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: lines.map((line) => new Paragraph(line)) }] })));
}

function upload(files: { name: string; bytes: Uint8Array }[], headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const file of files) form.append('file', new Blob([Buffer.from(file.bytes)]), file.name);
  return fetch(`${server.url}/api/documents`, { method: 'POST', body: form, headers });
}

async function ask(question: string) {
  const response = await fetch(`${server.url}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: question }] }) });
  return (await response.json()) as { answer: string; answered: boolean; citations: { documentId: string; quote: string; start: number; end: number }[] };
}

/** The corpus folder's files and the index's manifest: what "nothing changed" compares. */
async function snapshot() {
  return { files: (await readdir(corpusDir)).sort(), manifest: await readFile(join(indexDir, 'manifest.json'), 'utf8'), documents: server.service.index.documents.length };
}

/** A request with headers fetch will not send as given (Host), over a plain socket. */
function rawPost(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: { error?: { code: string } } }> {
  const url = new URL(server.url);
  return new Promise((resolveResponse, reject) => {
    const request = httpRequest({ host: url.hostname, port: url.port, path, method: 'POST', headers: { 'content-length': Buffer.byteLength(body), ...headers } }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolveResponse({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const multipartBody = (name: string, text: string) => {
  const boundary = 'testboundary';
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--${boundary}--\r\n`,
  };
};

beforeAll(async () => {
  const folder = await temporaryFolder('documents-api');
  cleanups.push(folder.remove);
  root = folder.path;
  corpusDir = join(root, 'corpus');
  indexDir = join(root, 'index');
  await cp(seedCorpusDir, corpusDir, { recursive: true });
  waterDocx = await wordFile(waterNotice);
  server = await startServer({ port: 0, host: '127.0.0.1', corpusDir, indexDir, env: { EMBEDDING_MODEL: 'none', LLM_BASE_URL: '', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '0', ADMIN_TOKEN: '' } });
});

afterAll(async () => {
  await server?.close();
  for (const cleanup of cleanups) await cleanup();
});

describe('POST /api/documents', () => {
  it('adds a .docx that the next question is answered from, with offsets that hold the quote', async () => {
    const response = await upload([{ name: '饮水巡检通知.docx', bytes: waterDocx }]);
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body.documents).toEqual([expect.objectContaining({ id: '饮水巡检通知', title: '《青川县关于开展农村饮水安全巡检工作的通知》', file: '饮水巡检通知.docx' })]);
    expect(body.index).toMatchObject({ documents: 6, update: 'incremental' });
    expect((await readdir(corpusDir))).toContain('饮水巡检通知.docx');

    const answer = await ask('农村饮水安全巡检什么时候完成？水质合格率要求多少？');
    expect(answer.answered).toBe(true);
    expect(answer.answer).toContain('98%');
    const citation = answer.citations.find((candidate) => candidate.documentId === '饮水巡检通知')!;
    const document = await (await fetch(`${server.url}/api/documents/${encodeURIComponent(citation.documentId)}`)).json();
    expect(document.text.slice(citation.start, citation.end)).toBe(citation.quote);
  });

  it('adds a Chinese .pdf the same way', async () => {
    const response = await upload([{ name: '汛期防范.pdf', bytes: chinesePdf(floodNotice) }]);
    expect(response.status).toBe(201);
    const answer = await ask('汛期发现险情多长时间内要上报？');
    expect(answer.citations.map((citation) => citation.documentId)).toContain('汛期防范');
    expect(answer.answer).toContain('30分钟');
  });

  it('refuses a corrupt .pdf with a reason, and nothing changes', async () => {
    const before = await snapshot();
    const pdf = chinesePdf(floodNotice);
    const response = await upload([{ name: '损坏.pdf', bytes: pdf.slice(0, pdf.length / 2) }]);
    expect(response.status).toBe(422);
    expect((await response.json()).error).toMatchObject({ code: 'unreadable_file', details: { file: '损坏.pdf', reason: 'damaged' } });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a 50 MB file, and nothing changes', async () => {
    const before = await snapshot();
    const response = await upload([{ name: '扫描全本.pdf', bytes: new Uint8Array(50 * 1024 * 1024) }]);
    expect(response.status).toBe(413);
    expect((await response.json()).error).toMatchObject({ code: 'file_too_large' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses the whole request when one of its files is bad: all or nothing', async () => {
    const before = await snapshot();
    const response = await upload([
      { name: '好文件.txt', bytes: new TextEncoder().encode('关于统计调查的通知\n\n一、各单位按月报送统计数据。') },
      { name: '坏文件.docx', bytes: new TextEncoder().encode('not a zip') },
    ]);
    expect(response.status).toBe(415);
    expect((await response.json()).error.details).toEqual({ file: '坏文件.docx', reason: 'content:text' });
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an upload from another site\'s page, and nothing changes', async () => {
    const before = await snapshot();
    const file = [{ name: '跨站.txt', bytes: new TextEncoder().encode('关于跨站请求的通知\n\n一、不应被收录。') }];
    const attempts: Record<string, string>[] = [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site', origin: 'http://localhost:9999' }, { origin: 'null' }];
    for (const headers of attempts) {
      const response = await upload(file, headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect((await response.json()).error.code).toBe('forbidden:cross_site');
    }
    // The page's own origin is fine (what the UI sends).
    expect(await snapshot()).toEqual(before);
  });

  it('treats a loopback request as remote when it names another host or comes through an untrusted proxy', async () => {
    const before = await snapshot();
    const { contentType, body } = multipartBody('远程.txt', '关于远程请求的通知\n\n一、不应被收录。');
    const rebound = await rawPost('/api/documents', { 'content-type': contentType, host: `attacker.example:${new URL(server.url).port}` }, body);
    expect(rebound).toMatchObject({ status: 403, body: { error: { code: 'forbidden:remote_write' } } });
    const proxied = await rawPost('/api/documents', { 'content-type': contentType, 'x-forwarded-for': '203.0.113.9' }, body);
    expect(proxied).toMatchObject({ status: 403, body: { error: { code: 'forbidden:remote_write' } } });
    expect(await snapshot()).toEqual(before);
  });

  it('saves under a safe name: no path, not hidden, and never over another file', async () => {
    const first = await upload([{ name: '../../逃逸.txt', bytes: new TextEncoder().encode('关于目录安全的通知\n\n一、文件名中的路径被去掉。') }]);
    expect(first.status).toBe(201);
    const second = await upload([{ name: '逃逸.txt', bytes: new TextEncoder().encode('关于同名文件的通知\n\n一、同名的第二个文件加上编号保存。') }]);
    expect(second.status).toBe(201);
    const hidden = await upload([{ name: '.隐藏.md', bytes: new TextEncoder().encode('# 关于隐藏文件的通知\n\n一、以点开头的文件名会被忽略，所以去掉点。') }]);
    expect(hidden.status).toBe(201);
    const files = await readdir(corpusDir);
    expect(files).toEqual(expect.arrayContaining(['逃逸.txt', '逃逸 (2).txt', '隐藏.md']));
    expect((await readdir(root)).sort()).toEqual(['corpus', 'index']);
    expect((await second.json()).documents[0]).toMatchObject({ id: '逃逸-2', file: '逃逸 (2).txt' });
  });

  it('refuses a file the library already holds', async () => {
    const response = await upload([{ name: '再传一次.docx', bytes: waterDocx }]);
    expect(response.status).toBe(409);
    expect((await response.json()).error).toMatchObject({ code: 'conflict:duplicate_document', details: { documentId: '饮水巡检通知' } });
  });

  it('runs concurrent uploads one after the other: both land', async () => {
    const [a, b] = await Promise.all([
      upload([{ name: '并发甲.txt', bytes: new TextEncoder().encode('关于并发上传甲的通知\n\n一、甲文件要求每季度报送一次。') }]),
      upload([{ name: '并发乙.txt', bytes: new TextEncoder().encode('关于并发上传乙的通知\n\n一、乙文件要求每半年报送一次。') }]),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const ids = server.service.index.documents.map((document) => document.id);
    expect(ids).toEqual(expect.arrayContaining(['并发甲', '并发乙']));
  });

  it('says what it needs for a request that is not multipart', async () => {
    const response = await fetch(`${server.url}/api/documents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
  });
});

describe('GET /api/documents', () => {
  it('tells the page that this machine may add files, and the limits', async () => {
    const body = await (await fetch(`${server.url}/api/documents`)).json();
    expect(body.uploads).toEqual({ allowed: true, maxFileBytes: 20 * 1024 * 1024, maxFiles: 20, extensions: ['.txt', '.md', '.markdown', '.html', '.htm', '.docx', '.pdf'] });
    expect(body.documents.find((document: { id: string }) => document.id === '饮水巡检通知')).toMatchObject({ file: '饮水巡检通知.docx' });
  });
});

describe('DELETE /api/documents/:id', () => {
  it('moves the file beside the corpus folder and drops the document from the index', async () => {
    const response = await fetch(`${server.url}/api/documents/${encodeURIComponent('饮水巡检通知')}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.removed).toMatchObject({ id: '饮水巡检通知', file: '饮水巡检通知.docx' });
    expect(body.removed.movedTo).toMatch(/^corpus-removed\/[^/]+\/饮水巡检通知\.docx$/);
    expect(body.index.update).toBe('incremental');
    expect(await readdir(corpusDir)).not.toContain('饮水巡检通知.docx');
    expect((await stat(join(root, body.removed.movedTo))).isFile()).toBe(true);
    expect(removedFilesDir(corpusDir)).toBe(join(root, 'corpus-removed'));

    expect((await fetch(`${server.url}/api/documents/${encodeURIComponent('饮水巡检通知')}`)).status).toBe(404);
    const answer = await ask('农村饮水安全巡检什么时候完成？');
    expect(answer.citations.map((citation) => citation.documentId)).not.toContain('饮水巡检通知');
  });

  it('answers 404 for an unknown document and 403 for another site', async () => {
    const missing = await fetch(`${server.url}/api/documents/nope`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.code).toBe('not_found:document');
    const crossSite = await fetch(`${server.url}/api/documents/${encodeURIComponent('汛期防范')}`, { method: 'DELETE', headers: { origin: 'http://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(server.service.index.document('汛期防范')).toBeDefined();
  });
});

describe('writes from another machine', () => {
  it('need ADMIN_TOKEN when it is set: 401 without it, accepted with it', async () => {
    const folder = await temporaryFolder('documents-token');
    cleanups.push(folder.remove);
    await cp(seedCorpusDir, join(folder.path, 'corpus'), { recursive: true });
    const guarded = await startServer({
      port: 0,
      host: '127.0.0.1',
      corpusDir: join(folder.path, 'corpus'),
      indexDir: join(folder.path, 'index'),
      env: { EMBEDDING_MODEL: 'none', LLM_BASE_URL: '', LOG_LEVEL: 'silent', ADMIN_TOKEN: 'library-token', TRUST_PROXY: '1' },
    });
    try {
      const form = () => {
        const data = new FormData();
        data.append('file', new Blob([new TextEncoder().encode('关于远程管理的通知\n\n一、持有令牌的管理员可以添加文件。')]), '远程管理.txt');
        return data;
      };
      // Through a trusted proxy, the client is the forwarded address: another machine.
      const remote = { 'x-forwarded-for': '203.0.113.9' };
      const refused = await fetch(`${guarded.url}/api/documents`, { method: 'POST', body: form(), headers: remote });
      expect(refused.status).toBe(401);
      expect((await refused.json()).error.code).toBe('unauthorized');
      const listed = await (await fetch(`${guarded.url}/api/documents`, { headers: remote })).json();
      expect(listed.uploads.allowed).toBe(false);
      const accepted = await fetch(`${guarded.url}/api/documents`, { method: 'POST', body: form(), headers: { ...remote, authorization: 'Bearer library-token' } });
      expect(accepted.status).toBe(201);
    } finally {
      await guarded.close();
    }
  });
});
