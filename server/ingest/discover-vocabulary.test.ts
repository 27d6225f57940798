import { describe, expect, it } from 'vitest';
import { Analyzer } from '../rag/analyzer.js';
import { discoverVocabulary } from './discover-vocabulary.js';

const analyzer = new Analyzer();
const before = ['推进', '加快', '支持', '共同参与', '积极融入', '依托', '完善', '统筹', '谋划', '服务'];
const after = ['建设', '发展', '规划', '布局', '运营', '合作', '项目', '班列', '枢纽', '物流'];
const filler = ['提升城市功能品质', '强化资金保障', '优化营商环境', '加强人才培养', '深化体制改革', '扩大对外开放', '推动产业升级', '保障群众权益'];

/** A corpus where `term` is used as one word in varied contexts, among ordinary sentences. */
function corpusUsing(term: string): string[] {
  return Array.from({ length: 40 }, (_, i) => `${filler[i % filler.length]}，${before[i % before.length]}${term}${after[(i * 3) % after.length]}，${filler[(i + 3) % filler.length]}。`);
}

describe('discoverVocabulary', () => {
  it('finds a term the segmenter splits into four words when the corpus uses it as one', () => {
    const term = '东部沿海新走廊';
    expect(analyzer.words(term).length).toBe(4);
    expect(discoverVocabulary(corpusUsing(term), analyzer)).toContain(term);
  });

  it('finds two-, three- and four-word terms', () => {
    for (const term of ['金融服务中心', '跨境电商综试区', '生态产品价值实现']) {
      expect(analyzer.words(term).length).toBeGreaterThanOrEqual(2);
      expect(discoverVocabulary(corpusUsing(term), analyzer)).toContain(term);
    }
  });

  it('finds a two-character name made of two characters the segmenter keeps apart', () => {
    const term = '黔滇';
    expect(analyzer.words(term)).toEqual(['黔', '滇']);
    expect(discoverVocabulary(corpusUsing(term), analyzer)).toContain(term);
  });

  it('does not join words that merely follow each other, nor start a term with a relation word', () => {
    const found = discoverVocabulary(corpusUsing('东部沿海新走廊'), analyzer);
    // Each sentence opens with a filler phrase and a verb that vary independently of the term.
    for (const joined of found) expect(joined).not.toMatch(/^(推进|加快|支持|以上|之间)/);
    const rare = discoverVocabulary(['以上各项工作，以上各项工作要求。'], analyzer);
    expect(rare).toEqual([]);
  });
});
