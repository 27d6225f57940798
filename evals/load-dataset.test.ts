// Both dataset formats read into one item shape.
import { describe, expect, it } from 'vitest';
import { itemMessages, naiveRetrievalQuery, parseDatasetLine } from './load-dataset';

describe('parseDatasetLine', () => {
  it('reads a policy-qa line as it is', () => {
    const line = '{"id":"cy-022","type":"followup","question":"成都呢？","history":[{"role":"user","content":"重庆的定位？"},{"role":"assistant","content":"……"}],"answerable":true,"documents":["d"],"evidence":[{"document":"d","quote":"成都打造区域经济中心"}],"facts":["区域经济中心"]}';
    const item = parseDatasetLine(line, 1);
    expect(item).toMatchObject({ id: 'cy-022', type: 'followup', answerable: true, documents: ['d'] });
    expect(itemMessages(item).map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
    expect(naiveRetrievalQuery(item)).toBe('重庆的定位？ 成都呢？');
  });

  it('turns a held-out line into a "heldout" item whose answer is the evidence', () => {
    const item = parseDatasetLine('{"id":"h001","question":"补助多少？","document":"n001","answer":"每人补助1500元。","facts":["1500元"]}', 3);
    expect(item).toEqual({ id: 'h001', type: 'heldout', question: '补助多少？', history: [], answerable: true, documents: ['n001'], evidence: [{ document: 'n001', quote: '每人补助1500元。' }], facts: ['1500元'] });
  });

  it('names the line of a malformed item', () => {
    expect(() => parseDatasetLine('{"id":"x","question":"?"}', 7)).toThrow(/^line 7: neither a policy-qa item nor a held-out item/);
    expect(() => parseDatasetLine('{oops', 9)).toThrow(/^line 9: not valid JSON/);
  });
});
