// The dataset checker: generic checks catch what makes a set wrong, a set's own rules apply on top, and
// every committed set in evals/suites/all.json passes.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkDataset, checkEntry, type CheckedDocument } from './check-dataset';
import { loadSuite } from './suite';

const text = '第一条 对符合条件的毕业生给予一次性补贴1500元。\n\n第二条 本办法自发布之日起施行。';
const documents = new Map<string, CheckedDocument>([
  ['n1', { file: 'n1.txt', raw: text, text }],
  ['n2', { file: 'n2.txt', raw: '另一份通知，补贴标准为每人1000元。', text: '另一份通知，补贴标准为每人1000元。' }],
]);
const line = (fields: Record<string, unknown>) => JSON.stringify({ id: 'q1', type: 'factual', question: '毕业生补贴多少？', answerable: true, documents: ['n1'], evidence: [{ document: 'n1', quote: '给予一次性补贴1500元' }], facts: ['1500元'], ...fields });

describe('check-dataset', () => {
  it('accepts a small valid set in either format, with any type and split', () => {
    const lines = [line({}), line({ id: 'q2', type: 'everyday', split: 'test' }), JSON.stringify({ id: 'h1', question: '另一份补贴多少？', document: 'n2', answer: '补贴标准为每人1000元', facts: ['1000元'] })].join('\n');
    const result = checkDataset({ lines, documents });
    expect(result.problems).toEqual([]);
    expect(result.summary[2]).toBe('by split: dev 2, test 1');
  });

  it('reports repeated ids, unknown documents, quotes not in the cleaned text and facts outside the quotes', () => {
    const lines = [
      line({}),
      line({ question: '另一个问题？' }),
      line({ id: 'q3', documents: ['n9'], evidence: [{ document: 'n9', quote: '某句' }] }),
      line({ id: 'q4', evidence: [{ document: 'n1', quote: '给予一次性补贴2000元' }], facts: ['2000元'] }),
      line({ id: 'q5', facts: ['3000元'] }),
      line({ id: 'q6', answerable: false }),
      line({ id: 'q7', superseded: [{ document: 'n2', quote: '每人800元' }] }),
      '{oops',
    ].join('\n');
    const { problems } = checkDataset({ lines, documents });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/line 2 \(q1\): id repeats line 1/),
        expect.stringMatching(/q3\): unknown document "n9"/),
        expect.stringMatching(/q4\): evidence\[0\]: quote not found in the cleaned text of n1/),
        expect.stringMatching(/q5\): fact "3000元" is not inside any of its evidence quotes/),
        expect.stringMatching(/q6\): an unanswerable question has no documents/),
        expect.stringMatching(/q7\): superseded\[0\]: quote not found/),
        expect.stringMatching(/line 8: not valid JSON/),
      ]),
    );
  });

  it('applies a set’s own rules and the seed profile only when asked', () => {
    const lines = line({ id: 'x-1' });
    expect(checkDataset({ lines, documents }).problems).toEqual([]);
    const ruled = checkDataset({ lines, documents, rules: { idPattern: '^q\\d+$', minQuestionsPerDocument: 1, quoteChars: [13, 80] } }).problems;
    expect(ruled).toEqual(['x-1: id does not match ^q\\d+$', 'x-1: quote is 12 characters, expected 13–80', 'n2: 0 questions, at least 1 expected']);
    const seeds = checkDataset({ lines, documents, profile: 'seeds' }).problems;
    expect(seeds).toContain('set (seeds profile): 1 questions, at least 100 required');
  });

  it('passes every committed set of the suite against its corpus', async () => {
    const corpora = new Map();
    const entries = (await loadSuite('evals/suites/all.json')).filter((entry) => existsSync(entry.dataset));
    expect(entries.length).toBeGreaterThanOrEqual(9);
    for (const entry of entries) {
      const result = await checkEntry(entry, corpora);
      expect({ set: entry.name, problems: result.problems }).toEqual({ set: entry.name, problems: [] });
    }
  });
});
