// Character BM25 scored from chunk texts must equal BM25 over character postings.
import { describe, expect, it } from 'vitest';
import { Bm25Index } from './bm25-index';
import { CharacterStatistics, CharacterStatisticsBuilder } from './character-scores';
import { characters } from './tokenize';

const texts = [
  '第三条 读者每次最多可以借阅图书十册，借期为三十日，可以续借一次。',
  '第五条 借阅的图书逾期归还的，每册每日收取滞纳金0.1元。',
  '第六条 读者遗失或者损毁图书的，应当按照原价赔偿。',
  'ＡＢＣ公司 2024年 第一季度 营业收入 12.5% 增长',
  'Version v1.2.3 of 〇号文件，𠮷野家与吉野家，ｖ２．０版，100%和３０％，GB/T 7714—2015',
  '',
];

function statistics(): CharacterStatistics {
  const builder = new CharacterStatisticsBuilder();
  for (const text of texts) builder.add(text);
  return builder.finish();
}

describe('CharacterStatistics', () => {
  it.each(['图书能借多久？', '丢了书要赔吗', 'abc公司2024年的收入增长了多少', '火星', 'v1.2版和𠮷野家的〇号文件', 'V2.0 30% 100% gb 7714'])('scores 「%s」 as BM25 over character postings does', (query) => {
    const postings = new Bm25Index(texts.map((text) => ({ tokens: characters(text), bigrams: [], context: [] })));
    const expected = texts.map((_, doc) => postings.scoreDocuments({ tokens: characters(query), bigrams: [], context: [] }, [doc])[0]);
    const actual = statistics().scoreTexts(query, texts);
    actual.forEach((score, i) => expect(score).toBeCloseTo(expected[i], 9));
  });

  it('counts characters as characters() splits them, over texts of random code units', () => {
    // Han, full-width and half-width letters and digits, points, per cent signs, spaces, surrogate
    // pairs (Han and not) and punctuation, in random order (well-formed UTF-16, as decoded text is).
    const units = ['书', '借', '〇', '𠮷', '😀', 'Ａ', 'ａ', 'Z', 'z', '７', '7', '．', '.', '％', '%', '\u3000', ' ', '，', '-', 'é'];
    let seed = 3;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const randomTexts = Array.from({ length: 300 }, () => Array.from({ length: random(30) }, () => units[random(units.length)]).join(''));
    const builder = new CharacterStatisticsBuilder();
    for (const text of randomTexts) builder.add(text);
    const scored = builder.finish();
    const postings = new Bm25Index(randomTexts.map((text) => ({ tokens: characters(text), bigrams: [], context: [] })));
    for (const query of ['书借', 'a7', 'Ｚ７．７％', '𠮷〇', 'z.7%书']) {
      const expected = postings.scoreDocuments({ tokens: characters(query), bigrams: [], context: [] }, randomTexts.map((_, doc) => doc));
      scored.scoreTexts(query, randomTexts).forEach((score, i) => expect(score).toBeCloseTo(expected[i], 9));
    }
  });

  it('counts every character of a question with more distinct characters than the code-unit table marks (250)', () => {
    // 400 distinct Han characters: the first 250 are marked in the table, the rest looked up by string.
    const many = Array.from({ length: 400 }, (_, i) => String.fromCharCode(0x4e00 + i * 7));
    const longTexts = [many.slice(0, 120).join(''), many.slice(260, 400).join('，'), `${many[3]}${many[390]}${many[390]}书`, '书借'];
    const builder = new CharacterStatisticsBuilder();
    for (const text of longTexts) builder.add(text);
    const postings = new Bm25Index(longTexts.map((text) => ({ tokens: characters(text), bigrams: [], context: [] })));
    const query = many.join('') + '书';
    const expected = postings.scoreDocuments({ tokens: characters(query), bigrams: [], context: [] }, longTexts.map((_, doc) => doc));
    const actual = builder.finish().scoreTexts(query, longTexts);
    actual.forEach((score, i) => expect(score).toBeCloseTo(expected[i], 9));
    // The table is left as it was: a short question afterwards scores as before.
    const short = new Bm25Index(texts.map((text) => ({ tokens: characters(text), bigrams: [], context: [] })));
    const shortExpected = short.scoreDocuments({ tokens: characters('借阅图书'), bigrams: [], context: [] }, texts.map((_, doc) => doc));
    statistics().scoreTexts('借阅图书', texts).forEach((score, i) => expect(score).toBeCloseTo(shortExpected[i], 9));
  });

  it('survives being stored and read back (JSON)', () => {
    const stored = new CharacterStatistics(JSON.parse(JSON.stringify(statistics().data)));
    expect(Array.from(stored.scoreTexts('借阅图书', texts))).toEqual(Array.from(statistics().scoreTexts('借阅图书', texts)));
    expect(stored.documentFrequency('书')).toBe(3);
  });
});
