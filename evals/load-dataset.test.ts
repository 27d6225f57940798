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
    expect(item).toEqual({
      id: 'h001',
      type: 'heldout',
      split: 'dev',
      mode: 'answer',
      question: '补助多少？',
      history: [],
      answerable: true,
      documents: ['n001'],
      evidence: [{ document: 'n001', quote: '每人补助1500元。' }],
      superseded: [],
      facts: ['1500元'],
    });
  });

  it('reads the split, a type on a held-out line, and superseded quotes', () => {
    const heldout = parseDatasetLine('{"id":"r1","type":"everyday","split":"test","question":"补助多少？","document":"n001","answer":"每人补助1500元。","facts":["1500元"]}', 1);
    expect(heldout).toMatchObject({ type: 'everyday', split: 'test', mode: 'answer' });
    const version = parseDatasetLine(
      '{"id":"v1","type":"version","question":"罚款多少？","answerable":true,"documents":["new"],"evidence":[{"document":"new","quote":"处5万元罚款"}],"superseded":[{"document":"old","quote":"处1万元罚款"}],"facts":["5万元"]}',
      2,
    );
    expect(version).toMatchObject({ split: 'dev', superseded: [{ document: 'old', quote: '处1万元罚款' }] });
    expect(() => parseDatasetLine('{"id":"x","type":"factual","split":"holdout","question":"?","answerable":false}', 3)).toThrow(/line 3: .*split/);
  });

  it('asks summary questions in summary mode unless the line says otherwise', () => {
    const line = (fields: string) => `{"id":"s","question":"总结一下","answerable":false,${fields}}`;
    expect(parseDatasetLine(line('"type":"summary"'), 1).mode).toBe('summary');
    expect(parseDatasetLine(line('"type":"topic"'), 1).mode).toBe('answer');
    expect(parseDatasetLine(line('"type":"topic","mode":"summary"'), 1).mode).toBe('summary');
    expect(parseDatasetLine(line('"type":"summary","mode":"answer"'), 1).mode).toBe('answer');
  });

  it('names the line of a malformed item', () => {
    expect(() => parseDatasetLine('{"id":"x","question":"?"}', 7)).toThrow(/^line 7: neither a policy-qa item nor a held-out item/);
    expect(() => parseDatasetLine('{oops', 9)).toThrow(/^line 9: not valid JSON/);
  });
});
