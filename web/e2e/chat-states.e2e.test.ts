// UI states the real server cannot produce on demand, driven by the canned mock API: stopping a
// stream, 500/429/stream errors and a closed server, unanswered replies, verification flags, copy.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distDir, ensureUiBuilt, isInViewport, launchBrowser, openPage, screenshot, settledCount, type WatchedPage } from './support/browser';
import { cannedCitations, type MockApi, quote, startMockApi, unsupportedSentence } from './support/mock-api';

// Chromium logs failed fetches itself; these tests provoke them on purpose.
const expectedNetworkNoise = [/Failed to load resource/, /net::ERR_CONNECTION_REFUSED/, /net::ERR_EMPTY_RESPONSE/];

let browser: Browser;
let mock: MockApi;
let tab: WatchedPage;

beforeAll(async () => {
  await ensureUiBuilt();
  [browser, mock] = await Promise.all([launchBrowser(), startMockApi({ distDir })]);
  tab = await openPage(browser, { baseURL: mock.url, ignore: expectedNetworkNoise });
  await tab.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mock.url });
  await tab.page.goto('/');
});

afterAll(async () => {
  await browser?.close();
  await mock?.close();
});

const input = () => tab.page.getByRole('textbox', { name: '输入问题' });
const lastAnswer = () => tab.page.getByTestId('assistant-message').last();

/** Waits until the newest reply (not an older one) reaches `status`. */
async function lastAnswerSettles(status: 'done' | 'stopped' | 'error' = 'done') {
  await lastAnswer().and(tab.page.locator(`[data-status="${status}"]`)).waitFor();
  return lastAnswer();
}

async function ask(question: string) {
  await input().fill(question);
  await input().press('Enter');
}

describe('chat states against the mock API', () => {
  it('offers example questions about the documents the library holds, and a click sends one', async () => {
    const { page } = tab;
    mock.setChatBehavior('answer');
    const examples = page.getByTestId('example-questions').getByRole('button');
    expect(await settledCount(examples, (count) => count === 2)).toBe(2);
    await expect(examples.allTextContents()).resolves.toEqual(['《云南省促进区域协调发展实施方案》的主要内容是什么？', '《贵州省区域协调发展实施意见》的主要内容是什么？']);
    await screenshot(page, 'mock-empty-examples');
    await page.getByRole('button', { name: '摘要' }).click();
    await expect(examples.first().textContent()).resolves.toBe('概述《云南省促进区域协调发展实施方案》的主要内容');
    await page.getByRole('button', { name: '问答' }).click();

    const sent = mock.chatRequests.length;
    await examples.nth(1).click();
    await lastAnswerSettles();
    expect(mock.chatRequests.slice(sent)).toEqual([
      { messages: [{ role: 'user', content: '《贵州省区域协调发展实施意见》的主要内容是什么？' }], mode: 'answer', stream: true },
    ]);
    await expect(page.getByTestId('user-message').last().textContent()).resolves.toContain('《贵州省区域协调发展实施意见》的主要内容是什么？');
    await page.getByTestId('new-chat').click();
    await page.getByTestId('example-questions').waitFor();
  });

  it('renders a streamed answer safely, with citations, tooltip, verification flag and sources', async () => {
    const { page } = tab;
    mock.setChatBehavior('answer');
    await expect(page.title()).resolves.toContain('政策问答');
    await ask('滇中城市群常住人口城镇化率到2025年要达到多少？');
    await lastAnswerSettles();

    expect(mock.chatRequests.at(-1)).toEqual({
      messages: [{ role: 'user', content: '滇中城市群常住人口城镇化率到2025年要达到多少？' }],
      mode: 'answer',
      stream: true,
    });
    const answer = lastAnswer();
    await expect(answer.locator('h4').textContent()).resolves.toBe('城镇化目标');
    await expect(answer.locator('strong').first().textContent()).resolves.toBe('65%左右');
    // Markup in the answer stays text; only the https link is a link.
    await expect(answer.textContent()).resolves.toContain('<script>window.__xss = 1</script>');
    await expect(page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).resolves.toBeUndefined();
    await expect(answer.getByRole('link').evaluateAll((links) => links.map((link) => link.getAttribute('href')))).resolves.toEqual(['https://www.yn.gov.cn/']);

    const flagged = answer.getByTestId('unsupported-sentence');
    await expect(flagged.count()).resolves.toBe(1);
    await expect(flagged.textContent()).resolves.toContain(unsupportedSentence);
    await expect(flagged.getByText('未核实').getAttribute('title')).resolves.toContain('核验未通过');

    await answer.getByTestId('citation').first().hover();
    const tooltip = page.getByRole('tooltip');
    await tooltip.waitFor();
    await expect(tooltip.textContent()).resolves.toContain('一、总体要求 › （二）发展目标');
    await expect(tooltip.textContent()).resolves.toContain(quote);
    await screenshot(page, 'mock-answer-tooltip');

    // Focus shows it too, for keyboard users.
    await page.mouse.move(5, 5);
    await answer.getByTestId('citation').nth(1).focus();
    await expect(page.getByRole('tooltip').textContent()).resolves.toContain('二、完善生态补偿机制');

    const sources = answer.getByTestId('source-item');
    await expect(sources.count()).resolves.toBe(2);
    await sources.nth(1).click();
    const mark = page.getByTestId('source-highlight');
    await mark.waitFor();
    await expect(mark.textContent()).resolves.toBe(cannedCitations[1].quote);
    expect(await isInViewport(page, '[data-testid="source-highlight"]')).toBe(true);
    await screenshot(page, 'mock-source-panel');
  });

  it('copies the answer as Markdown with footnotes', async () => {
    await lastAnswer().getByTestId('copy-answer').click();
    await lastAnswer().getByText('已复制').waitFor();
    const copied = await tab.page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('达到**65%左右**。[^1]');
    expect(copied).toContain('[^1]: 《云南省促进区域协调发展实施方案》› 一、总体要求 › （二）发展目标：“到2025年，滇中城市群');
    expect(copied).toContain('[^2]: 《云南省促进区域协调发展实施方案》› 二、完善生态补偿机制：“健全多元化生态补偿机制');
  });

  it('keeps the conversation across a reload and sends it with the follow-up', async () => {
    const { page } = tab;
    await page.reload();
    await lastAnswer().getByTestId('citation').first().waitFor();
    await expect(page.getByTestId('user-message').count()).resolves.toBe(1);

    // Composition (IME) Enter must not send; Shift+Enter makes a new line.
    await input().fill('那么');
    const before = mock.chatRequests.length;
    await input().dispatchEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 229, isComposing: true, bubbles: true });
    await input().press('Shift+Enter');
    await input().pressSequentially('科技进步贡献率呢？');
    await expect(input().inputValue()).resolves.toBe('那么\n科技进步贡献率呢？');
    expect(mock.chatRequests.length).toBe(before);

    await input().press('Enter');
    await lastAnswerSettles();
    await expect(page.getByTestId('assistant-message').count()).resolves.toBe(2);
    const sent = mock.chatRequests.at(-1)!;
    expect(sent.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.messages[1].content).toContain('65%左右');
    expect(sent.messages[2].content).toBe('那么\n科技进步贡献率呢？');
  });

  it('stops a streaming answer and keeps what arrived', async () => {
    const { page } = tab;
    mock.setChatBehavior('slow');
    await ask('请详细说明滇中城市群的发展目标');
    const stop = page.getByRole('button', { name: '停止生成' });
    await stop.waitFor();
    await lastAnswer().getByText('到2025年，滇中城市群').waitFor();
    await stop.click();
    await Promise.race([mock.streamCancelled(), new Promise((_, reject) => setTimeout(() => reject(new Error('stream not cancelled')), 5000))]);
    await lastAnswerSettles('stopped');
    await expect(lastAnswer().textContent()).resolves.toContain('已停止生成');
    await page.getByRole('button', { name: '发送' }).waitFor();
  });

  it('shows a friendly message and 重试 on a server error, keeping the typed question', async () => {
    const { page } = tab;
    mock.setChatBehavior('server-error');
    await ask('贵州如何完善生态补偿机制？');
    const alert = page.getByTestId('chat-error');
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toContain('服务器暂时出了点问题');
    await expect(alert.textContent()).resolves.not.toContain('index exploded');
    await expect(input().inputValue()).resolves.toBe('贵州如何完善生态补偿机制？');
    await screenshot(page, 'mock-error-500');

    mock.setChatBehavior('answer');
    await alert.getByRole('button', { name: '重试' }).click();
    await lastAnswerSettles();
    await expect(input().inputValue()).resolves.toBe('');
    await page.getByTestId('chat-error').waitFor({ state: 'detached' });
  });

  it('explains rate limits with the wait time and stream errors plainly', async () => {
    const { page } = tab;
    mock.setChatBehavior('rate-limited');
    await ask('成渝地区双城经济圈在交通基础设施方面有哪些安排？');
    await expect(page.getByTestId('chat-error').textContent()).resolves.toContain('提问太频繁了，请约 20 秒后再试');
    await expect(input().inputValue()).resolves.toBe('成渝地区双城经济圈在交通基础设施方面有哪些安排？');

    mock.setChatBehavior('stream-error');
    await input().press('Enter');
    await page.getByTestId('chat-error').getByText('服务器暂时出了点问题').waitFor();
    // The failed question is replaced, not duplicated.
    await expect(page.getByTestId('user-message').filter({ hasText: '成渝地区' }).count()).resolves.toBe(1);
    await expect(input().inputValue()).resolves.toBe('成渝地区双城经济圈在交通基础设施方面有哪些安排？');
  });

  it('shows an unanswered reply as a quiet notice without sources', async () => {
    const { page } = tab;
    mock.setChatBehavior('unanswered');
    await page.getByTestId('new-chat').click();
    await page.getByTestId('empty-state').waitFor();
    await ask('火星移民有什么政策？');
    await lastAnswerSettles();
    await expect(lastAnswer().getAttribute('data-answered')).resolves.toBe('false');
    await lastAnswer().getByTestId('answer-unanswered').waitFor();
    await expect(lastAnswer().getByTestId('source-list').count()).resolves.toBe(0);
    await screenshot(page, 'mock-unanswered');
  });

  it('accepts a plain JSON reply from a server that does not stream', async () => {
    mock.setChatBehavior('json');
    await ask('滇中城市群常住人口城镇化率到2025年要达到多少？');
    const answer = await lastAnswerSettles();
    await expect(answer.getByTestId('citation').count()).resolves.toBe(3);
  });

  it('opens any document from the library with its outline', async () => {
    const { page } = tab;
    await page.getByRole('button', { name: '文件库' }).click();
    const items = page.getByTestId('library-item');
    expect(await settledCount(items, (count) => count === 2)).toBe(2);
    await expect(items.first().textContent()).resolves.toContain('云南');
    await items.first().click();
    const panel = page.getByTestId('source-panel');
    await panel.getByRole('navigation', { name: '文件目录' }).getByRole('button', { name: '二、完善生态补偿机制' }).click();
    await expect(page.getByTestId('source-highlight').count()).resolves.toBe(0);
    await page.getByRole('button', { name: '返回文件库' }).click();
    await page.getByTestId('library').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('side-panel').waitFor({ state: 'detached' });
  });

  it('can be used with the keyboard alone', async () => {
    const { page } = tab;
    mock.setChatBehavior('answer');
    await page.getByTestId('new-chat').click();
    await input().focus();
    await input().fill('滇中城市群常住人口城镇化率到2025年要达到多少？');
    await page.keyboard.press('Enter');
    await lastAnswerSettles();
    // Tab from the top of the answer reaches the first citation; Enter opens it; Escape closes and returns focus.
    await lastAnswer().getByRole('heading').first().evaluate((heading) => {
      heading.setAttribute('tabindex', '-1');
      (heading as HTMLElement).focus();
    });
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    await expect(focused()).resolves.toBe('citation');
    await page.getByRole('tooltip').waitFor();
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(ring).not.toBe('none');
    await screenshot(page, 'mock-keyboard-focus');
    await page.keyboard.press('Enter');
    await page.getByTestId('source-highlight').waitFor();
    await expect(page.evaluate(() => document.activeElement?.closest('[data-testid="side-panel"]') !== null)).resolves.toBe(true);
    await page.keyboard.press('Escape');
    await page.getByTestId('side-panel').waitFor({ state: 'detached' });
    await expect(focused()).resolves.toBe('citation');
  });

  it('shows a neutral hint when the library cannot be listed, and how to add files when it is empty', async () => {
    const mockTitles = /云南省|贵州省/;
    for (const [behavior, status, expected] of [
      ['server-error', 'unavailable', /可以问某份文件的主要内容/],
      ['empty', 'empty', /文件库里还没有文件/],
    ] as const) {
      mock.setLibraryBehavior(behavior);
      const other = await openPage(browser, { baseURL: mock.url, ignore: expectedNetworkNoise });
      await other.page.goto('/');
      const hint = other.page.locator(`[data-testid="examples-hint"][data-status="${status}"]`);
      await hint.waitFor();
      await expect(hint.textContent()).resolves.toMatch(expected);
      await expect(other.page.getByTestId('empty-state').textContent()).resolves.not.toMatch(mockTitles);
      await expect(other.page.getByTestId('example-questions').count()).resolves.toBe(0);
      await expect(other.page.getByTestId('composer-input').getAttribute('placeholder')).resolves.not.toMatch(mockTitles);
      await screenshot(other.page, `mock-empty-${behavior}`);
      expect(other.errors).toEqual([]);
      await other.context.close();
    }
    mock.setLibraryBehavior('documents');
  });

  it('says the server is unreachable when it is down, keeping the draft', async () => {
    const { page } = tab;
    await mock.close();
    await ask('服务器关了还能问吗？');
    await expect(page.getByTestId('chat-error').textContent()).resolves.toContain('暂时连不上服务器');
    await expect(input().inputValue()).resolves.toBe('服务器关了还能问吗？');
    expect(tab.errors).toEqual([]);
  });
});
