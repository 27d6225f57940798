// The benchmark's proposed fixes must not change what search returns: checked against the originals.
import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../server/rag/bm25-index.js';
import { PolicyIndex } from '../../server/rag/policy-index.js';
import { bigrams, queryTokens } from '../../server/rag/tokenize.js';
import { loadCorpusPieces } from './corpus-pieces.js';
import { FastBm25Index } from './fast-bm25-index.js';
import { bigramCodes, jaccardAtLeast } from './fast-collapse.js';
import { createIndexPatch } from './proposed-patches.js';
import { loadQuestions } from './questions.js';
import { createRandom } from './random.js';
import { percentile } from './stats.js';
import { buildSyntheticChunks, tokenizeChunks } from './synthetic-chunks.js';

const root = new URL('../..', import.meta.url).pathname;
const pieces = await loadCorpusPieces(`${root}corpus`);
const questions = (await loadQuestions(`${root}evals/datasets/policy-qa.jsonl`)).slice(0, 40);
const set = buildSyntheticChunks({ pieces, size: 1200, dimensions: 16 });
tokenizeChunks(set.chunks);
const entries = set.chunks.map((chunk) => ({ tokens: chunk.tokens, bigrams: bigrams(chunk.text), context: chunk.contextTokens }));
const fields = questions.map((question) => {
  const tokens = queryTokens(question.question);
  return { tokens, bigrams: bigrams(question.question), context: tokens };
});

describe('FastBm25Index', () => {
  const original = new Bm25Index(entries);
  const fast = new FastBm25Index(entries);

  it('returns the same documents and scores as Bm25Index', () => {
    for (const query of fields) {
      for (const k of [1, 10, 200, 5000]) expect(fast.search(query, { k })).toEqual(original.search(query, { k }));
    }
  });

  it('honours the allowed set like Bm25Index', () => {
    const allowed = new Set(Array.from({ length: 300 }, (_, i) => i * 3));
    for (const query of fields.slice(0, 10)) expect(fast.search(query, { k: 20, allowed })).toEqual(original.search(query, { k: 20, allowed }));
  });

  it('gives the same idf and document frequency', () => {
    for (const token of ['发展', '区域', '不存在的词']) {
      expect(fast.idf(token)).toBe(original.idf(token));
      expect(fast.documentFrequency(token)).toBe(original.documentFrequency(token));
    }
  });

  it('scores a subset with the maximum over all documents', () => {
    const query = fields[0];
    const ranked = original.search(query, { k: entries.length });
    const { max, scores } = fast.scoreSubset(query, [ranked[3].doc, ranked[0].doc]);
    expect(max).toBe(ranked[0].score);
    expect([...scores]).toEqual([ranked[3].score, ranked[0].score]);
    expect(fast.search(query, { k: 5 })).toEqual(original.search(query, { k: 5 }));
  });
});

describe('jaccardAtLeast', () => {
  it('decides like an exact Jaccard over bigram sets', () => {
    const random = createRandom(3);
    const exact = (a: Set<string>, b: Set<string>) => {
      if (a.size === 0 || b.size === 0) return 0;
      let shared = 0;
      for (const gram of a) if (b.has(gram)) shared++;
      return shared / (a.size + b.size - shared);
    };
    for (let i = 0; i < 400; i++) {
      const left = set.chunks[random.int(set.chunks.length)].text;
      // Near copies as well as unrelated pairs, so both sides of the threshold are exercised.
      const right = random.next() < 0.5 ? left.slice(random.int(8)) + left.slice(0, random.int(8)) : set.chunks[random.int(set.chunks.length)].text;
      const expected = exact(new Set(bigrams(left)), new Set(bigrams(right))) >= 0.85;
      expect(jaccardAtLeast(bigramCodes(left), bigramCodes(right), 0.85)).toBe(expected);
    }
  });
});

describe('createIndexPatch', () => {
  it('leaves PolicyIndex search results unchanged, patched and reverted', async () => {
    const index = new PolicyIndex({
      manifest: { formatVersion: 0, createdAt: '', embedding: null, documents: [], chunkCount: set.chunks.length, files: {} },
      documents: set.documents,
      chunks: set.chunks,
    });
    const search = () => Promise.all(questions.map((question) => index.search(question.question, { k: 10 })));
    const before = await search();
    const patch = createIndexPatch(index);
    expect(patch?.parts).toContain('bm25');
    patch!.apply();
    expect(await search()).toEqual(before);
    patch!.revert();
    expect(await search()).toEqual(before);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99), percentile([7], 99)]).toEqual([50, 95, 99, 7]);
  });
});
