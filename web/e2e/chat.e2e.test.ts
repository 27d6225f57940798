// The main flow in a real browser against the real server (real corpus, real index): ask, read the
// streamed cited answer, open the clause, summarise, restrict to documents, browse the library, phone width.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../server/serve';
import { askAndWait, ensureUiBuilt, isInViewport, launchBrowser, openPage, repoRoot, screenshot, settledCount, type WatchedPage } from './support/browser';

const question = '滇中城市群常住人口城镇化率到2025年要达到多少？';

let browser: Browser;
let server: RunningServer;
let indexDir: string;
const tabs: WatchedPage[] = [];

beforeAll(async () => {
  indexDir = mkdtempSync(path.join(os.tmpdir(), 'policy-cite-e2e-index-'));
  await ensureUiBuilt();
  [browser, server] = await Promise.all([
    launchBrowser(),
    // The embedded extractive answerer, lexical retrieval: what a machine without model downloads runs.
    startServer({
      port: 0,
      host: '127.0.0.1',
      indexDir,
      corpusDir: path.join(repoRoot, 'corpus'),
      env: { LLM_BASE_URL: '', ALLOW_REMOTE_MODELS: 'false', LOG_LEVEL: 'error' },
    }),
  ]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (indexDir) rmSync(indexDir, { recursive: true, force: true });
});

/** The library as the server lists it, titles without their 《》. */
async function listedDocuments(): Promise<{ id: string; title: string }[]> {
  const { documents } = (await (await fetch(`${server.url}/api/documents`)).json()) as { documents: { id: string; title: string }[] };
  return documents.map(({ id, title }) => ({ id, title: title.replace(/^《(.*)》$/, '$1') }));
}

async function newTab(size?: { width: number; height: number }): Promise<Page> {
  const tab = await openPage(browser, { baseURL: server.url, ...size });
  tabs.push(tab);
  await tab.page.goto('/');
  return tab.page;
}

describe('policy chat against the real server', () => {
  it('answers with a citation that opens the highlighted clause', async () => {
    const page = await newTab();
    await page.getByTestId('health').getByText(/份文件/).waitFor();
    await page.getByTestId('example-questions').waitFor();
    await screenshot(page, 'real-empty');
    // Every example names a document the library holds.
    const titles = (await listedDocuments()).map((document) => document.title);
    const examples = await page.getByTestId('example-questions').getByRole('button').allTextContents();
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) expect(titles.some((title) => example.includes(`《${title}》`))).toBe(true);

    const answer = await askAndWait(page, question);
    await expect(answer.textContent()).resolves.toContain('65%');
    await expect(answer.getAttribute('data-answered')).resolves.toBe('true');
    const firstCitation = answer.getByTestId('citation').first();
    await expect(firstCitation.textContent()).resolves.toBe('1');

    await firstCitation.hover();
    await expect(page.getByRole('tooltip').textContent()).resolves.toMatch(/《.+》/);
    await screenshot(page, 'real-answer-tooltip');

    await firstCitation.click();
    const panel = page.getByTestId('source-panel');
    await panel.waitFor();
    const mark = panel.locator('mark');
    await mark.waitFor();
    await expect(mark.textContent()).resolves.toContain('滇中城市群常住人口城镇化率达到65%左右');
    await page.waitForTimeout(100);
    expect(await isInViewport(page, '[data-testid="source-panel"] mark')).toBe(true);
    await expect(panel.getByRole('heading', { level: 2 }).textContent()).resolves.toContain('云南省促进区域协调发展实施方案');
    await screenshot(page, 'real-source-panel');

    // The sources under the answer name document and heading path, and open the panel too.
    const sources = answer.getByTestId('source-item');
    expect(await sources.count()).toBeGreaterThan(0);
    await expect(sources.first().textContent()).resolves.toMatch(/《.+》/);
  });

  it('says plainly when the documents hold no answer, without sources', async () => {
    const page = await newTab();
    const answer = await askAndWait(page, '如何申请护照？');
    await expect(answer.getAttribute('data-answered')).resolves.toBe('false');
    await answer.getByTestId('answer-unanswered').waitFor();
    await expect(answer.getByTestId('source-list').count()).resolves.toBe(0);
    await expect(answer.getByTestId('citation').count()).resolves.toBe(0);
    await screenshot(page, 'real-unanswered');
  });

  it('summarises across documents in 摘要 mode', async () => {
    const page = await newTab();
    await page.getByRole('button', { name: '摘要' }).click();
    await expect(page.getByRole('button', { name: '摘要' }).getAttribute('aria-pressed')).resolves.toBe('true');
    const answer = await askAndWait(page, '各省在生态补偿方面怎么规定的');
    await expect(answer.getAttribute('aria-label')).resolves.toBe('摘要');
    const documents = new Set(await answer.getByTestId('source-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-document-id'))));
    expect(documents.size).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'real-summary');
  });

  it('restricts the sources to the documents chosen in the scope picker', async () => {
    const page = await newTab();
    const sentScopes: unknown[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/chat')) sentScopes.push(request.postDataJSON()?.documents);
    });
    await page.getByTestId('scope-button').click();
    const picker = page.getByTestId('scope-panel');
    await picker.getByRole('checkbox', { name: /贵州/ }).check();
    await screenshot(page, 'real-scope-picker');
    await picker.getByRole('button', { name: '完成' }).click();
    await expect(page.getByTestId('scope-button').textContent()).resolves.toContain('已选 1 份文件');

    const answer = await askAndWait(page, '如何完善生态补偿机制？');
    const documents = await answer.getByTestId('source-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-document-id')));
    expect(documents.length).toBeGreaterThan(0);
    expect(new Set(documents)).toEqual(new Set(['guizhou-regional-mechanism']));
    expect(sentScopes).toEqual([['guizhou-regional-mechanism']]);
  });

  it('opens any document from the library with a clickable outline', async () => {
    const page = await newTab();
    await page.getByRole('button', { name: '文件库' }).click();
    const items = page.getByTestId('library-item');
    expect(await settledCount(items, (count) => count === 5)).toBe(5);
    await screenshot(page, 'real-library');
    await page.locator('[data-testid="library-item"][data-document-id="chengyu-joint-plan"]').click();
    const outline = page.getByRole('navigation', { name: '文件目录' });
    const entries = outline.getByRole('button');
    // The outline renders once the document has loaded.
    expect(await settledCount(entries, (count) => count > 5)).toBeGreaterThan(5);
    const last = entries.last();
    await last.click();
    const index = await entries.count();
    await page.waitForFunction(
      (i) => {
        const anchor = document.querySelector(`[data-section-index="${i}"]`);
        if (!anchor) return false;
        const box = anchor.getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight;
      },
      index - 1,
      { timeout: 5000 },
    );
    await screenshot(page, 'real-document');
  });

  it('works at 375 px: the source panel is a full-screen sheet', async () => {
    const page = await newTab({ width: 375, height: 740 });
    // The first example question: one click sends it, and it is answered from the document it names.
    const example = page.getByTestId('example-questions').getByRole('button').first();
    const asked = (await example.textContent()) ?? '';
    const named = (await listedDocuments()).filter((document) => asked.includes(`《${document.title}》`));
    expect(named).toHaveLength(1);
    const sent = page.waitForRequest((request) => request.url().endsWith('/api/chat'));
    await example.click();
    expect((await sent).postDataJSON().messages).toEqual([{ role: 'user', content: asked }]);
    const answer = page.getByTestId('assistant-message').last();
    await answer.and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
    await expect(answer.getAttribute('data-answered')).resolves.toBe('true');
    const sourceDocuments = await answer.getByTestId('source-item').evaluateAll((items) => items.map((item) => item.getAttribute('data-document-id')));
    expect(sourceDocuments.length).toBeGreaterThan(0);
    expect(new Set(sourceDocuments)).toEqual(new Set([named[0].id]));
    // Nothing sticks out sideways.
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(375);
    await screenshot(page, 'real-mobile-answer');

    await answer.getByTestId('citation').first().click();
    const panel = page.getByTestId('side-panel');
    await panel.locator('mark').waitFor();
    await panel.evaluate((element) => Promise.all(element.getAnimations().map((animation) => animation.finished)));
    const box = await panel.boundingBox();
    expect(box && [box.x, box.y, box.width, box.height].map(Math.round)).toEqual([0, 0, 375, 740]);
    expect(await isInViewport(page, '[data-testid="side-panel"] mark')).toBe(true);
    await screenshot(page, 'real-mobile-source');
    await page.getByRole('button', { name: '关闭面板' }).click();
    await panel.waitFor({ state: 'detached' });
  });

  it('logged no console errors', () => {
    expect(tabs.flatMap((tab) => tab.errors)).toEqual([]);
  });
});
