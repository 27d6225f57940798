// The rendered answer's citations: each quote is exactly its span of the document, however the
// sentences were ordered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RagService } from '../rag/rag-service';
import { serviceOverFiles } from '../test-support/corpus';
import { renderAnswer, type Pick } from './render-answer';

const notice = `西陵市快件处理办法

第二十六条 快件无法投递的，应当退回寄件人。快件无法退回的，依照下列规定处理：
(一)属于信件的，予以销毁；
(二)属于其他快件的，登记后处理。
`;

const rules = `西陵市邮政设施管理规定

第九条 邮政设施损坏的，产权人应当在3日内修复。
`;

const cleanups: (() => Promise<void>)[] = [];
let service: RagService;

beforeAll(async () => {
  service = await serviceOverFiles('render', { 'xiling-parcels.txt': notice, 'xiling-postal.txt': rules }, cleanups);
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function pickOf(text: string): Pick {
  const document = service.index.documents.find((candidate) => candidate.text.includes(text))!;
  const start = document.text.indexOf(text);
  const chunk = service.index.chunkContaining(document.id, start, start + 1)!;
  const result = { chunkId: chunk.id, documentId: document.id, title: document.title, section: chunk.section, text: chunk.text, score: 1, start: chunk.start, end: chunk.end };
  return { text, start, end: start + text.length, result, section: chunk.section };
}

describe('rendering sentences as cited paragraphs', () => {
  it('joins neighbours of one clause under one citation', () => {
    const { answer, citations } = renderAnswer([{ sentences: [pickOf('快件无法投递的，应当退回寄件人。'), pickOf('快件无法退回的，依照下列规定处理：')] }], service.index);
    expect(citations).toHaveLength(1);
    expect(answer.match(/\[\d+\]/g)).toHaveLength(1);
    expect(citations[0].quote).toBe('快件无法投递的，应当退回寄件人。快件无法退回的，依照下列规定处理：');
  });

  it('cites a sentence that comes before the previous one in the text on its own, never as an inverted span', () => {
    const { citations } = renderAnswer([{ sentences: [pickOf('快件无法退回的，依照下列规定处理：'), pickOf('快件无法投递的，应当退回寄件人。')] }], service.index);
    expect(citations).toHaveLength(2);
    for (const citation of citations) {
      expect(citation.start).toBeLessThan(citation.end);
      expect(service.index.document(citation.documentId)!.text.slice(citation.start, citation.end)).toBe(citation.quote);
    }
  });

  it('starts a line for a sentence that starts a line of its document, so items do not run on', () => {
    const { answer, citations } = renderAnswer([{ sentences: [pickOf('快件无法投递的，应当退回寄件人。'), pickOf('(二)属于其他快件的，登记后处理。')] }], service.index);
    expect(answer).toBe('快件无法投递的，应当退回寄件人。[1]\n(二)属于其他快件的，登记后处理。[2]');
    expect(citations.map((citation) => citation.quote)).toEqual(['快件无法投递的，应当退回寄件人。', '(二)属于其他快件的，登记后处理。']);
  });

  it('starts a paragraph for a sentence of another document, so one run of text is one source', () => {
    const { answer } = renderAnswer([{ sentences: [pickOf('快件无法投递的，应当退回寄件人。'), pickOf('邮政设施损坏的，产权人应当在3日内修复。')] }], service.index);
    expect(answer).toMatch(/^快件无法投递的，应当退回寄件人。\[1\]\n\n邮政设施损坏的，产权人应当在3日内修复。\[2\]$/);
  });
});
