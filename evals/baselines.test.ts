// Baseline retrievers: LangChain chunks keep exact offsets, the character BM25 needs no segmentation.
import { describe, expect, it } from 'vitest';
import { characterTokens, cjkBigramTokens, createCharacterBm25, createNaiveBaseline, fixedWindows, simpleExtractiveAnswer, splitLikeLangchain, type CorpusView } from './baselines';

const paragraph = (n: number) => `（${n}）第${n}段讲的是区域协调发展的第${n}项具体措施，内容较长需要被切分。`.repeat(6);
const text = Array.from({ length: 12 }, (_, i) => paragraph(i + 1)).join('\n\n');
const corpus: CorpusView = {
  documents: new Map([['d', { id: 'd', title: '《测试方案》', text, sections: [{ path: ['一、总则'], start: 0, end: text.length }] }]]),
  chunks: [
    { id: 'd:0', documentId: 'd', text: text.slice(0, 40), start: 0, end: 40, section: ['一、总则'] },
    { id: 'd:1', documentId: 'd', text: '建立生态补偿资金，每年安排1500万元。', start: 0, end: 0, section: [] },
  ],
};

describe('baselines', () => {
  it('cuts LangChain chunks of at most 1000 characters that sit at their offsets', async () => {
    const chunks = await splitLikeLangchain(corpus);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(1000);
      expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
      expect(chunk.section).toEqual(['一、总则']);
    }
  });

  it('tokenises Chinese one character at a time, numbers whole', () => {
    expect(characterTokens('安排１５００万元, GDP')).toEqual(['安', '排', '1500', '万', '元', 'gdp']);
  });

  it('ranks by shared characters without word segmentation', async () => {
    const [top] = await createCharacterBm25(corpus).retrieve('生态补偿资金', 2);
    expect(top.chunkId).toBe('d:1');
  });

  it('answers with the first two sentences of the top chunk, quoted at their offsets', () => {
    const chunk = { chunkId: 'd:0', documentId: 'd', title: 't', section: [], text: '甲。乙；丙。', start: 10, end: 16 };
    expect(simpleExtractiveAnswer([chunk])).toEqual({
      answer: '甲。[1]乙；[1]',
      answered: true,
      citations: [{ n: 1, chunkId: 'd:0', documentId: 'd', title: 't', section: [], quote: '甲。乙；', start: 10, end: 14 }],
    });
    expect(simpleExtractiveAnswer([]).answered).toBe(false);
  });

  it('tokenises like a CJK bigram analyzer: Han bigrams, lone Han characters, Latin and digit runs whole', () => {
    expect(cjkBigramTokens('补助１５００元，每人GDP增长')).toEqual(['补助', '1500', '元', '每人', 'gdp', '增长']);
    expect(cjkBigramTokens('一次性补助')).toEqual(['一次', '次性', '性补', '补助']);
  });

  it('cuts fixed 350-character windows overlapping by 50, the last ending at the text end', () => {
    expect(fixedWindows(800)).toEqual([
      { start: 0, end: 350 },
      { start: 300, end: 650 },
      { start: 600, end: 800 },
    ]);
    expect(fixedWindows(350)).toEqual([{ start: 0, end: 350 }]);
    expect(fixedWindows(0)).toEqual([]);
  });

  it('retrieves the window that shares the most bigrams, with its score and offsets', async () => {
    const filler = '其他工作按照有关规定执行。'.repeat(40);
    const body = `${filler}对符合条件的高校毕业生给予一次性求职补贴。${filler}`;
    const naive = createNaiveBaseline({ documents: new Map([['n', { id: 'n', title: '《通知》', text: body, sections: [] }]]), chunks: [] });
    const [top] = await naive.retrieve('一次性求职补贴', 3);
    expect(top.text).toContain('一次性求职补贴');
    expect(body.slice(top.start, top.end)).toBe(top.text);
    expect(top.end - top.start).toBeLessThanOrEqual(350);
    expect(top.score).toBeGreaterThan(0);
  });
});
