// Hand-computed examples for the eval scorers.
import { describe, expect, it } from 'vitest';
import {
  aggregate,
  answerLength,
  answerPrecision,
  answerSentences,
  checkFaithfulness,
  citationScores,
  containedAtK,
  documentCopies,
  documentsAtK,
  evidenceGroups,
  factScores,
  locateQuote,
  longestCommonRun,
  matchEvidence,
  ndcgAtK,
  percentile,
  recallAtK,
  reciprocalRank,
  scoreRetrieval,
  spansCited,
  textOverlaps,
  type ItemScores,
} from './metrics';

const span = (documentId: string, start: number, end: number) => ({ documentId, start, end });

describe('retrieval scores', () => {
  // Two evidence quotes; chunk 2 hits quote 0, chunk 4 hits quote 1.
  const matches = [[], [0], [], [1]];

  it('counts recall@k as the share of evidence quotes reached by the top k', () => {
    expect(recallAtK(matches, 2, 1)).toBe(0);
    expect(recallAtK(matches, 2, 2)).toBe(0.5);
    expect(recallAtK(matches, 2, 5)).toBe(1);
  });

  it('takes the reciprocal rank of the first relevant chunk', () => {
    expect(reciprocalRank(matches)).toBe(0.5);
    expect(reciprocalRank([[], [], [0]])).toBeCloseTo(1 / 3, 10);
    expect(reciprocalRank([[], []])).toBe(0);
  });

  it('computes nDCG@10 against one chunk per evidence quote', () => {
    // DCG = 1/log2(3) + 1/log2(5) = 0.63093 + 0.43068; IDCG = 1 + 1/log2(3) = 1.63093.
    expect(ndcgAtK(matches, 2, 10)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 10);
    expect(ndcgAtK(matches, 2, 10)).toBeCloseTo(0.65093, 4);
    expect(ndcgAtK([[], [], [0]], 1, 10)).toBeCloseTo(0.5, 10);
  });

  it('gives a second hit on the same quote no extra gain', () => {
    expect(ndcgAtK([[0], [0], [0]], 1, 10)).toBe(1);
    expect(recallAtK([[0], [0]], 2, 10)).toBe(0.5);
    expect(ndcgAtK([[0], [0]], 2, 10)).toBeCloseTo(1 / (1 + 1 / Math.log2(3)), 10);
  });

  it('matches chunks to evidence by document and half-open character overlap', () => {
    const evidence = [span('a', 8, 12), span('b', 0, 5)];
    expect(matchEvidence([span('a', 0, 10), span('a', 12, 20), span('b', 4, 9), span('c', 0, 99)], evidence)).toEqual([[0], [], [1], []]);
  });

  it('ignores evidence that could not be located', () => {
    expect(matchEvidence([span('a', 0, 100)], [{ documentId: 'a', start: -1, end: -1 }])).toEqual([[]]);
  });

  it('counts a quote as contained only when one chunk holds all of it', () => {
    const evidence = [span('a', 8, 12)];
    expect(containedAtK([span('a', 0, 10), span('a', 10, 20)], evidence, 5)).toBe(0);
    expect(containedAtK([span('a', 0, 10), span('a', 5, 20)], evidence, 5)).toBe(1);
    expect(containedAtK([span('a', 0, 10), span('a', 5, 20)], evidence, 1)).toBe(0);
  });
});

describe('Doc@k', () => {
  const doc = (documentId: string) => ({ documentId });

  it('counts a one-document question right when any of its gold documents is in the top k', () => {
    // Listed copies a and a2, evidence from a: finding the copy is enough.
    expect(documentsAtK([doc('x'), doc('a2')], [doc('a')], ['a', 'a2'], 5)).toBe(1);
    expect(documentsAtK([doc('x'), doc('y')], [doc('a')], ['a'], 5)).toBe(0);
    // Rank 3 is outside the top 2.
    expect(documentsAtK([doc('x'), doc('y'), doc('a')], [doc('a')], ['a'], 2)).toBe(0);
  });

  it('gives a multi-document question the share of its evidence documents present', () => {
    // Evidence from a, b and c; the top 5 hold a and c: 2 of 3.
    expect(documentsAtK([doc('a'), doc('a'), doc('x'), doc('c')], [doc('a'), doc('b'), doc('c'), doc('a')], ['a', 'b', 'c'], 5)).toBeCloseTo(2 / 3, 10);
  });
});

describe('answer length and precision', () => {
  it('counts characters without markers, Markdown and whitespace', () => {
    // "补助1500元。" is 8 characters, "另有" 2.
    expect(answerLength('**补助** 1500元。[1]\n\n- 另有[2]')).toBe(10);
    expect(answerLength('### 《文件》\n甲乙。[1]')).toBe(7);
  });

  it('finds the longest shared run of characters', () => {
    expect(longestCommonRun('abcdefg', 'xxcdefyy')).toBe(4);
    expect(longestCommonRun('甲乙', '丙丁')).toBe(0);
  });

  it('compares uncited sentences with evidence by text', () => {
    expect(textOverlaps('每人补助1500元', '一次性扩岗补助标准为每人补助1500元。')).toBe(true); // contained
    expect(textOverlaps('企业每人补助1500元整', '按规定每人补助1500元。')).toBe(true); // shares 每人补助1500元 (10 ≥ 8)
    expect(textOverlaps('本通知自发布之日起施行', '每人补助1500元')).toBe(false);
  });

  it('places a citing sentence by its own span inside the cited quote', () => {
    //            0         1
    //            0123456789012345678
    const text = '第一条 补助1500元。其他事项另行通知。';
    const quote = '补助1500元。其他事项另行通知。'; // at 4..21
    const citations = [{ n: 1, documentId: 'd', start: 4, end: 21, quote }];
    // Gold evidence covers only the first sentence (4..12).
    const evidence = [{ documentId: 'd', start: 4, end: 12, quote: '补助1500元。' }];
    expect(text.slice(4, 21)).toBe(quote);
    // No fact given: sentence 1 overlaps the evidence by offsets, sentence 2 (13..21) does not although its citation does.
    expect(answerPrecision({ answer: '补助1500元。[1]其他事项另行通知。[1]', citations, facts: [], evidence })).toEqual({ precise: 1, sentences: 2 });
    // A key fact makes a sentence precise wherever it comes from; an uncited sentence is compared by text.
    expect(answerPrecision({ answer: '补助1500元。另行通知。', citations, facts: ['1500元'], evidence })).toEqual({ precise: 1, sentences: 2 });
  });

  it('counts the spans a citation overlaps', () => {
    const citations = [span('a', 0, 10), span('b', 20, 30)];
    expect(spansCited(citations, [span('a', 5, 8), span('b', 0, 5), span('b', 29, 40), { documentId: 'c', start: -1, end: -1 }])).toBe(0.5);
    expect(spansCited(citations, [])).toBe(0);
  });
});

describe('locateQuote', () => {
  it('finds a quote exactly, or across whitespace the cleaner changed', () => {
    expect(locateQuote('甲乙丙丁戊', '丙丁')).toEqual({ start: 2, end: 4 });
    expect(locateQuote('实现高质量\n\n发展目标', '实现高质量发展')).toEqual({ start: 0, end: 9 });
    expect(locateQuote('甲乙丙', '丁')).toBeUndefined();
  });
});

describe('answer scores', () => {
  it('finds facts across full-width digits, markers and Markdown', () => {
    expect(factScores('细化**１０个方面**[1]，共47项。[2]', ['10个方面', '47项'])).toEqual({ allFacts: true, factShare: 1, missing: [] });
    expect(factScores('细化10个方面。', ['10个方面', '47项'])).toEqual({ allFacts: false, factShare: 0.5, missing: ['47项'] });
  });

  it('credits a citation that quotes a fact or overlaps gold evidence', () => {
    const citations = [
      { n: 1, documentId: 'a', start: 0, end: 10, quote: '补助1500元' },
      { n: 2, documentId: 'a', start: 50, end: 60, quote: '其他内容' },
      { n: 3, documentId: 'b', start: 0, end: 10, quote: '另一份文件' },
    ];
    expect(citationScores(citations, ['1500元'], [{ ...span('b', 5, 8), quote: '第一段原文' }, { ...span('c', 0, 4), quote: '完全不同的话' }])).toEqual({ correct: 2, total: 3, goldDocumentRecall: 0.5 });
    // b and c hold copies of one quote (one group): citing either copy cites the document needed.
    expect(citationScores(citations, [], [{ ...span('b', 5, 8), quote: '可免费入住最长14天' }, { ...span('c', 0, 4), quote: '可免费入住，最长14天' }], [0, 0]).goldDocumentRecall).toBe(1);
  });
});

describe('copies of one quote', () => {
  const quote = (documentId: string, text: string, start = 0) => ({ documentId, quote: text, start, end: start + text.length });
  const story = '沣川市出台青年人才新政十六条，毕业生来沣川求职可在市青年驿站免费入住最长14天，并可申领一次性求职补贴。新政还提出，对新引进的博士、硕士分别给予每月3000元、2000元生活补贴，连续发放三年；对在沣川首次购房的青年人才给予购房补贴，最高10万元。市人社局表示，新政自发布之日起施行，具体申领流程将另行公布。';
  const copies = documentCopies(
    new Map([
      ['a', `沣川日报讯 ${story} 责任编辑：李明`],
      ['b', `【转载】${story.replace('免费入住最长14天', '免费入住，最长14天')}来源：沣川发布`],
      ['c', '梧岭市高温津贴标准调整，室外作业每人每月300元。'],
    ]),
  );

  it('finds copies of one document by shared 5-character shingles', () => {
    expect(copies('a', 'b')).toBe(true);
    expect(copies('a', 'c')).toBe(false);
    expect(copies('a', 'unknown')).toBe(false);
  });

  it('groups the same quote in copies of one document, never two clauses of one document or documents that only share wording', () => {
    expect(evidenceGroups([quote('a', '可在市青年驿站免费入住最长14天'), quote('b', '可在市青年驿站免费入住，最长14天'), quote('c', '室外作业每人每月300元')], copies)).toEqual([0, 0, 1]);
    expect(evidenceGroups([quote('a', '免费入住最长14天'), quote('a', '免费入住最长14天。')], copies)).toEqual([0, 1]);
    // The same clause in two documents that are not copies (two regulations compared): both are needed.
    expect(evidenceGroups([quote('a', '可在市青年驿站免费入住最长14天'), quote('c', '可在市青年驿站免费入住最长14天')], copies)).toEqual([0, 1]);
    // Nearly the same wording (bigram Dice 20/25 = 0.8) with other figures: another fact even in copies.
    expect(evidenceGroups([quote('a', '供暖期为11月15日至3月15日'), quote('b', '供暖期为11月1日至3月31日')], () => true)).toEqual([0, 1]);
  });

  it('counts a copy found as the quote found, in recall, Span@5, Doc@5 and citations', () => {
    const evidence = [quote('a', '可在市青年驿站免费入住最长14天', 10), quote('b', '可在市青年驿站免费入住，最长14天', 10), quote('c', '室外作业每人每月300元', 10)];
    const groups = [0, 0, 1];
    const scores = scoreRetrieval([span('x', 0, 50), span('b', 0, 100), span('c', 0, 100)], evidence, ['a', 'b', 'c'], groups);
    expect(scores).toMatchObject({ recall1: 0, recall5: 1, mrr: 0.5, spanInTop5: 1, documentsInTop5: 1 });
    expect(scoreRetrieval([span('b', 0, 100)], evidence, ['a', 'b', 'c'], groups)).toMatchObject({ recall5: 0.5, documentsInTop5: 0.5 });
    expect(spansCited([span('a', 0, 30)], evidence, groups)).toBe(0.5);
  });
});

describe('answerSentences', () => {
  it('reads plain, inline and summary layouts, dropping headings and title prefixes', () => {
    expect(answerSentences('甲句。[1]乙句；[1][2]')).toEqual([
      { text: '甲句。', markers: [1] },
      { text: '乙句；', markers: [1, 2] },
    ]);
    expect(answerSentences('**《文件》**：第一句。[1]\n\n### 《另一文件》\n\n- 第二句。[2]')).toEqual([
      { text: '第一句。', markers: [1] },
      { text: '第二句。', markers: [2] },
    ]);
  });

  it('keeps a closing quote with its sentence and flags uncited text', () => {
    expect(answerSentences('落实“十年禁渔。”[1]另外一句')).toEqual([
      { text: '落实“十年禁渔。”', markers: [1] },
      { text: '另外一句', markers: [] },
    ]);
  });
});

describe('checkFaithfulness', () => {
  const text = '第一条 补助标准为每人1500元。最多20人。';
  const documentText = (id: string) => (id === 'n' ? text : undefined);
  const quote = '补助标准为每人1500元。最多20人。';
  const citation = { n: 1, documentId: 'n', start: text.indexOf(quote), end: text.indexOf(quote) + quote.length, quote };

  it('supports extractive sentences inside a verbatim quote', () => {
    const support = checkFaithfulness({ answer: '补助标准为每人1500元。[1]最多20人。[1]', citations: [citation], documentText, kind: 'extractive' });
    expect(support.map((sentence) => sentence.supported)).toEqual([true, true]);
  });

  it('rejects quotes that are not at their offsets, sentences outside them and uncited sentences', () => {
    const shifted = { ...citation, start: citation.start + 1, end: citation.end + 1 };
    expect(checkFaithfulness({ answer: '最多20人。[1]', citations: [shifted], documentText, kind: 'extractive' })[0].supported).toBe(false);
    expect(checkFaithfulness({ answer: '最多30人。[1]', citations: [citation], documentText, kind: 'extractive' })[0].supported).toBe(false);
    expect(checkFaithfulness({ answer: '最多20人。', citations: [citation], documentText, kind: 'extractive' })[0]).toMatchObject({ supported: false, reason: 'no citation' });
  });

  it('checks generated sentences by numbers and wording', () => {
    const check = (answer: string) => checkFaithfulness({ answer, citations: [citation], documentText, kind: 'generated' })[0];
    expect(check('每人补助1500元。[1]').supported).toBe(true);
    expect(check('每人补助2000元。[1]')).toMatchObject({ supported: false, reason: 'number 2000 is not in the cited clause' });
    expect(check('企业须先完成备案登记手续。[1]').supported).toBe(false);
  });
});

describe('aggregation', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([3, 1, 2], 50)).toBe(2);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('treats refusals as the positive class for refusal precision and recall', () => {
    const base: ItemScores = { type: 't', answerable: true, answered: true, citationsCorrect: 0, citations: 0, sentencesSupported: 0, sentences: 0, latencyMs: 1 };
    const scores: ItemScores[] = [
      { ...base, answerable: false, answered: false },
      { ...base, answerable: false, answered: true },
      { ...base, answerable: true, answered: false, allFacts: false, factShare: 0 },
      { ...base, answerable: true, answered: true, allFacts: true, factShare: 1 },
    ];
    const row = aggregate(scores);
    expect(row.refusalPrecision).toBe(0.5); // 2 refused, 1 of them out of corpus
    expect(row.refusalRecall).toBe(0.5); // 2 out of corpus, 1 refused
    expect(row.falseRefusalRate).toBe(0.5);
    expect(row.factAccuracy).toBe(0.5);
    expect(row.recall5).toBeUndefined();
  });

  it('averages answer precision over answered answerable questions and gold-clause recall over multi-quote ones', () => {
    const base: ItemScores = { type: 't', answerable: true, answered: true, citationsCorrect: 0, citations: 0, sentencesSupported: 0, sentences: 0, latencyMs: 1 };
    const row = aggregate([
      { ...base, preciseSentences: 1, scoredSentences: 4, goldClauseRecall: 0.5, answerChars: 100 },
      { ...base, preciseSentences: 3, scoredSentences: 3, answerChars: 40 },
      { ...base, answered: false },
      { ...base, answerable: false, answered: true, preciseSentences: 0, scoredSentences: 5, answerChars: 10 },
    ]);
    expect(row.answerPrecision).toBeCloseTo((0.25 + 1) / 2, 10); // the refusal and the unanswerable question do not count
    expect(row.goldClauseRecall).toBe(0.5); // only the first question has two or more quotes
    expect(row.answerLengthP50).toBe(40); // answers given: 10, 40, 100
    expect(row.answerLengthP95).toBe(100);
  });
});
