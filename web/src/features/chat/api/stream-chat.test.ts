import { afterEach, describe, expect, it, vi } from 'vitest';
import { readChatResponse } from './stream-chat';

const citation = { n: 1, chunkId: 'c1', documentId: 'd1', title: '《甲》', section: ['一、总则'], quote: '省*府统筹。', start: 3, end: 9, version: { label: '2019年版', superseded: true } };
const response = {
  answer: '省*府统筹。[1]',
  answered: true,
  citations: [citation],
  comparison: { aspects: ['统筹'], documents: [{ id: 'd1', title: '《甲》' }], cells: [{ aspect: 0, document: 0, text: '省*府统筹。', citation: 1 }], shared: [] },
  notes: ['[1] 引自《甲》的2019年版，该版本已被修订。'],
  mode: 'answer',
  retrievalQuery: '统筹',
  timings: { retrieveMs: 1, answerMs: 1, totalMs: 2 },
};

afterEach(() => vi.restoreAllMocks());

describe('readChatResponse', () => {
  it('keeps the table, notes and citation versions of a valid answer', () => {
    expect(readChatResponse(response)).toEqual(response);
  });

  it('drops a malformed table but keeps the answer and its citations', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const read = readChatResponse({ ...response, comparison: { aspects: 'x' } });
    expect(read?.answer).toBe(response.answer);
    expect(read?.citations).toEqual([citation]);
    expect(read?.comparison).toBeUndefined();
    expect(warn).toHaveBeenCalledOnce();
  });

  it('rejects an answer whose citations do not match the shared Citation shape', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(readChatResponse({ ...response, citations: [{ ...citation, start: 'three' }] })).toBeNull();
    expect(readChatResponse('not json')).toBeNull();
  });
});
