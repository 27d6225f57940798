// A throwaway Hono server that speaks the DESIGN.md API with canned data, for UI states the real
// server cannot produce on demand (slow streams, 500, 429, verification flags). Serves web/dist too.
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChatResponse, Citation } from '../../../server/answer/answer-types';

export type ChatBehavior =
  | 'answer'
  | 'unanswered'
  | 'slow'
  | 'server-error'
  | 'rate-limited'
  | 'stream-error'
  | 'json'
  | 'comparison';

/** What GET /api/documents answers: the canned library, an empty one, or a server error. */
export type LibraryBehavior = 'documents' | 'empty' | 'server-error';

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

// A web copy: "*" stands where the source website masked a character.
const guizhouText = '一、总体要求\n加快建立生态补偿机制。\n由省*府统筹推进流域横向生态保护补偿，落实财*事权。\n二、保障措施\n加强组织领导。';

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
    text: guizhouText,
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

export const cannedCitations: Citation[] = [
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

const cannedResponse: ChatResponse = {
  answer: cannedAnswer,
  answered: true,
  citations: cannedCitations,
  verification: {
    sentences: [
      { text: '到2025年，滇中城市群常住人口城镇化率达到65%左右。', supported: true, citations: [1] },
      { text: '云南将健全多元化生态补偿机制。', supported: true, citations: [2] },
      { text: unsupportedSentence, supported: false, citations: [1] },
    ],
    supported: 2,
    unsupported: 1,
    droppedMarkers: [],
  },
  mode: 'answer',
  retrievalQuery: '滇中城市群常住人口城镇化率到2025年要达到多少？',
  timings: { retrieveMs: 4, answerMs: 8, totalMs: 12 },
};

const unansweredResponse: ChatResponse = {
  answer: '文件库中没有找到与“火星移民”相关的规定。',
  answered: false,
  citations: [],
  mode: 'answer',
  retrievalQuery: '火星移民有什么政策？',
  timings: { retrieveMs: 1, answerMs: 2, totalMs: 3 },
};

function citeSpan({ n, documentId, title, text, quote, section, version }: { n: number; documentId: string; title: string; text: string; quote: string; section: string[]; version?: Citation['version'] }): Citation {
  const start = text.indexOf(quote);
  if (start < 0) throw new Error(`mock quote not in ${documentId}: ${quote}`);
  return { n, chunkId: `${documentId}#${n}`, documentId, title, section, quote, start, end: start + quote.length, ...(version ? { version } : {}) };
}

const guizhouTitle = '贵州省区域协调发展实施意见';
const superseded = { label: '2019年版', superseded: true };
/** A quote with masked characters, from a superseded version: the cell the e2e test opens. */
export const maskedQuote = '由省*府统筹推进流域横向生态保护补偿，落实财*事权。';

export const comparisonCitations: Citation[] = [
  citeSpan({ n: 1, documentId: 'yunnan-plan', title: mockDocuments[0].title, text: yunnanText, quote: quote2, section: [heading3] }),
  citeSpan({ n: 2, documentId: 'guizhou-plan', title: guizhouTitle, text: guizhouText, quote: '加快建立生态补偿机制。', section: ['一、总体要求'], version: superseded }),
  citeSpan({ n: 3, documentId: 'guizhou-plan', title: guizhouTitle, text: guizhouText, quote: maskedQuote, section: ['一、总体要求'], version: superseded }),
  citeSpan({ n: 4, documentId: 'yunnan-plan', title: mockDocuments[0].title, text: yunnanText, quote, section: [heading1, heading2] }),
];

/** Shaped like the server's comparison answers: shared lines, then one heading per document with its items. */
export const comparisonResponse: ChatResponse = {
  answer:
    '两份文件都提到「生态补偿」[1][2]。\n两份文件都提到「横向补偿」[1][3]。\n\n' +
    `### ${mockDocuments[0].title} › ${heading3}\n\n- ${quote2}[1]\n- ${quote}[4]\n\n` +
    `### 《${guizhouTitle}》 › 一、总体要求\n\n- 加快建立生态补偿机制。[2]\n- ${maskedQuote}[3]`,
  answered: true,
  citations: comparisonCitations,
  comparison: {
    aspects: ['生态补偿', '横向补偿', '城镇化率'],
    documents: [
      { id: 'yunnan-plan', title: mockDocuments[0].title },
      { id: 'guizhou-plan', title: `《${guizhouTitle}》` },
    ],
    cells: [
      { aspect: 0, document: 0, text: quote2, citation: 1 },
      { aspect: 0, document: 1, text: '加快建立生态补偿机制。', citation: 2 },
      { aspect: 1, document: 0, text: quote2, citation: 1 },
      { aspect: 1, document: 1, text: maskedQuote, citation: 3 },
      { aspect: 2, document: 0, text: quote, citation: 4 },
      { aspect: 2, document: 1, text: null },
    ],
    shared: ['生态补偿', '横向补偿'],
  },
  notes: [
    `[2] 引自《${guizhouTitle}》的2019年版，该版本已被修订。`,
    `[3] 引自《${guizhouTitle}》的2019年版，该版本已被修订。`,
    '引文中的“*”是原网页版本中的屏蔽字，按原文照录。',
  ],
  mode: 'answer',
  retrievalQuery: '云南和贵州在生态补偿方面的政策有何异同？',
  timings: { retrieveMs: 5, answerMs: 9, totalMs: 14 },
};

export interface MockApi {
  url: string;
  /** Every POST /api/chat body received, oldest first. */
  chatRequests: { messages: { role: string; content: string }[]; mode?: string; documents?: string[]; stream?: boolean }[];
  setChatBehavior(behavior: ChatBehavior): void;
  setLibraryBehavior(behavior: LibraryBehavior): void;
  /** Resolves when a slow stream has been cancelled by the client. */
  streamCancelled(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the mock on a random loopback port, serving `distDir` at `/`. */
export async function startMockApi({ distDir }: { distDir: string }): Promise<MockApi> {
  let behavior: ChatBehavior = 'answer';
  let libraryBehavior: LibraryBehavior = 'documents';
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
  app.get('/api/documents', (c) => {
    if (libraryBehavior === 'server-error') return c.json({ error: { code: 'internal', message: 'listing failed' } }, 500);
    const listed = libraryBehavior === 'empty' ? [] : mockDocuments;
    return c.json({ documents: listed.map(({ text, ...document }) => ({ ...document, chunks: 3, chars: text.length })) });
  });
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
    const response = behavior === 'unanswered' ? unansweredResponse : behavior === 'comparison' ? comparisonResponse : cannedResponse;
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
    setLibraryBehavior(next) {
      libraryBehavior = next;
    },
    streamCancelled: () => cancelledPromise,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
