import { describe, expect, it } from 'vitest';
import type { Citation } from '../api/types';
import { citationsInUse } from './cited-numbers';

const citation = (n: number): Citation => ({ n, chunkId: `c${n}`, documentId: 'd', title: 't', section: [], quote: 'q', start: 0, end: 1 });
const all = [citation(3), citation(1), citation(2), citation(4)];

describe('citationsInUse', () => {
  it('collects markers of the answer and notes and the citations of table cells, in number order', () => {
    const used = citationsInUse({
      answer: '甲。[3] 乙。[1、3]',
      notes: ['[2] 引自旧版。'],
      comparison: { aspects: ['a'], documents: [{ id: 'd', title: 't' }], cells: [{ aspect: 0, document: 0, text: 'x', citation: 4 }], shared: [] },
      citations: all,
      finished: true,
    });
    expect(used.map((item) => item.n)).toEqual([1, 2, 3, 4]);
  });

  it('lists every citation of a finished answer without markers, none while it streams', () => {
    expect(citationsInUse({ answer: '无编号的回答。', citations: all, finished: true }).map((item) => item.n)).toEqual([1, 2, 3, 4]);
    expect(citationsInUse({ answer: '无编号的回答。', citations: all, finished: false })).toEqual([]);
  });
});
