// Comparison answers in a real browser against the canned mock API: notes above the answer, headings
// and lists, the comparison table with working citation buttons, 已修订 and masked-character marks,
// the copied Markdown table, and the table at phone width.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distDir, ensureUiBuilt, isInViewport, launchBrowser, openPage, screenshot, type WatchedPage } from './support/browser';
import { comparisonCitations, comparisonResponse, maskedQuote, type MockApi, startMockApi } from './support/mock-api';

const question = '云南和贵州在生态补偿方面的政策有何异同？';

let browser: Browser;
let mock: MockApi;
const tabs: WatchedPage[] = [];

beforeAll(async () => {
  await ensureUiBuilt();
  [browser, mock] = await Promise.all([launchBrowser(), startMockApi({ distDir })]);
  mock.setChatBehavior('comparison');
});

afterAll(async () => {
  await browser?.close();
  await mock?.close();
});

async function askInNewTab(size?: { width: number; height: number }): Promise<{ page: Page; answer: ReturnType<Page['getByTestId']> }> {
  const tab = await openPage(browser, { baseURL: mock.url, ...size });
  tabs.push(tab);
  await tab.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mock.url });
  const { page } = tab;
  await page.goto('/');
  const input = page.getByRole('textbox', { name: '输入问题' });
  await input.fill(question);
  await input.press('Enter');
  const answer = page.getByTestId('assistant-message').last();
  await answer.and(page.locator('[data-status="done"]')).waitFor();
  return { page, answer };
}

/**
 * The whole reply at the page's width: the chat column scrolls inside the page, so the viewport is
 * made tall enough for the reply for one screenshot, then put back.
 */
async function replyScreenshot(page: Page, name: string) {
  const viewport = page.viewportSize()!;
  const height = await page.getByTestId('assistant-message').last().evaluate((element) => element.getBoundingClientRect().height);
  await page.setViewportSize({ width: viewport.width, height: Math.ceil(height) + 320 });
  await page.getByTestId('assistant-message').last().evaluate((element) => element.scrollIntoView({ block: 'end' }));
  await screenshot(page, name);
  await page.setViewportSize(viewport);
}

describe('comparison answers against the mock API', () => {
  let page: Page;
  let answer: Awaited<ReturnType<typeof askInNewTab>>['answer'];

  beforeAll(async () => {
    ({ page, answer } = await askInNewTab());
  });

  it('shows notes above the answer, and the answer’s headings and bullets as headings and lists', async () => {
    const notes = answer.getByTestId('answer-notes');
    await expect(notes.getByRole('listitem').allTextContents()).resolves.toEqual([
      '2 引自《贵州省区域协调发展实施意见》的2019年版，该版本已被修订。',
      '3 引自《贵州省区域协调发展实施意见》的2019年版，该版本已被修订。',
      '引文中的“*”是原网页版本中的屏蔽字，按原文照录。',
    ]);
    // Notes come before the cited text and are not part of it.
    const order = await answer.evaluate((element) => {
      const notesBox = element.querySelector('[data-testid="answer-notes"]');
      const body = element.querySelector('.answer-body');
      return Boolean(notesBox && body && notesBox.compareDocumentPosition(body) & Node.DOCUMENT_POSITION_FOLLOWING && !body.contains(notesBox));
    });
    expect(order).toBe(true);

    const headings = answer.locator('.answer-body h4');
    await expect(headings.allTextContents()).resolves.toEqual(['《云南省促进区域协调发展实施方案》 › 二、完善生态补偿机制', '《贵州省区域协调发展实施意见》 › 一、总体要求']);
    await expect(answer.locator('.answer-body ul > li').count()).resolves.toBe(4);
    await expect(answer.locator('.answer-body').textContent()).resolves.not.toContain('###');
  });

  it('renders the comparison: a row per aspect, a column per document, 未提及 where a document is silent', async () => {
    const table = answer.getByTestId('comparison-table');
    const columns = table.locator('thead th');
    await expect(columns.allTextContents()).resolves.toEqual(['方面', '云南省促进区域协调发展实施方案', '贵州省区域协调发展实施意见']);
    await expect(columns.nth(1).getAttribute('title')).resolves.toBe('《云南省促进区域协调发展实施方案》');
    const rows = table.locator('tbody tr');
    await expect(rows.count()).resolves.toBe(3);
    await expect(rows.locator('th').allTextContents()).resolves.toEqual(['生态补偿共同', '横向补偿共同', '城镇化率']);
    await expect(rows.nth(2).locator('td').nth(1).textContent()).resolves.toBe('未提及');
    await expect(answer.getByTestId('comparison-shared').textContent()).resolves.toBe('2 份文件都提到：生态补偿、横向补偿');
    // Every filled cell carries the citation the server gave it.
    const cellCitations = await table.locator('td').evaluateAll((cells) => cells.map((cell) => cell.querySelector('[data-testid="citation"]')?.getAttribute('data-citation') ?? null));
    expect(cellCitations).toEqual(['1', '2', '1', '3', '4', null]);
    // The table's citations are listed as sources too.
    await expect(answer.getByTestId('source-item').count()).resolves.toBe(4);
    await replyScreenshot(page, 'comparison-answer-1280');
  });

  it('marks superseded quotes and masked characters where they are shown', async () => {
    const cell = answer.getByTestId('comparison-table').locator('tbody tr').nth(1).locator('td').nth(1);
    await expect(cell.getByTestId('revised-badge').textContent()).resolves.toBe('已修订');
    const masked = cell.getByTestId('masked-char');
    await expect(masked.count()).resolves.toBe(2);
    await expect(masked.first().getAttribute('title')).resolves.toBe('原文网页版本中的屏蔽字');
    await expect(cell.textContent()).resolves.toContain(maskedQuote);

    await cell.getByTestId('citation').hover();
    const tooltip = page.getByRole('tooltip');
    await tooltip.waitFor();
    await expect(tooltip.getByTestId('citation-tooltip-version').textContent()).resolves.toContain('2019年版');
    await expect(tooltip.textContent()).resolves.toContain(`“${maskedQuote}”`);
    await expect(tooltip.textContent()).resolves.toContain('原文网页版本中的屏蔽字');
    await screenshot(page, 'comparison-cell-tooltip-1280');
    await page.mouse.move(5, 5);
  });

  it('opens the cited span in the source panel from a table cell', async () => {
    const cell = answer.getByTestId('comparison-table').locator('tbody tr').nth(1).locator('td').nth(1);
    await cell.getByTestId('citation').click();
    const panel = page.getByTestId('source-panel');
    await expect(panel.getAttribute('data-document-id')).resolves.toBe('guizhou-plan');
    const mark = page.getByTestId('source-highlight');
    await mark.waitFor();
    await expect(mark.textContent()).resolves.toBe(comparisonCitations[2].quote);
    expect(await isInViewport(page, '[data-testid="source-highlight"]')).toBe(true);
    await screenshot(page, 'comparison-cell-source-1280');

    // Another column opens the other document.
    await answer.getByTestId('comparison-table').locator('tbody tr').nth(2).locator('td').first().getByTestId('citation').click();
    await expect(page.getByTestId('source-panel').getAttribute('data-document-id')).resolves.toBe('yunnan-plan');
    await expect(page.getByTestId('source-highlight').textContent()).resolves.toBe(comparisonCitations[3].quote);
    await page.getByRole('button', { name: '关闭面板' }).click();
    await page.getByTestId('side-panel').waitFor({ state: 'detached' });
  });

  it('copies question, date, answer, the table as a Markdown table and the footnotes', async () => {
    await answer.getByTestId('copy-answer').click();
    await answer.getByText('已复制').waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const today = await page.evaluate(() => {
      const now = new Date();
      return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    });
    expect(copied.startsWith(`问题：${question}\n\n日期：${today}\n\n`)).toBe(true);
    expect(copied).toContain('> [^2] 引自《贵州省区域协调发展实施意见》的2019年版，该版本已被修订。');
    expect(copied).toContain('### 《云南省促进区域协调发展实施方案》 › 二、完善生态补偿机制\n\n- 健全多元化生态补偿机制，推进流域上下游横向生态保护补偿。[^1]');
    const table = copied.split('\n').filter((line) => line.startsWith('|'));
    expect(table).toEqual([
      '| 方面 | 《云南省促进区域协调发展实施方案》 | 《贵州省区域协调发展实施意见》 |',
      '| --- | --- | --- |',
      '| 生态补偿 | 健全多元化生态补偿机制，推进流域上下游横向生态保护补偿。[^1] | 加快建立生态补偿机制。[^2] |',
      '| 横向补偿 | 健全多元化生态补偿机制，推进流域上下游横向生态保护补偿。[^1] | 由省\\*府统筹推进流域横向生态保护补偿，落实财\\*事权。[^3] |',
      `| 城镇化率 | ${comparisonCitations[3].quote}[^4] | 未提及 |`,
    ]);
    expect(copied).toContain('**对比**（各文件都提到：生态补偿、横向补偿）');
    for (const citation of comparisonCitations) expect(copied).toContain(`[^${citation.n}]: `);
    expect(copied).toContain('[^3]: 《贵州省区域协调发展实施意见》（2019年版，已修订）› 一、总体要求：“由省\\*府统筹');
  });

  it('keeps the table, notes and marks across a reload', async () => {
    await page.reload();
    const reloaded = page.getByTestId('assistant-message').last();
    await reloaded.getByTestId('comparison-table').waitFor();
    await expect(reloaded.getByTestId('comparison-table').locator('tbody tr').count()).resolves.toBe(3);
    await expect(reloaded.getByTestId('answer-notes').getByRole('listitem').count()).resolves.toBe(3);
    await expect(reloaded.getByTestId('comparison-table').getByTestId('revised-badge').count()).resolves.toBe(2);
  });

  it('fits 375 px: the table scrolls sideways inside itself, not the page, and its citations still open', async () => {
    const phone = await askInNewTab({ width: 375, height: 740 });
    const scroller = phone.answer.getByTestId('comparison-scroll');
    await scroller.waitFor();
    await expect(phone.page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(375);
    const widths = await scroller.evaluate((element) => ({ scroll: element.scrollWidth, client: element.clientWidth }));
    expect(widths.scroll).toBeGreaterThan(widths.client);
    await replyScreenshot(phone.page, 'comparison-answer-375');
    await scroller.evaluate((element) => element.scrollIntoView({ block: 'start' }));
    await screenshot(phone.page, 'comparison-table-375');

    // Scrolled sideways, the aspect column stays put and the last column's citation opens its clause.
    await scroller.evaluate((element) => (element.scrollLeft = element.scrollWidth));
    await screenshot(phone.page, 'comparison-table-375-scrolled');
    const aspect = scroller.locator('tbody th').first();
    const scrollerBox = await scroller.boundingBox();
    const aspectBox = await aspect.boundingBox();
    expect(aspectBox && scrollerBox && Math.round(aspectBox.x - scrollerBox.x)).toBeLessThanOrEqual(1);
    await scroller.locator('tbody tr').first().locator('td').nth(1).getByTestId('citation').click();
    const mark = phone.page.getByTestId('source-highlight');
    await mark.waitFor();
    await expect(mark.textContent()).resolves.toBe(comparisonCitations[1].quote);
    await phone.page.getByRole('button', { name: '关闭面板' }).click();
    await phone.page.getByTestId('side-panel').waitFor({ state: 'detached' });
  });

  it('logged no console errors', () => {
    expect(comparisonResponse.comparison?.cells.length).toBe(6);
    expect(tabs.flatMap((tab) => tab.errors)).toEqual([]);
  });
});
