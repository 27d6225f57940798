// Reports escape whatever the dataset, corpus or answers hold, and the HTML stands alone.
import { describe, expect, it } from 'vitest';
import type { EvalTarget } from './eval-target';
import type { EvalItem } from './load-dataset';
import { renderHtml } from './render-html';
import { renderMarkdown } from './render-markdown';
import { runEvaluation } from './run-evaluation';

const hostile = '<script>alert("x")</script>|<img src=x onerror=alert(1)>';
const text = `第一条 ${hostile}补助标准为每人1500元。`;
const chunk = { id: 'd:0', documentId: 'd', text, start: 0, end: text.length, section: [`一、${hostile}`] };

/** A target with one document whose every text field is hostile markup. */
const target: EvalTarget = {
  description: 'fake target',
  corpus: { documents: new Map([['d', { id: 'd', title: `《${hostile}》`, text, sections: [{ path: chunk.section, start: 0, end: text.length }] }]]), chunks: [chunk] },
  searchModes: ['hybrid', 'lexical'],
  dense: false,
  answerKind: 'extractive',
  answerModel: 'extractive',
  async search() {
    return [{ chunkId: chunk.id, documentId: 'd', title: `《${hostile}》`, section: chunk.section, text, start: 0, end: text.length }];
  },
  async answer() {
    return { answer: `**${hostile}**：答案[1]`, answered: true, citations: [{ n: 1, chunkId: chunk.id, documentId: 'd', title: hostile, section: chunk.section, quote: hostile, start: 0, end: 5 }], latencyMs: 1 };
  },
  async close() {},
};

const items: EvalItem[] = [
  { id: 'q1', type: `factual${hostile}`, split: 'dev', mode: 'answer', question: `问题${hostile}`, history: [{ role: 'user', content: hostile }, { role: 'assistant', content: hostile }], answerable: true, documents: ['d'], evidence: [{ document: 'd', quote: '补助标准为每人1500元' }], superseded: [], facts: ['2000元'] },
  { id: 'q2', type: 'out_of_corpus', split: 'dev', mode: 'answer', question: hostile, history: [], answerable: false, documents: [], evidence: [], superseded: [], facts: [] },
];

describe('reports', () => {
  it('escape every text and load nothing from outside the file', async () => {
    const run = await runEvaluation({ items, target, dataset: hostile });
    const html = renderHtml(run);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/src="http|href="http|<link/);
    expect(html).toContain('&lt;script&gt;');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(3);
    const markdown = renderMarkdown(run);
    expect(markdown).not.toContain('<script');
    expect(markdown).toContain('\\|');
  });

  it('list the product failures with what was expected and what came back', async () => {
    const run = await runEvaluation({ items, target, dataset: 'd' });
    const html = renderHtml(run, 'en');
    expect(html).toContain('missing fact: 2000元');
    expect(html).toContain('answered an out-of-corpus question');
    expect(html).toContain('补助标准为每人1500元');
  });
});
