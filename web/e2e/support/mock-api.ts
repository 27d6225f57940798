// A throwaway Hono server that speaks the DESIGN.md API with canned data, for UI states the real
// server cannot produce on demand (slow streams, 500, 429, verification flags). Serves web/dist too.
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type ChatBehavior =
  | 'answer'
  | 'unanswered'
  | 'slow'
  | 'server-error'
  | 'rate-limited'
  | 'stream-error'
  | 'json';

interface MockDocument {
  id: string;
  title: string;
  region?: string;
  issuer?: string;
  date?: string;
  text: string;
}

const heading1 = '一、总体要求';
const heading2 = '（二）发展目标';
const heading3 = '二、完善生态补偿机制';
const yunnanText = [
  '云南省促进区域协调发展实施方案',
  heading1,
  heading2,
  '到2025年，滇中城市群常住人口城镇化率达到65%左右，科技进步贡献率达到60%以上。',
  heading3,
  '健全多元化生态补偿机制，推进流域上下游横向生态保护补偿。',
].join('\n');

export const mockDocuments: MockDocument[] = [
  {
    id: 'yunnan-plan',
    title: '《云南省促进区域协调发展实施方案》',
    region: '云南',
    issuer: '中共云南省委、云南省人民政府',
    date: '2019-06-01',
    text: yunnanText,
  },
  {
    id: 'guizhou-plan',
    title: '贵州省区域协调发展实施意见',
    region: '贵州',
    text: '一、总体要求\n加快建立生态补偿机制。\n二、保障措施\n加强组织领导。',
  },
];

function sectionsOf(text: string) {
  const lines = text.split('\n');
  const sections: { path: string[]; start: number; end: number }[] = [];
  let offset = 0;
  let top: string | null = null;
  for (const line of lines) {
    if (/^[一二三四五六七八九十]+、/.test(line)) {
      top = line;
      sections.push({ path: [line], start: offset, end: text.length });
    } else if (/^（[一二三四五六七八九十]+）/.test(line) && top) {
      sections.push({ path: [top, line], start: offset, end: text.length });
    }
    offset += line.length + 1;
  }
  return sections;
}

export const quote = '到2025年，滇中城市群常住人口城镇化率达到65%左右，科技进步贡献率达到60%以上。';
const quoteStart = yunnanText.indexOf(quote);
const quote2 = '健全多元化生态补偿机制，推进流域上下游横向生态保护补偿。';
const quote2Start = yunnanText.indexOf(quote2);

export const cannedCitations = [
  {
    n: 1,
    chunkId: 'yunnan-plan#1',
    documentId: 'yunnan-plan',
    title: '《云南省促进区域协调发展实施方案》',
    section: [heading1, heading2],
    quote,
    start: quoteStart,
    end: quoteStart + quote.length,
  },
  {
    n: 2,
    chunkId: 'yunnan-plan#2',
    documentId: 'yunnan-plan',
    title: '《云南省促进区域协调发展实施方案》',
    section: [heading3],
    quote: quote2,
    start: quote2Start,
    end: quote2Start + quote2.length,
  },
];

/** Contains a <script> and a javascript: link on purpose: the UI must show them as text. */
export const cannedAnswer =
  '### 城镇化目标\n到2025年，滇中城市群常住人口城镇化率达到**65%左右**。[1]\n\n' +
  '- 云南将健全多元化生态补偿机制。[2]\n- 这一目标将使全省提前实现现代化。[1]\n\n' +
  '详见[政府网站](https://www.yn.gov.cn/)，不要点[这个](javascript:alert(1))。<script>window.__xss = 1</script>';

export const unsupportedSentence = '这一目标将使全省提前实现现代化。';

const cannedResponse = {
  answer: cannedAnswer,
  answered: true,
  citations: cannedCitations,
  verification: {
    sentences: [
      { text: '到2025年，滇中城市群常住人口城镇化率达到65%左右。', supported: true, citations: [1] },
      { text: '云南将健全多元化生态补偿机制。', supported: true, citations: [2] },
      { text: unsupportedSentence, supported: false, citations: [1] },
    ],
  },
  timings: { totalMs: 12 },
};

const unansweredResponse = {
  answer: '文件库中没有找到与“火星移民”相关的规定。',
  answered: false,
  citations: [],
  timings: { totalMs: 3 },
};

export interface MockApi {
  url: string;
  /** Every POST /api/chat body received, oldest first. */
  chatRequests: { messages: { role: string; content: string }[]; mode?: string; documents?: string[]; stream?: boolean }[];
  setChatBehavior(behavior: ChatBehavior): void;
  /** Resolves when a slow stream has been cancelled by the client. */
  streamCancelled(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the mock on a random loopback port, serving `distDir` at `/`. */
export async function startMockApi({ distDir }: { distDir: string }): Promise<MockApi> {
  let behavior: ChatBehavior = 'answer';
  const chatRequests: MockApi['chatRequests'] = [];
  let cancelled: () => void = () => {};
  let cancelledPromise = new Promise<void>((resolve) => (cancelled = resolve));

  const app = new Hono();
  app.get('/api/health', (c) =>
    c.json({
      status: 'ok',
      documents: mockDocuments.length,
      chunks: 6,
      retrieval: { lexical: true, dense: false, embeddingModel: null },
      llm: { provider: 'extractive', model: null },
    }),
  );
  app.get('/api/documents', (c) =>
    c.json({
      documents: mockDocuments.map(({ text, ...document }) => ({ ...document, chunks: 3, chars: text.length })),
    }),
  );
  app.get('/api/documents/:id', (c) => {
    const document = mockDocuments.find((candidate) => candidate.id === c.req.param('id'));
    if (!document) return c.json({ error: { code: 'not_found:document', message: 'no such document' } }, 404);
    return c.json({ ...document, sections: sectionsOf(document.text), chunks: [] });
  });
  app.post('/api/chat', async (c) => {
    chatRequests.push(await c.req.json());
    if (behavior === 'server-error') return c.json({ error: { code: 'internal', message: 'index exploded' } }, 500);
    if (behavior === 'rate-limited') {
      c.header('Retry-After', '20');
      return c.json({ error: { code: 'rate_limited', message: 'slow down' } }, 429);
    }
    if (behavior === 'json') return c.json(cannedResponse);
    const response = behavior === 'unanswered' ? unansweredResponse : cannedResponse;
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => cancelled());
      await stream.writeSSE({ event: 'citations', data: JSON.stringify({ citations: response.citations }) });
      if (behavior === 'stream-error') {
        await stream.writeSSE({ event: 'delta', data: JSON.stringify({ text: '到2025年，' }) });
        await stream.writeSSE({ event: 'error', data: JSON.stringify({ error: { code: 'internal', message: 'boom' } }) });
        return;
      }
      if (behavior === 'slow') {
        await stream.writeSSE({ event: 'delta', data: JSON.stringify({ text: '到2025年，滇中城市群' }) });
        // Keep the stream open, a character at a time, until the client goes away.
        for (let i = 0; i < 600 && !stream.aborted; i++) {
          await stream.sleep(100);
          await stream.writeSSE({ event: 'delta', data: JSON.stringify({ text: '…' }) }).catch(() => cancelled());
        }
        return;
      }
      const pieces = response.answer.match(/[\s\S]{1,12}/g) ?? [];
      for (const piece of pieces) {
        await stream.writeSSE({ event: 'delta', data: JSON.stringify({ text: piece }) });
        await stream.sleep(5);
      }
      await stream.writeSSE({ event: 'done', data: JSON.stringify(response) });
    });
  });
  app.all('/api/*', (c) => c.json({ error: { code: 'not_found', message: 'no route' } }, 404));

  app.use('/*', serveStatic({ root: distDir }));
  app.get('*', async (c) => c.html(await readFile(path.join(distDir, 'index.html'), 'utf8')));

  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    chatRequests,
    setChatBehavior(next) {
      behavior = next;
      cancelledPromise = new Promise<void>((resolve) => (cancelled = resolve));
    },
    streamCancelled: () => cancelledPromise,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
