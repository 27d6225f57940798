// Shared e2e plumbing: build the UI when stale, launch Debian's Chromium, collect console errors, screenshots.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const webDir = path.join(repoRoot, 'web');
export const distDir = path.join(webDir, 'dist');
export const screenshotDir = path.join(repoRoot, 'screenshots');

function newestMtime(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

function isDistFresh(): boolean {
  const builtIndex = path.join(distDir, 'index.html');
  if (!existsSync(builtIndex)) return false;
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((name) => path.join(webDir, name)).filter(existsSync);
  return statSync(builtIndex).mtimeMs >= Math.max(...sources.map(newestMtime));
}

/**
 * Runs `vite build` when web/dist is missing or older than the sources. Test files run in parallel,
 * so a lock directory makes the second one wait for the first build instead of racing it.
 */
export async function ensureUiBuilt(): Promise<void> {
  if (isDistFresh()) return;
  const lock = path.join(os.tmpdir(), `policy-cite-web-build-${Buffer.from(repoRoot).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + 120_000;
  while (true) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than two minutes was left by a killed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the UI build lock ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    if (isDistFresh()) return;
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
      cwd: repoRoot,
      stdio: 'pipe',
      timeout: 120_000,
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function launchBrowser(): Promise<Browser> {
  const executablePath = '/usr/bin/chromium';
  const deadline = Date.now() + 60_000;
  while (!existsSync(executablePath)) {
    if (Date.now() > deadline) throw new Error(`${executablePath} not found: install Debian's chromium package`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
}

/** A fresh context (empty localStorage) and page that records console errors and page errors. */
export async function openPage(browser: Browser, { baseURL, width = 1280, height = 860, ignore = [] }: { baseURL: string; width?: number; height?: number; ignore?: RegExp[] }): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL, viewport: { width, height }, locale: 'zh-CN', deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = `${message.text()} @ ${message.location().url}`;
    if (!ignore.some((pattern) => pattern.test(text))) errors.push(text);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`) });
}

/** True when the element's box lies (mostly) inside the viewport. */
export async function isInViewport(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((element) => {
    const box = element.getBoundingClientRect();
    return box.height > 0 && box.top >= -2 && box.top < window.innerHeight - 10 && box.left >= -2 && box.right <= window.innerWidth + 2;
  });
}

/**
 * The locator's count once it satisfies `settled` (or whatever it is after `timeout`). A bare
 * `locator.count()` right after a click races the render: the list may not have arrived yet.
 */
export async function settledCount(locator: Locator, settled: (count: number) => boolean, timeout = 10_000): Promise<number> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const count = await locator.count();
    if (settled(count) || Date.now() > deadline) return count;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Asks a question in the chat box and waits for the finished answer, which it returns. */
export async function askAndWait(page: Page, text: string): Promise<Locator> {
  const input = page.getByRole('textbox', { name: /输入/ });
  await input.fill(text);
  await input.press('Enter');
  await page.locator('[data-testid="assistant-message"]').last().and(page.locator('[data-status="done"]')).waitFor({ timeout: 20_000 });
  return page.getByTestId('assistant-message').last();
}
