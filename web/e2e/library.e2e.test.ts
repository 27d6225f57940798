// Adding and removing documents in a real browser against the real server (a copy of the seed corpus):
// upload a .docx, ask about it, open the citation; a corrupt PDF and a 50 MB file are refused and change
// nothing; drop a file; remove a document; another site's page cannot post files; 1280 and 375 px.
import { createServer, type Server } from 'node:http';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Document, Packer, Paragraph } from 'docx';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exclusiveWrite } from '../../server/rag/library-writes';
import { type RunningServer, startServer } from '../../server/serve';
import { chinesePdf } from '../../server/test-support/chinese-pdf';
import { seedCorpusDir, temporaryFolder } from '../../server/test-support/corpus';
import { askAndWait, ensureUiBuilt, isInViewport, launchBrowser, openPage, screenshot, settledCount, type WatchedPage } from './support/browser';

const notice = ['青川县关于开展农村饮水安全巡检工作的通知', '一、巡检范围', '各乡镇对辖区内集中供水工程开展巡检。', '二、时间安排', '巡检工作于2026年4月15日前完成，水质合格率要达到98%以上。'];
const question = '农村饮水安全巡检什么时候完成？水质合格率要求多少？';

let browser: Browser;
let server: RunningServer;
let root: string;
let corpusDir: string;
let indexDir: string;
let removeFolder: () => Promise<void>;
let docx: Buffer;
const tabs: WatchedPage[] = [];

beforeAll(async () => {
  const folder = await temporaryFolder('e2e-library');
  root = folder.path;
  removeFolder = folder.remove;
  corpusDir = path.join(root, 'corpus');
  indexDir = path.join(root, 'index');
  await cp(seedCorpusDir, corpusDir, { recursive: true });
  docx = await Packer.toBuffer(new Document({ sections: [{ children: notice.map((line) => new Paragraph(line)) }] }));
  await ensureUiBuilt();
  [browser, server] = await Promise.all([
    launchBrowser(),
    startServer({ port: 0, host: '127.0.0.1', corpusDir, indexDir, env: { LLM_BASE_URL: '', ALLOW_REMOTE_MODELS: 'false', EMBEDDING_MODEL: 'none', LOG_LEVEL: 'error', RATE_LIMIT_PER_MINUTE: '0' } }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await removeFolder?.();
});

async function newTab(size?: { width: number; height: number }): Promise<Page> {
  // A refused upload is an HTTP error the console reports; the page shows it in words instead.
  const tab = await openPage(browser, { baseURL: server.url, ...size, ignore: [/Failed to load resource: the server responded with a status of 4\d\d/] });
  tabs.push(tab);
  await tab.page.goto('/');
  return tab.page;
}

async function openLibrary(page: Page) {
  await page.getByRole('button', { name: '文件库' }).click();
  await page.getByTestId('upload-panel').waitFor();
}

/** The corpus folder and the index manifest: what "nothing changed" compares. */
async function serverSnapshot() {
  return { files: (await readdir(corpusDir)).sort(), manifest: await readFile(path.join(indexDir, 'manifest.json'), 'utf8') };
}

describe('the library in a real browser', () => {
  it('adds a .docx, shows its progress, and answers from it with a citation that opens the highlighted clause', async () => {
    const page = await newTab();
    await openLibrary(page);
    expect(await settledCount(page.getByTestId('library-item'), (count) => count === 5)).toBe(5);
    await screenshot(page, 'library-1280');

    // Keep the server busy with another change, so the file waits its turn after it has been sent and
    // the "indexing" state can be seen (and photographed).
    let release!: () => void;
    const busy = exclusiveWrite(server.service, () => new Promise<void>((resolve) => (release = resolve)));
    await page.getByTestId('file-input').setInputFiles({ name: '饮水巡检通知.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: docx });
    const item = page.getByTestId('upload-item').first();
    await item.and(page.locator('[data-status="indexing"]')).waitFor();
    await expect(item.textContent()).resolves.toContain('正在建立索引');
    await screenshot(page, 'library-upload-indexing-1280');
    release();
    await busy;
    await item.and(page.locator('[data-status="done"]')).waitFor();
    await expect(item.textContent()).resolves.toContain('《青川县关于开展农村饮水安全巡检工作的通知》');
    expect(await settledCount(page.getByTestId('library-item'), (count) => count === 6)).toBe(6);
    await page.getByTestId('health').getByText('6 份文件').waitFor();
    await screenshot(page, 'library-upload-done-1280');
    expect(await readdir(corpusDir)).toContain('饮水巡检通知.docx');

    await page.getByTestId('close-panel').click();
    const answer = await askAndWait(page, question);
    await expect(answer.textContent()).resolves.toContain('98%');
    const citation = answer.getByTestId('citation').first();
    await citation.click();
    const panel = page.getByTestId('source-panel');
    await expect(panel.getAttribute('data-document-id')).resolves.toBe('饮水巡检通知');
    const mark = panel.locator('mark');
    await mark.waitFor();
    await expect(mark.textContent()).resolves.toContain('水质合格率要达到98%以上');
    expect(await isInViewport(page, '[data-testid="source-panel"] mark')).toBe(true);
    await screenshot(page, 'library-uploaded-citation-1280');
  });

  it('refuses a corrupt PDF with a message naming it, and the library stays as it was', async () => {
    const page = await newTab();
    await openLibrary(page);
    const before = await serverSnapshot();
    const count = await settledCount(page.getByTestId('library-item'), (value) => value === 6);
    const pdf = chinesePdf(notice);
    await page.getByTestId('file-input').setInputFiles({ name: '损坏的通知.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf.slice(0, pdf.length / 2)) });
    const item = page.getByTestId('upload-item').first();
    await item.and(page.locator('[data-status="error"]')).waitFor();
    await expect(item.getByRole('alert').textContent()).resolves.toBe('「损坏的通知.pdf」无法读取，文件可能已损坏或已加密，没有添加。');
    await screenshot(page, 'library-upload-refused-1280');
    expect(await page.getByTestId('library-item').count()).toBe(count);
    expect(await serverSnapshot()).toEqual(before);
  });

  it('refuses a 50 MB file before sending it', async () => {
    const page = await newTab();
    await openLibrary(page);
    const before = await serverSnapshot();
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/documents')) posts.push(request.url());
    });
    // Playwright hands over buffers up to 50 MB only: the big file goes through the file system, as a user's would.
    const big = path.join(root, '全年汇编.pdf');
    await writeFile(big, Buffer.alloc(50 * 1024 * 1024));
    await page.getByTestId('file-input').setInputFiles(big);
    const item = page.getByTestId('upload-item').first();
    await item.and(page.locator('[data-status="error"]')).waitFor();
    await expect(item.getByRole('alert').textContent()).resolves.toBe('「全年汇编.pdf」超过 20 MB 的上限，没有添加。');
    expect(posts).toEqual([]);
    expect(await serverSnapshot()).toEqual(before);
  });

  it('takes a file dropped on the library', async () => {
    const page = await newTab();
    await openLibrary(page);
    const library = page.getByTestId('library');
    const transfer = await page.evaluateHandle(() => {
      const data = new DataTransfer();
      data.items.add(new File(['白河镇关于做好汛期地质灾害防范工作的通知\n\n一、工作要求\n各村在汛期实行24小时值班制度，发现险情须在30分钟内上报镇应急办。\n'], '汛期防范.txt', { type: 'text/plain' }));
      return data;
    });
    await library.dispatchEvent('dragenter', { dataTransfer: transfer });
    await page.locator('.drop-overlay').waitFor();
    await screenshot(page, 'library-drop-1280');
    await library.dispatchEvent('drop', { dataTransfer: transfer });
    await page.getByTestId('upload-item').first().and(page.locator('[data-status="done"]')).waitFor();
    expect(await page.locator('.drop-overlay').count()).toBe(0);
    expect(await readdir(corpusDir)).toContain('汛期防范.txt');
  });

  it('removes a document after asking once; its file is kept beside the corpus folder', async () => {
    const page = await newTab();
    await openLibrary(page);
    const before = await settledCount(page.getByTestId('library-item'), (count) => count === 7);
    const entry = page.locator('.library-entry').filter({ has: page.locator('[data-document-id="汛期防范"]') });
    await entry.getByTestId('remove-document').click();
    await screenshot(page, 'library-remove-confirm-1280');
    await entry.getByTestId('confirm-remove').click();
    await page.getByTestId('removal-status').getByText(/已移除/).waitFor();
    expect(await settledCount(page.getByTestId('library-item'), (count) => count === before - 1)).toBe(before - 1);
    expect(await readdir(corpusDir)).not.toContain('汛期防范.txt');
    const removed = await readdir(path.join(root, 'corpus-removed'));
    expect(removed).toHaveLength(1);
    expect(await readdir(path.join(root, 'corpus-removed', removed[0]))).toEqual(['汛期防范.txt']);
  });

  it('keeps the 出处 bar off the document text and explains masked characters', async () => {
    const page = await newTab();
    const answer = await askAndWait(page, '省级财政设立专项资金怎么安排？');
    await answer.getByTestId('citation').first().click();
    const panel = page.getByTestId('source-panel');
    await panel.locator('mark').waitFor();
    const callout = await page.getByTestId('cited-callout').boundingBox();
    const scroller = await panel.locator('.source-scroll').boundingBox();
    expect(callout && scroller && callout.y + callout.height <= scroller.y + 1).toBe(true);
    // Scrolled to the very top, the first lines are below the bar, not under it.
    await panel.locator('.source-scroll').evaluate((element) => element.scrollTo({ top: 0 }));
    const title = await panel.getByRole('heading', { level: 2 }).boundingBox();
    expect(title && callout && title.y >= callout.y + callout.height).toBe(true);
    const masked = panel.getByTestId('masked-char').first();
    await expect(masked.getAttribute('title')).resolves.toBe('原文网页版本中的屏蔽字');
    await expect(masked.textContent()).resolves.toBe('*');
    await screenshot(page, 'source-panel-callout-1280');
  });

  it('works at 375 px: adding files and the list fit the sheet', async () => {
    const page = await newTab({ width: 375, height: 740 });
    await openLibrary(page);
    await settledCount(page.getByTestId('library-item'), (count) => count === 6);
    await screenshot(page, 'library-375');
    await page.getByTestId('file-input').setInputFiles({ name: '不支持的旧文件.doc', mimeType: 'application/msword', buffer: Buffer.from([0xd0, 0xcf, 0x11, 0xe0]) });
    await page.getByTestId('file-input').setInputFiles({ name: '汛期防范（手机）.txt', mimeType: 'text/plain', buffer: Buffer.from('白河镇关于做好汛期值班工作的通知\n\n一、各村汛期实行24小时值班，每班不少于2人。\n') });
    await page.getByTestId('upload-item').first().and(page.locator('[data-status="done"]')).waitFor();
    await expect(page.getByTestId('upload-item').nth(1).textContent()).resolves.toContain('另存为 .docx');
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(375);
    const sheetWidth = await page.getByTestId('side-panel').evaluate((element) => element.scrollWidth);
    expect(sheetWidth).toBeLessThanOrEqual(375);
    await screenshot(page, 'library-upload-375');
  });

  it('does not let a page of another site post files to the server', async () => {
    // A page on another origin (another port on this machine) sends the very request the library's own
    // page may send: a multipart POST, which needs no CORS preflight, so only the server can say no.
    const otherSite: Server = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end('<!doctype html><title>other site</title>');
    });
    await new Promise<void>((resolve) => otherSite.listen(0, '127.0.0.1', resolve));
    const post = (page: Page, name: string) =>
      page.evaluate(
        async ({ target, name }) => {
          const form = new FormData();
          form.append('file', new File([`关于${name}的通知\n\n一、各单位按月报送${name}情况。`], `${name}.txt`, { type: 'text/plain' }));
          try {
            const response = await fetch(`${target}/api/documents`, { method: 'POST', body: form, mode: 'no-cors' });
            return response.type === 'opaque' ? 'opaque' : String(response.status);
          } catch (error) {
            return String(error);
          }
        },
        { target: server.url, name },
      );
    try {
      const before = await serverSnapshot();
      const tab = await openPage(browser, { baseURL: server.url, ignore: [/ERR_BLOCKED_BY_RESPONSE/] });
      tabs.push(tab);
      // A response blocked by its headers (the server's Cross-Origin-Resource-Policy) shows the request reached it.
      const answeredBlocked: string[] = [];
      tab.page.on('requestfailed', (request) => {
        if (request.url() === `${server.url}/api/documents`) answeredBlocked.push(request.failure()?.errorText ?? '');
      });
      await tab.page.goto(`http://127.0.0.1:${(otherSite.address() as AddressInfo).port}/`);
      expect(['opaque', 'TypeError: Failed to fetch']).toContain(await post(tab.page, '跨站上传'));
      expect(answeredBlocked).toEqual(['net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin']);
      expect(await serverSnapshot()).toEqual(before);

      // The same request from the library's own page is accepted.
      const own = await newTab();
      expect(await post(own, '本站上传')).toBe('201');
      expect(await readdir(corpusDir)).toContain('本站上传.txt');
    } finally {
      await new Promise((resolve) => otherSite.close(resolve));
    }
  });

  it('left no console errors', () => {
    expect(tabs.flatMap((tab) => tab.errors)).toEqual([]);
  });
});
