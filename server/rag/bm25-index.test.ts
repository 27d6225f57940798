// The packed BM25 index and the bigram near-duplicate test, checked against plain textbook versions on
// the seed corpus's own sentences: same documents, same scores, same decisions.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedCorpusDir } from '../test-support/corpus';
import { packSections, Sections } from './binary-sections';
import { bm25Defaults, Bm25Index, type Bm25Fields } from './bm25-index';
import { scoringKernel } from './bm25-kernel';
import { bigramCodes, jaccardAtLeast } from './policy-index';
import { PositionSet } from './position-set';
import { bigrams, queryTokens, tokenize } from './tokenize';

const sentences: string[] = [];
for (const name of (await readdir(seedCorpusDir)).filter((file) => file.endsWith('.txt'))) {
  const text = await readFile(join(seedCorpusDir, name), 'utf8');
  sentences.push(...text.split(/(?<=[。；！？])/).map((sentence) => sentence.trim()).filter((sentence) => sentence.length >= 8));
}
const entries: Bm25Fields[] = sentences.map((text) => ({ tokens: tokenize(text), bigrams: bigrams(text), context: tokenize(text.slice(0, 12)) }));
const questions = ['滇中城市群常住人口城镇化率到2025年要达到多少？', '川渝高竹新区由哪两个地方共建？', '区域协调发展', '生态补偿机制', '国际航空门户枢纽', '不存在的火星基地'];
const queries: Bm25Fields[] = questions.map((question) => ({ tokens: queryTokens(question), bigrams: bigrams(question), context: queryTokens(question) }));

/** BM25 written the plain way: every document scored from its token counts, then sorted. */
function referenceScores(query: Bm25Fields): number[] {
  const fields: [keyof Bm25Fields, number, number][] = [
    ['tokens', 1, bm25Defaults.b],
    ['bigrams', bm25Defaults.bigramWeight, bm25Defaults.b],
    ['context', bm25Defaults.contextWeight, 0.3],
  ];
  const scores = new Array<number>(entries.length).fill(0);
  for (const [field, weight, b] of fields) {
    const average = entries.reduce((sum, entry) => sum + entry[field].length, 0) / entries.length || 1;
    for (const token of new Set(query[field])) {
      const n = entries.filter((entry) => entry[field].includes(token)).length;
      const idf = Math.max(0.01, Math.log(1 + (entries.length - n + 0.5) / (n + 0.5))) * weight;
      if (n === 0 || !(idf > 0)) continue;
      entries.forEach((entry, doc) => {
        const tf = entry[field].filter((t) => t === token).length;
        if (tf === 0) return;
        const norm = bm25Defaults.k1 * (1 - b + (b * entry[field].length) / average);
        scores[doc] += (idf * (tf * (bm25Defaults.k1 + 1))) / (tf + norm);
      });
    }
  }
  return scores;
}

describe('Bm25Index', () => {
  const index = new Bm25Index(entries);

  it('ranks like a plain BM25, best first, ties by document number, only positive scores', () => {
    expect(entries.length).toBeGreaterThan(300);
    for (const query of queries) {
      const expected = referenceScores(query)
        .map((score, doc) => ({ doc, score }))
        .filter(({ score }) => score > 0)
        .sort((a, b) => b.score - a.score || a.doc - b.doc);
      for (const k of [1, 5, 50, 10_000]) {
        const got = index.search(query, { k });
        expect(got.map(({ doc }) => doc)).toEqual(expected.slice(0, k).map(({ doc }) => doc));
        got.forEach(({ score }, i) => expect(score).toBeCloseTo(expected[i].score, 9));
      }
    }
    expect(index.search({ tokens: ['火星殖民'], bigrams: ['火星'], context: [] }, { k: 5 })).toEqual([]);
  });

  it('scores a one-word query with exactly the value of the BM25 formula (the norm shared by documents of one length)', () => {
    const average = entries.reduce((sum, entry) => sum + entry.tokens.length, 0) / entries.length;
    const word = '发展';
    const n = entries.filter((entry) => entry.tokens.includes(word)).length;
    const idf = Math.max(0.01, Math.log(1 + (entries.length - n + 0.5) / (n + 0.5)));
    const { k1, b } = bm25Defaults;
    const got = index.search({ tokens: [word], bigrams: [], context: [] }, { k: entries.length });
    expect(got.length).toBe(n);
    for (const { doc, score } of got) {
      const tf = entries[doc].tokens.filter((token) => token === word).length;
      expect(score).toBe((idf * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * entries[doc].tokens.length) / average)));
    }
  });

  it('gives the same answer to the same query twice (the score buffer is reset)', () => {
    const first = index.search(queries[0], { k: 20 });
    index.search(queries[1], { k: 3 });
    expect(index.search(queries[0], { k: 20 })).toEqual(first);
  });

  it('keeps to the allowed documents', () => {
    const allowed = new Set(Array.from({ length: entries.length }, (_, i) => i).filter((i) => i % 3 === 0));
    const got = index.search(queries[4], { k: 10, allowed });
    expect(got.length).toBeGreaterThan(0);
    expect(got.every(({ doc }) => allowed.has(doc))).toBe(true);
    expect(got).toEqual(index.search(queries[4], { k: entries.length }).filter(({ doc }) => allowed.has(doc)).slice(0, 10));
  });

  it('keeps to allowed documents given as a PositionSet exactly as given as a Set', () => {
    for (const every of [2, 3, 50, 400]) {
      const positions = Array.from({ length: entries.length }, (_, i) => i).filter((i) => i % every === 1);
      for (const query of queries) {
        for (const k of [1, 10, 100]) expect(index.search(query, { k, allowed: PositionSet.union([positions], entries.length) })).toEqual(index.search(query, { k, allowed: new Set(positions) }));
      }
    }
  });

  it('scores a subset of documents with the maximum over all of them', () => {
    const ranked = index.search(queries[0], { k: entries.length });
    const { max, scores } = index.scoreSubset(queries[0], [ranked[3].doc, ranked[0].doc, ranked.at(-1)!.doc]);
    expect(max).toBe(ranked[0].score);
    expect([...scores]).toEqual([ranked[3].score, ranked[0].score, ranked.at(-1)!.score]);
  });

  it('prunes without changing a result: random queries, depths and filters give what scoring every posting gives', () => {
    let seed = 17;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let compared = 0;
    for (let q = 0; q < 300; q++) {
      const sentence = sentences[Math.floor(random() * sentences.length)];
      const start = Math.floor(random() * sentence.length);
      const text = sentence.slice(start, start + 2 + Math.floor(random() * 30));
      const query = { tokens: queryTokens(text), bigrams: bigrams(text), context: queryTokens(text) };
      for (const k of [1, 3, 10, 50, 200]) {
        const allowed = random() < 0.3 ? new Set(Array.from({ length: 1 + Math.floor(random() * 400) }, () => Math.floor(random() * entries.length))) : undefined;
        expect(index.search(query, { k, allowed })).toEqual(index.searchExhaustive(query, { k, allowed }));
        compared++;
      }
    }
    expect(compared).toBe(1500);
  });

  it('prunes without changing a result over thousands of documents and long questions', () => {
    // Documents of several seed sentences each and questions of up to 80 characters: deep postings,
    // dozens of terms, thresholds raised many times in both phases.
    let seed = 29;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const texts = Array.from({ length: 3000 }, () => Array.from({ length: 1 + random(4) }, () => sentences[random(sentences.length)]).join(''));
    const large = new Bm25Index(texts.map((text) => ({ tokens: tokenize(text), bigrams: bigrams(text), context: tokenize(text.slice(0, 16)) })));
    for (let q = 0; q < 40; q++) {
      const text = texts[random(texts.length)].slice(random(40), 80);
      const query = { tokens: queryTokens(text), bigrams: bigrams(text), context: queryTokens(text) };
      const allowed = q % 3 === 0 ? new Set(Array.from({ length: 600 }, () => random(texts.length))) : undefined;
      for (const k of [1, 10, 100, 400]) expect(large.search(query, { k, allowed })).toEqual(large.searchExhaustive(query, { k, allowed }));
    }
  });

  it('prunes from a bar given at the start (k documents known to reach it) without changing a result', () => {
    // The bar is the k-th best of some documents' exact scores, as the document prior gives the best
    // of its candidates' documents: at or below the true k-th best, sometimes equal to it (a tie).
    let seed = 31;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const texts = Array.from({ length: 3000 }, () => Array.from({ length: 1 + random(4) }, () => sentences[random(sentences.length)]).join(''));
    const large = new Bm25Index(texts.map((text) => ({ tokens: tokenize(text), bigrams: bigrams(text), context: tokenize(text.slice(0, 16)) })));
    let barred = 0;
    for (let q = 0; q < 40; q++) {
      const text = texts[random(texts.length)].slice(random(40), 80);
      const query = { tokens: queryTokens(text), bigrams: bigrams(text), context: queryTokens(text) };
      for (const k of [1, 10, 100]) {
        const exhaustive = large.searchExhaustive(query, { k });
        const known = [...new Set(q % 4 === 0 ? exhaustive.map(({ doc }) => doc) : Array.from({ length: k + random(3 * k) }, () => random(texts.length)))];
        const scores = [...large.scoreDocuments(query, known)].sort((a, b) => b - a);
        const atLeast = known.length >= k ? scores[k - 1] : 0;
        if (atLeast > 0) barred++;
        expect(large.search(query, { k, atLeast })).toEqual(exhaustive);
      }
    }
    expect(barred).toBeGreaterThan(40);
  });

  it('prunes without changing a result when many documents tie at the k-th score (copies of the same texts)', () => {
    // Each text five times over: the best documents completed first and the bar they set are made of
    // equal scores, and which copies make the top k is decided by document number alone.
    let seed = 41;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    const texts = Array.from({ length: 400 }, () => Array.from({ length: 1 + random(3) }, () => sentences[random(sentences.length)]).join(''));
    const copies = texts.flatMap((text) => [text, text, text, text, text]);
    const tied = new Bm25Index(copies.map((text) => ({ tokens: tokenize(text), bigrams: bigrams(text), context: tokenize(text.slice(0, 16)) })));
    let compared = 0;
    for (let q = 0; q < 30; q++) {
      const text = texts[random(texts.length)].slice(random(30), 70);
      const query = { tokens: queryTokens(text), bigrams: bigrams(text), context: queryTokens(text) };
      for (const k of [1, 7, 10, 33, 100, 250]) {
        const ranked = tied.search(query, { k });
        expect(ranked).toEqual(tied.searchExhaustive(query, { k }));
        compared += ranked.length;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('scores the same to the last bit with the WebAssembly loop as with the JavaScript one, filters included', () => {
    const texts = sentences.slice(0, 1500);
    const build = () => new Bm25Index(texts.map((text) => ({ tokens: tokenize(text), bigrams: bigrams(text), context: tokenize(text.slice(0, 12)) })));
    const wasm = build();
    scoringKernel.enabled = false;
    let plain: Bm25Index;
    try {
      plain = build();
      expect(plain.scoringLoop).toBe('javascript');
    } finally {
      scoringKernel.enabled = true;
    }
    expect(wasm.scoringLoop).toBe('webassembly');
    let seed = 53;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    let compared = 0;
    for (let q = 0; q < 120; q++) {
      const text = texts[random(texts.length)].slice(random(20), 60);
      const query = { tokens: queryTokens(text), bigrams: bigrams(text), context: queryTokens(text) };
      const allowed = q % 4 === 0 ? new Set(Array.from({ length: 300 }, () => random(texts.length))) : undefined;
      for (const k of [1, 10, 100]) {
        const expected = plain.searchExhaustive(query, { k, allowed });
        expect(wasm.search(query, { k, allowed })).toEqual(expected);
        expect(wasm.searchExhaustive(query, { k, allowed })).toEqual(expected);
        expect(plain.search(query, { k, allowed })).toEqual(expected);
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(2000);
  });

  it('reads postings packed at every width alike in both loops: documents far apart, term counts in the thousands', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    // Gaps between a term's documents from 1 to over 100,000 and counts from 1 to 3,000 give blocks
    // whose offsets and counts take from 0 to 17 and 12 bits.
    const size = 140_000;
    const docs: Bm25Fields[] = Array.from({ length: size }, () => ({ tokens: [], bigrams: [], context: [] }));
    const words = ['稀', '疏', '密', '长'];
    words.forEach((word, w) => {
      for (let doc = random(50); doc < size; doc += 1 + random(w === 0 ? 100_000 : w === 1 ? 2000 : 40)) {
        const count = w === 3 && random(20) === 0 ? 1 + random(3000) : 1 + random(3);
        for (let c = 0; c < count; c++) docs[doc].tokens.push(word);
      }
    });
    docs.forEach((entry, doc) => entry.tokens.push(`填${doc % 97}`));
    const wasm = new Bm25Index(docs);
    scoringKernel.enabled = false;
    let plain: Bm25Index;
    try {
      plain = new Bm25Index(docs);
      expect(plain.scoringLoop).toBe('javascript');
    } finally {
      scoringKernel.enabled = true;
    }
    expect(wasm.scoringLoop).toBe('webassembly');
    for (const tokens of [['稀'], ['疏', '密'], ['长', '密', '稀'], ['稀', '疏', '密', '长', '填3']]) {
      const query = { tokens, bigrams: [], context: [] };
      for (const k of [1, 10, 100, 5000]) {
        const expected = plain.searchExhaustive(query, { k });
        expect(expected.length).toBeGreaterThan(0);
        expect(wasm.searchExhaustive(query, { k })).toEqual(expected);
        expect(wasm.search(query, { k })).toEqual(expected);
        expect(plain.search(query, { k })).toEqual(expected);
      }
    }
  });

  it('reads back from its stored sections with the same answers', () => {
    const stored = Bm25Index.fromSections(new Sections(packSections(index.sections('chunks'))), 'chunks');
    for (const query of queries) {
      expect(stored.search(query, { k: 20 })).toEqual(index.search(query, { k: 20 }));
      expect(stored.idf('发展')).toBe(index.idf('发展'));
    }
    expect(() => Bm25Index.fromSections(new Sections(packSections(index.sections('chunks'))), 'chunks', { ...bm25Defaults, k1: 1.5 })).toThrow('BM25 parameters changed');
  });

  it('reports document frequency and idf of words', () => {
    const n = entries.filter((entry) => entry.tokens.includes('发展')).length;
    expect(index.documentFrequency('发展')).toBe(n);
    expect(index.idf('发展')).toBeCloseTo(Math.log(1 + (entries.length - n + 0.5) / (n + 0.5)), 12);
    expect(index.documentFrequency('火星基地')).toBe(0);
    expect(index.idf('火星基地')).toBeGreaterThan(index.idf('发展'));
  });
});

describe('jaccardAtLeast over bigram codes', () => {
  it('decides like an exact Jaccard over bigram sets, for near copies and unrelated pairs', () => {
    const exact = (a: Set<string>, b: Set<string>) => {
      if (a.size === 0 || b.size === 0) return 0;
      let shared = 0;
      for (const gram of a) if (b.has(gram)) shared++;
      return shared / (a.size + b.size - shared);
    };
    let near = 0;
    for (let i = 0; i < sentences.length; i++) {
      const left = sentences[i];
      // A rotated copy (a reposted clause with its start moved), or a different sentence.
      const right = i % 2 === 0 ? left.slice(i % 7) + left.slice(0, i % 7) : sentences[(i * 7919) % sentences.length];
      const expected = exact(new Set(bigrams(left)), new Set(bigrams(right))) >= 0.85;
      if (expected) near++;
      expect(jaccardAtLeast(bigramCodes(left), bigramCodes(right), 0.85)).toBe(expected);
    }
    expect(near).toBeGreaterThan(50);
  });

  it('reads full-width text like half-width and ignores non-Han characters', () => {
    expect([...bigramCodes('区域ＡＢ协调，区域')]).toEqual([...bigramCodes('区域AB协调,区域')]);
    expect(bigramCodes('区域协调').length).toBe(3);
    expect(bigramCodes('2025 abc').length).toBe(0);
  });
});
