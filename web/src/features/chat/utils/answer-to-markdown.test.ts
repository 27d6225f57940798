import { describe, expect, it } from 'vitest';
import type { Citation, Comparison } from '../api/types';
import { answerToMarkdown, formatDate } from './answer-to-markdown';

const citation = (n: number, quote: string, section: string[], title = '《云南省促进区域协调发展实施方案》'): Citation => ({
  n,
  chunkId: `c${n}`,
  documentId: `d${n}`,
  title,
  section,
  quote,
  start: 0,
  end: quote.length,
});

describe('answerToMarkdown', () => {
  it('turns markers into footnote references and lists sources as footnotes', () => {
    const markdown = answerToMarkdown({
      answer: '城镇化率达到65%左右。[1][2]',
      citations: [citation(2, '加快农业转移人口\n市民化。', ['三、重点任务']), citation(1, '滇中城市群常住人口城镇化率达到65%左右', ['一、总体要求', '（二）发展目标'])],
    });
    expect(markdown).toBe(
      '城镇化率达到65%左右。[^1][^2]\n\n' +
        '[^1]: 《云南省促进区域协调发展实施方案》› 一、总体要求 › （二）发展目标：“滇中城市群常住人口城镇化率达到65%左右”\n' +
        '[^2]: 《云南省促进区域协调发展实施方案》› 三、重点任务：“加快农业转移人口 市民化。”\n',
    );
  });

  it('adds 《》 to bare titles and leaves unknown markers alone', () => {
    const markdown = answerToMarkdown({ answer: '见[1]与[7]', citations: [{ ...citation(1, '原文', []), title: '贵州实施意见' }] });
    expect(markdown).toBe('见[^1]与[7]\n\n[^1]: 《贵州实施意见》：“原文”\n');
  });

  it('returns the answer alone when nothing is cited', () => {
    expect(answerToMarkdown({ answer: '未找到相关规定。', citations: [] })).toBe('未找到相关规定。');
  });

  it('starts with the question on one line and the date', () => {
    const markdown = answerToMarkdown({ question: '那么\n科技进步贡献率呢？', date: new Date(2025, 0, 9, 23, 30), answer: '达到60%以上。[1]', citations: [citation(1, '科技进步贡献率达到60%以上', [])] });
    expect(markdown.startsWith('问题：那么 科技进步贡献率呢？\n\n日期：2025-01-09\n\n达到60%以上。[^1]\n\n[^1]: ')).toBe(true);
  });

  it('exports a comparison as a Markdown table with footnote markers in its cells', () => {
    const comparison: Comparison = {
      aspects: ['生态补偿', '横向补偿'],
      documents: [
        { id: 'd1', title: '《云南省促进区域协调发展实施方案》' },
        { id: 'd2', title: '贵州省实施意见 | 2020' },
      ],
      cells: [
        { aspect: 0, document: 0, text: '健全多元化生态补偿机制。', citation: 1 },
        { aspect: 0, document: 1, text: '加快建立生态补偿机制，由省*府统筹。', citation: 2 },
        { aspect: 1, document: 0, text: '推进流域上下游横向生态保护补偿。', citation: 3 },
        { aspect: 1, document: 1, text: null },
      ],
      shared: ['生态补偿'],
    };
    const citations = [
      citation(1, '健全多元化生态补偿机制。', ['二、完善生态补偿机制']),
      { ...citation(2, '加快建立生态补偿机制，由省*府统筹。', ['一、总体要求'], '贵州省实施意见 | 2020'), version: { label: '2019年版', superseded: true } },
      citation(3, '推进流域上下游横向生态保护补偿。', ['二、完善生态补偿机制']),
    ];
    const markdown = answerToMarkdown({
      question: '云南和贵州的生态补偿政策有何异同？',
      date: new Date(2025, 5, 1),
      answer: '### 《云南省促进区域协调发展实施方案》\n\n- 健全多元化生态补偿机制。[1]',
      citations,
      comparison,
      notes: ['[2] 引自贵州省实施意见的2019年版，该版本已被修订。'],
    });
    expect(markdown).toBe(
      [
        '问题：云南和贵州的生态补偿政策有何异同？',
        '',
        '日期：2025-06-01',
        '',
        '> [^2] 引自贵州省实施意见的2019年版，该版本已被修订。',
        '',
        '### 《云南省促进区域协调发展实施方案》',
        '',
        '- 健全多元化生态补偿机制。[^1]',
        '',
        '**对比**（各文件都提到：生态补偿）',
        '',
        '| 方面 | 《云南省促进区域协调发展实施方案》 | 《贵州省实施意见 \\| 2020》 |',
        '| --- | --- | --- |',
        '| 生态补偿 | 健全多元化生态补偿机制。[^1] | 加快建立生态补偿机制，由省\\*府统筹。[^2] |',
        '| 横向补偿 | 推进流域上下游横向生态保护补偿。[^3] | 未提及 |',
        '',
        '[^1]: 《云南省促进区域协调发展实施方案》› 二、完善生态补偿机制：“健全多元化生态补偿机制。”',
        '[^2]: 《贵州省实施意见 | 2020》（2019年版，已修订）› 一、总体要求：“加快建立生态补偿机制，由省\\*府统筹。”',
        '[^3]: 《云南省促进区域协调发展实施方案》› 二、完善生态补偿机制：“推进流域上下游横向生态保护补偿。”',
        '',
      ].join('\n'),
    );
  });

  it('keeps bold in the answer while escaping masked characters', () => {
    expect(answerToMarkdown({ answer: '达到**65%左右**，由财*事权统筹。', citations: [] })).toBe('达到**65%左右**，由财\\*事权统筹。');
  });
});

describe('formatDate', () => {
  it('keeps the lines of a paragraph as lines (a hard break), not lists or headings', () => {
    const markdown = answerToMarkdown({ answer: '第五条 甲。[1]\n(一)乙；[1]\n\n- 丙[1]\n- 丁[1]', citations: [citation(1, '甲', ['第五条'])] });
    expect(markdown).toContain('第五条 甲。[^1]  \n(一)乙；[^1]\n\n- 丙[^1]\n- 丁[^1]');
  });

  it('pads month and day', () => {
    expect(formatDate(new Date(2024, 2, 5))).toBe('2024-03-05');
  });
});
