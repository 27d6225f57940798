import { describe, expect, it } from 'vitest';
import type { Citation } from '../api/types';
import { answerToMarkdown } from './answer-to-markdown';

const citation = (n: number, quote: string, section: string[]): Citation => ({
  n,
  chunkId: `c${n}`,
  documentId: 'yunnan',
  title: '《云南省促进区域协调发展实施方案》',
  section,
  quote,
  start: 0,
  end: quote.length,
});

describe('answerToMarkdown', () => {
  it('turns markers into footnote references and lists sources as footnotes', () => {
    const markdown = answerToMarkdown('城镇化率达到65%左右。[1][2]', [
      citation(2, '加快农业转移人口\n市民化。', ['三、重点任务']),
      citation(1, '滇中城市群常住人口城镇化率达到65%左右', ['一、总体要求', '（二）发展目标']),
    ]);
    expect(markdown).toBe(
      '城镇化率达到65%左右。[^1][^2]\n\n' +
        '[^1]: 《云南省促进区域协调发展实施方案》› 一、总体要求 › （二）发展目标：“滇中城市群常住人口城镇化率达到65%左右”\n' +
        '[^2]: 《云南省促进区域协调发展实施方案》› 三、重点任务：“加快农业转移人口 市民化。”\n',
    );
  });

  it('adds 《》 to bare titles and leaves unknown markers alone', () => {
    const markdown = answerToMarkdown('见[1]与[7]', [{ ...citation(1, '原文', []), title: '贵州实施意见' }]);
    expect(markdown).toBe('见[^1]与[7]\n\n[^1]: 《贵州实施意见》：“原文”\n');
  });

  it('returns the answer alone when nothing is cited', () => {
    expect(answerToMarkdown('未找到相关规定。', [])).toBe('未找到相关规定。');
  });
});
