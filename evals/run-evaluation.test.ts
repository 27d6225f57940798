// A whole run on a tiny corpus: splits reported test first, test failures never shown or stored,
// baselines in their fair form, and two runs compared question by question.
import { describe, expect, it } from 'vitest';
import type { CitedAnswer } from './baselines';
import { compareRuns, storedRun, storedTestId } from './compare-runs';
import type { EvalTarget } from './eval-target';
import type { EvalItem } from './load-dataset';
import { answerLength } from './metrics';
import { renderCompareMarkdown } from './render-compare';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-markdown';
import { renderSuiteHtml, renderSuiteMarkdown } from './render-suite';
import { runEvaluation, type EvalRun } from './run-evaluation';

const texts: Record<string, string> = {
  a: '第一条 对符合条件的高校毕业生给予一次性求职补贴1500元。第二条 申请时间为每年3月1日至5月31日。',
  b: '第一条 企业吸纳就业补贴每人2000元。第二条 本办法自发布之日起施行。',
};
const sentences = Object.entries(texts).flatMap(([documentId, text]) =>
  text.split(/(?<=。)/).map((sentence, i) => {
    const start = text.indexOf(sentence);
    return { id: `${documentId}:${i}`, documentId, text: sentence, start, end: start + sentence.length, section: [] };
  }),
);

/** The answer that cites one sentence of a document, verbatim at its offsets. */
function cite(documentId: string, sentence: string): CitedAnswer {
  const start = texts[documentId].indexOf(sentence);
  const chunk = sentences.find((entry) => entry.documentId === documentId && entry.start <= start && start < entry.end)!;
  return { answer: `${sentence}[1]`, answered: true, citations: [{ n: 1, chunkId: chunk.id, documentId, title: `《${documentId}》`, section: [], quote: sentence, start, end: start + sentence.length }] };
}
const declined: CitedAnswer = { answer: '文件库中没有找到相关规定。', answered: false, citations: [] };

function fakeTarget(answers: Record<string, CitedAnswer>): EvalTarget {
  return {
    description: 'fake',
    corpus: { documents: new Map(Object.entries(texts).map(([id, text]) => [id, { id, title: `《${id}》`, text, sections: [] }])), chunks: sentences },
    searchModes: ['hybrid', 'lexical'],
    dense: false,
    answerKind: 'extractive',
    answerModel: 'extractive',
    async search(query, { k }) {
      const shared = (text: string) => [...new Set(query)].filter((char) => text.includes(char)).length;
      return sentences
        .map((chunk) => ({ chunkId: chunk.id, documentId: chunk.documentId, title: `《${chunk.documentId}》`, section: [], text: chunk.text, start: chunk.start, end: chunk.end, score: shared(chunk.text) }))
        .filter((hit) => hit.score > 0)
        .sort((x, y) => y.score - x.score)
        .slice(0, k);
    },
    async answer(item) {
      return { ...answers[item.id], latencyMs: 1 };
    },
    async close() {},
  };
}

const item = (fields: Partial<EvalItem> & Pick<EvalItem, 'id' | 'question' | 'split'>): EvalItem => ({ type: 'factual', mode: 'answer', history: [], answerable: true, documents: [], evidence: [], superseded: [], facts: [], ...fields });
const items: EvalItem[] = [
  item({ id: 'd1', split: 'dev', question: '高校毕业生求职补贴多少钱？', documents: ['a'], evidence: [{ document: 'a', quote: '给予一次性求职补贴1500元' }], facts: ['1500元'] }),
  item({ id: 'd2', split: 'dev', type: 'out_of_corpus', question: '宠物狗办证收费吗？', answerable: false }),
  item({ id: 't1', split: 'test', question: '企业吸纳就业补贴每人多少？', documents: ['b'], evidence: [{ document: 'b', quote: '企业吸纳就业补贴每人2000元' }], facts: ['2000元'] }),
  item({ id: 't2', split: 'test', type: 'out_of_corpus', question: '火星移民签证怎么办？', answerable: false }),
];

const firstAnswers = { d1: cite('a', '对符合条件的高校毕业生给予一次性求职补贴1500元。'), d2: declined, t1: cite('b', '本办法自发布之日起施行。'), t2: declined };
const secondAnswers = { d1: cite('a', '申请时间为每年3月1日至5月31日。'), d2: declined, t1: cite('b', '企业吸纳就业补贴每人2000元。'), t2: declined };

async function run(answers: Record<string, CitedAnswer>): Promise<EvalRun> {
  return runEvaluation({ items, target: fakeTarget(answers), dataset: 'tiny', systems: ['naive', 'char-bm25', 'product'] });
}

describe('a run with dev and test items', () => {
  it('reports the test split first, then dev, then all, with intervals and the naive reference', async () => {
    const result = await run(firstAnswers);
    expect(result.tables.map((table) => table.splits)).toEqual([['test'], ['dev'], ['test', 'dev']]);
    expect(result.tables[0].overall.product.factAccuracy).toBe(0);
    expect(result.tables[1].overall.product.factAccuracy).toBe(1);
    expect(result.overall.product.questions).toBe(4);
    expect(result.rows.map((row) => row.key)).toEqual(['naive', 'char-bm25', 'product', 'naive:simple', 'char-bm25:simple']);
    const markdown = renderMarkdown(result);
    const test = markdown.indexOf('### 测试集（test）');
    const dev = markdown.indexOf('### 开发集（dev）');
    const all = markdown.indexOf('### 全部题目');
    expect(test).toBeGreaterThan(0);
    expect(dev).toBeGreaterThan(test);
    expect(all).toBeGreaterThan(dev);
    expect(markdown.indexOf('## 指标说明')).toBeLessThan(test);
    expect(markdown).toMatch(/\d+\.\d% \(\d+\.\d–\d+\.\d\)/);
  });

  it('never prints or stores a test item’s question, answer or id', async () => {
    const result = await run(firstAnswers);
    const html = renderHtml(result);
    const markdown = renderMarkdown(result, 'en');
    for (const report of [html, markdown, JSON.stringify(storedRun(result))]) {
      expect(report).not.toContain('企业吸纳就业补贴每人多少');
      expect(report).not.toContain('火星移民');
      expect(report).not.toContain('"t1"');
    }
    expect(renderHtml(await run(secondAnswers))).toContain('高校毕业生求职补贴多少钱'); // a failing dev item is listed
    expect(markdown).toContain("The 2 test questions' failures are never printed or written");
    expect(html.indexOf('指标说明')).toBeLessThan(html.indexOf('<h2>结果</h2>'));
    expect(html).toMatch(/<th class="num" title="[^"]+">前5含正确文件<\/th>/);
    const stored = storedRun(result).items.filter((entry) => entry.item.split === 'test');
    expect(stored.map((entry) => entry.item.id)).toEqual([storedTestId('t1'), storedTestId('t2')]);
    expect(stored[0].results.product!.scores.allFacts).toBe(false);
  });

  it('gives baselines a fair form: cut to the product’s median length, declining below a dev-calibrated score', async () => {
    const result = await run(firstAnswers);
    // Product answers given: d1 (26 characters) and t1 (12): the median by nearest rank is 12.
    expect(result.fair).toMatchObject({ maxChars: 12, source: 'product' });
    const naive = result.items[0].results.naive!;
    expect(naive.answer.answered).toBe(true);
    expect(answerLength(naive.answer.answer)).toBeLessThanOrEqual(12);
    expect(answerLength(naive.answer.answer)).toBeGreaterThan(8);
    expect(naive.simple!.answer.answer).not.toBe(naive.answer.answer);
    // Nothing the naive baseline retrieves for the out-of-corpus questions: it declines them.
    expect(result.items.filter((entry) => !entry.item.answerable).map((entry) => entry.results.naive!.answer.answered)).toEqual([false, false]);
    const threshold = result.fair.thresholds.naive!;
    expect(threshold.devQuestions).toBe(2);
    expect(threshold.devUnanswerable).toBe(1);
  });

  it('compares two runs: paired differences, flips counted by type, answers shown for dev flips only', async () => {
    const before = JSON.parse(JSON.stringify(storedRun(await run(firstAnswers)))) as EvalRun;
    const after = JSON.parse(JSON.stringify(storedRun(await run(secondAnswers)))) as EvalRun;
    const comparison = compareRuns(before, after);
    expect(comparison.parts.map((part) => part.splits)).toEqual([['test'], ['dev'], ['test', 'dev']]);
    expect(comparison.parts[0].flipCounts.factual).toEqual({ passToFail: 0, failToPass: 1, questions: 1 });
    expect(comparison.parts[1].flipCounts.factual).toEqual({ passToFail: 1, failToPass: 0, questions: 1 });
    expect(comparison.devFlips.map((flip) => [flip.id, flip.direction])).toEqual([['d1', 'pass-to-fail']]);
    const product = comparison.parts[2].rows.find((row) => row.row.key === 'product')!;
    expect(product.before.factAccuracy).toBe(0.5);
    expect(product.after.factAccuracy).toBe(0.5);
    const markdown = renderCompareMarkdown(comparison, 'en');
    expect(markdown).toContain('高校毕业生求职补贴多少钱');
    expect(markdown).not.toContain('企业吸纳就业补贴每人多少');
  });

  it('writes a suite report: an overview of product against naive per set, skipped sets noted', async () => {
    const result = await run(firstAnswers);
    const results = [
      { entry: { name: 'tiny', dataset: 'tiny.jsonl', corpus: 'tiny', optional: false }, run: result, report: 'x-tiny' },
      { entry: { name: 'later', dataset: 'later.jsonl', corpus: 'tiny', optional: true }, skipped: 'later.jsonl does not exist yet (optional set)' },
    ];
    const markdown = renderSuiteMarkdown({ suite: 'suite.json', results, lang: 'en' });
    expect(markdown).toMatch(/\| tiny \| test, 2 questions \| /);
    expect(markdown).toContain('| later | later.jsonl does not exist yet (optional set) |');
    expect(markdown.indexOf('### Test split')).toBeLessThan(markdown.indexOf('### Dev split'));
    const html = renderSuiteHtml({ suite: 'suite.json', results });
    expect(html).toContain('多题集评测');
    expect(html).not.toContain('企业吸纳就业补贴每人多少');
  });
});

