// The BM25 WebAssembly kernel: how it unpacks bit-packed runs (four interleaved lanes, read four values
// at a time with SIMD instructions, or one at a time), how it adds a term's postings (the touched map
// and the count of touched documents the first phase asks for after each term), and its passes over
// the touched map: the sampled count of documents that could pass, the first k-th best partial score.
import { describe, expect, it } from 'vitest';
import { packValue } from './bm25-index';
import { instantiateKernel } from './bm25-kernel';

/** Packs values the way bm25-index.ts lays a run out (its own packer). */
function packLanes(words: Uint32Array, base: number, bits: number, values: number[]): void {
  values.forEach((value, i) => packValue(words, base, bits, i, value));
}

describe('bm25 kernel', () => {
  it('unpacks runs of every width from 0 to 31 bits, four at a time and one at a time, as they were packed', () => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const kernel = instantiateKernel(memory)!;
    expect(kernel).toBeDefined();
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const base = 16; // in words
    const out = 8192; // bytes
    let checked = 0;
    for (let bits = 0; bits <= 31; bits++) {
      for (const count of [1, 2, 3, 4, 5, 31, 127, 128]) {
        // Ones around the run, so that a value read past its bits or its run would show.
        const words = new Uint32Array(memory.buffer, 0, 2048).fill(0xffffffff);
        words.fill(0, base, base + (((((count + 3) >>> 2) * bits + 31) >>> 5) << 2));
        const max = bits === 0 ? 0 : 2 ** bits - 1;
        const values = Array.from({ length: count }, (_, i) => (i === 0 ? max : Math.floor(random() * (max + 1))));
        packLanes(words, base, bits, values);
        kernel.unpackRun(base * 4, bits, out, 7, count);
        expect(Array.from(new Int32Array(memory.buffer, out, count))).toEqual(values.map((value) => (value + 7) | 0));
        values.forEach((value, i) => expect(kernel.valueAt(base * 4, bits, i) >>> 0).toBe(value));
        checked += count;
      }
    }
    expect(checked).toBe(32 * 301);
  });

  it('adds a term\'s postings block by block, marking each document touched once and counting those touched for the first time', () => {
    const memory = new WebAssembly.Memory({ initial: 2 });
    const kernel = instantiateKernel(memory)!;
    const documents = 1000;
    const [wordsAt, firstsAt, docBitsAt, tfBitsAt, packedAt, codesAt, tableAt, scoresAt, touchedAt, highAt, maskAt, scratchAt] = [64, 256, 448, 512, 1024, 16384, 20480, 24576, 40960, 43008, 48128, 50176];
    kernel.setScratch(scratchAt);
    const codes = new Uint16Array(memory.buffer, codesAt, documents);
    const table = new Float64Array(memory.buffer, tableAt, 8);
    table.set([0.5, 0.9, 1.3, 2]);
    for (let doc = 0; doc < documents; doc++) codes[doc] = (doc * 7) % 4;
    let seed = 3;
    const random = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * n);
    const bitsFor = (max: number) => (max === 0 ? 0 : 32 - Math.clz32(max));
    /** Packs a term's postings into blocks of 128 from block `from` on (word offsets from `word`); returns the blocks and words used. */
    const packTerm = (docs: number[], tfs: number[], from: number, word: number) => {
      const words = new Uint32Array(memory.buffer, packedAt, 3000);
      let block = from;
      for (let start = 0; start < docs.length; start += 128, block++) {
        const blockDocs = docs.slice(start, start + 128);
        const offsets = blockDocs.map((doc) => doc - blockDocs[0]);
        const counts = tfs.slice(start, start + 128).map((tf) => tf - 1);
        const docBits = bitsFor(Math.max(...offsets));
        const tfBits = bitsFor(Math.max(...counts));
        new Uint32Array(memory.buffer, wordsAt, 40)[block] = word;
        new Int32Array(memory.buffer, firstsAt, 40)[block] = blockDocs[0];
        new Uint8Array(memory.buffer, docBitsAt, 40)[block] = docBits;
        new Uint8Array(memory.buffer, tfBitsAt, 40)[block] = tfBits;
        const steps = (blockDocs.length + 3) >>> 2;
        packLanes(words, word, docBits, offsets);
        word += (((steps * docBits + 31) >>> 5) << 2);
        packLanes(words, word, tfBits, counts);
        word += (((steps * tfBits + 31) >>> 5) << 2);
      }
      return { blocks: block, word };
    };
    // Two terms over random documents (some shared), 300 and 170 postings: blocks of 128 and a last part block.
    const pick = (n: number) => [...new Set(Array.from({ length: n * 2 }, () => random(documents)))].sort((x, y) => x - y).slice(0, n);
    const terms = [pick(300), pick(170)].map((docs, t) => ({ docs, tfs: docs.map(() => 1 + (random(5) === 0 ? random(40) : 0)), weight: [1.7, 0.6][t] }));
    const first = packTerm(terms[0].docs, terms[0].tfs, 0, 0);
    packTerm(terms[1].docs, terms[1].tfs, first.blocks, first.word);
    const blocks = [0, first.blocks, first.blocks + Math.ceil(terms[1].docs.length / 128)];
    expect(terms.map(({ docs }) => docs.length)).toEqual([300, 170]);
    const k1p1 = 1.9;
    const scores = new Float64Array(memory.buffer, scoresAt, documents);
    const touched = new Uint8Array(memory.buffer, touchedAt, 1024);
    for (const masked of [false, true]) {
      scores.fill(0);
      touched.fill(0);
      const mask = new Uint8Array(memory.buffer, maskAt, documents).fill(0);
      for (let doc = 0; doc < documents; doc += 3) mask[doc] = 1;
      kernel.setTouchedCount(0);
      kernel.setHighCount(0);
      const expected = new Float64Array(documents);
      const floor = 2.5;
      const crossed: number[] = [];
      terms.forEach(({ docs, tfs, weight }, t) => {
        let top = 0;
        docs.forEach((doc, i) => {
          if (masked && !mask[doc]) return;
          const before = expected[doc];
          expected[doc] += (weight * (tfs[i] * k1p1)) / (tfs[i] + table[codes[doc]]);
          if (expected[doc] >= floor && before < floor) crossed.push(doc);
          top = Math.max(top, expected[doc]);
        });
        const got = kernel.addPostings(packedAt, wordsAt, firstsAt, docBitsAt, tfBitsAt, codesAt, tableAt, scoresAt, touchedAt, highAt, masked ? maskAt : 0, blocks[t], blocks[t + 1], docs.length, weight, k1p1, floor);
        expect(got).toBe(top);
      });
      expect(Array.from(scores)).toEqual(Array.from(expected));
      const scored = Array.from(expected.keys()).filter((doc) => expected[doc] > 0);
      expect(scored.length).toBeGreaterThan(masked ? 100 : 300);
      expect(Array.from(touched.keys()).filter((doc) => touched[doc] !== 0)).toEqual(scored);
      expect(kernel.touchedCount()).toBe(scored.length);
      expect(Array.from(new Int32Array(memory.buffer, highAt, kernel.highCount()))).toEqual(crossed);
    }
  });

  it('counts the touched documents scoring above a bar in every stride-th group of 32, stopping once it has as many as asked for', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernel = instantiateKernel(memory)!;
    expect(kernel).toBeDefined();
    const touchedAt = 64;
    const scoresAt = 1024;
    const touched = new Uint8Array(memory.buffer, touchedAt, 128);
    const scores = new Float64Array(memory.buffer, scoresAt, 128);
    // Group 0: documents 0 (score 5), 1 (2), 31 (9); group 1: 32 (7); group 2: 64 (8), 65 (1); group 3: 96–127 (3 each).
    for (const doc of [0, 1, 31, 32, 64, 65]) touched[doc] = 255;
    touched.fill(255, 96, 128);
    scores.set([5, 2], 0);
    scores[31] = 9;
    scores[32] = 7;
    scores.set([8, 1], 64);
    scores.fill(3, 96, 128);
    // A score that is not marked is not counted.
    scores[40] = 100;
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 2.5, 1000)).toBe(4 + 32);
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 3, 1000)).toBe(4);
    // Strictly above the bar.
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 9, 1000)).toBe(0);
    // Groups 0 and 2 only, then groups 0 and 3.
    expect(kernel.countAbove(touchedAt, 4, 2, scoresAt, 2.5, 1000)).toBe(3);
    expect(kernel.countAbove(touchedAt, 4, 3, scoresAt, 2.5, 1000)).toBe(2 + 32);
    // Counting stops after the group that reaches the number asked for.
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 2.5, 2)).toBe(2);
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 2.5, 3)).toBe(3);
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 2.5, 4)).toBe(4);
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 2.5, 5)).toBe(36);
  });

  it('finds the k-th best partial score from the touched map as listing the touched documents first does', () => {
    const memory = new WebAssembly.Memory({ initial: 64 });
    const kernel = instantiateKernel(memory)!;
    const documents = 3000;
    const words = Math.ceil(documents / 32);
    const touchedAt = 8;
    const scoresAt = 4096;
    // Scores are padded with zeros to whole groups of 32, as the index lays them out.
    const highAt = scoresAt + words * 32 * 8;
    const valuesAt = highAt + documents * 4;
    const seedsAt = valuesAt + documents * 8;
    const touched = new Uint8Array(memory.buffer, touchedAt, words * 32);
    const scores = new Float64Array(memory.buffer, scoresAt, documents);
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let doc = 0; doc < documents; doc++) {
      if (random() < 0.4) {
        touched[doc] = 255;
        // Few distinct values, so that ties at the k-th score occur.
        scores[doc] = 1 + Math.floor(random() * 50) / 4;
      }
    }
    for (const k of [1, 10, 100]) {
      const listed = kernel.listTouched(touchedAt, words, highAt);
      const leastListed = kernel.bestPartial(scoresAt, highAt, listed, valuesAt, seedsAt, k);
      const keptListed = kernel.keptCount();
      const highListed = Array.from(new Int32Array(memory.buffer, highAt, keptListed));
      const heapListed = Array.from(new Float64Array(memory.buffer, valuesAt, k));
      // Going through the touched map, or reading the scores once the heap holds k (dense).
      for (const dense of [0, 1]) {
        new Int32Array(memory.buffer, highAt, documents).fill(-1);
        const least = kernel.bestPartialTouched(touchedAt, words, scoresAt, highAt, valuesAt, seedsAt, k, dense);
        expect(least).toBe(leastListed);
        expect(kernel.keptCount()).toBe(keptListed);
        expect(Array.from(new Int32Array(memory.buffer, highAt, keptListed))).toEqual(highListed);
        expect(Array.from(new Float64Array(memory.buffer, valuesAt, k))).toEqual(heapListed);
      }
      // The k-th best of the touched documents' scores, as sorting them gives.
      const sorted = Array.from(scores).filter((score) => score > 0).sort((a, b) => b - a);
      expect(leastListed).toBe(sorted[k - 1]);
    }
  });

  it('collects the documents that can still pass from their scores as from the touched map, when none without a score can', () => {
    const memory = new WebAssembly.Memory({ initial: 4 });
    const kernel = instantiateKernel(memory)!;
    const documents = 5000;
    const words = Math.ceil(documents / 32);
    const [touchedAt, scoresAt, outAt] = [64, 8192, 8192 + words * 32 * 8];
    let seed = 19;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let compared = 0;
    for (const share of [0.3, 0.9]) {
      const touched = new Uint8Array(documents);
      const given = new Float64Array(words * 32);
      for (let doc = 0; doc < documents; doc++) {
        if (random() < share) {
          touched[doc] = 255;
          given[doc] = Math.floor(random() * 40) / 4 + 0.25;
        }
      }
      for (const [remaining, threshold] of [[2, 6], [0, 9.75], [1.5, 1.5 * (1 + 1e-9)], [0, 0]]) {
        const results = [];
        for (const collect of [kernel.collect, kernel.collectScores]) {
          new Uint8Array(memory.buffer, touchedAt, words * 32).set(touched);
          new Float64Array(memory.buffer, scoresAt, words * 32).set(given);
          const count = collect(touchedAt, words, scoresAt, outAt, remaining, threshold, 1 + 1e-9);
          expect(new Uint8Array(memory.buffer, touchedAt, words * 32).every((byte) => byte === 0)).toBe(true);
          results.push({ listed: Array.from(new Int32Array(memory.buffer, outAt, count)), scores: Array.from(new Float64Array(memory.buffer, scoresAt, words * 32)) });
        }
        expect(results[1]).toEqual(results[0]);
        // What passes keeps its score, in ascending order; every other score is cleared.
        const expected = Array.from(given.keys()).filter((doc) => (given[doc] + remaining) * (1 + 1e-9) > threshold && touched[doc]);
        expect(results[0].listed).toEqual(expected);
        expect(results[0].scores.filter((score) => score > 0).length).toBe(expected.length);
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThan(3000);
  });
});
