// The BM25 WebAssembly kernel: how it unpacks bit-packed runs (four interleaved lanes, read four values
// at a time with SIMD instructions, or one at a time), and its passes over the touched bit set: the
// count the first phase of a search asks for after each term, and the first k-th best partial score
// read from it.
import { describe, expect, it } from 'vitest';
import { instantiateKernel } from './bm25-kernel';

/**
 * Packs values the way bm25-index.ts lays a run out: value i in lane i % 4, each lane's values one
 * after another from its lowest bit, a lane's words every fourth 32-bit word.
 */
function packLanes(words: Uint32Array, base: number, bits: number, values: number[]): void {
  values.forEach((value, i) => {
    if (bits === 0) return;
    const position = (i >>> 2) * bits;
    const word = base + ((position >>> 5) << 2) + (i & 3);
    const shift = position & 31;
    words[word] |= value << shift;
    if (shift + bits > 32) words[word + 4] |= value >>> (32 - shift);
  });
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

  it('counts the documents marked in a bit set, stopping once it has as many as asked for', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernel = instantiateKernel(memory)!;
    expect(kernel).toBeDefined();
    const at = 64;
    const words = new Uint32Array(memory.buffer, at, 4);
    // Documents 0, 5, 31 (word 0), 32 (word 1), none in word 2, every one of word 3 (96–127).
    words.set([(1 << 0) | (1 << 5) | (1 << 31), 1, 0, 0xffffffff]);
    expect(kernel.countTouched(at, 4, 1000)).toBe(36);
    expect(kernel.countTouched(at, 3, 1000)).toBe(4);
    expect(kernel.countTouched(at, 0, 1000)).toBe(0);
    // Counting stops after the word that reaches the number asked for.
    expect(kernel.countTouched(at, 4, 3)).toBe(3);
    expect(kernel.countTouched(at, 4, 4)).toBe(4);
    expect(kernel.countTouched(at, 4, 5)).toBe(36);
  });

  it('counts the marked documents scoring above a bar in every stride-th word of a bit set, stopping once it has as many as asked for', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const kernel = instantiateKernel(memory)!;
    expect(kernel).toBeDefined();
    const touchedAt = 64;
    const scoresAt = 1024;
    const touched = new Uint32Array(memory.buffer, touchedAt, 4);
    const scores = new Float64Array(memory.buffer, scoresAt, 128);
    // Word 0: documents 0 (score 5), 1 (2), 31 (9); word 1: 32 (7); word 2: 64 (8), 65 (1); word 3: 96–127 (3 each).
    touched.set([(1 << 0) | (1 << 1) | (1 << 31), 1, 0b11, 0xffffffff]);
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
    // Words 0 and 2 only, then words 0 and 3.
    expect(kernel.countAbove(touchedAt, 4, 2, scoresAt, 2.5, 1000)).toBe(3);
    expect(kernel.countAbove(touchedAt, 4, 3, scoresAt, 2.5, 1000)).toBe(2 + 32);
    // Counting stops after the word that reaches the number asked for.
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 2.5, 2)).toBe(2);
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 2.5, 3)).toBe(3);
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 2.5, 4)).toBe(4);
    expect(kernel.countAbove(touchedAt, 4, 1, scoresAt, 2.5, 5)).toBe(36);
  });

  it('finds the k-th best partial score from the bit set as listing the touched documents first does', () => {
    const memory = new WebAssembly.Memory({ initial: 64 });
    const kernel = instantiateKernel(memory)!;
    const documents = 3000;
    const words = Math.ceil(documents / 32);
    const touchedAt = 8;
    const scoresAt = 1024;
    const highAt = scoresAt + documents * 8;
    const valuesAt = highAt + documents * 4;
    const seedsAt = valuesAt + documents * 8;
    const touched = new Uint32Array(memory.buffer, touchedAt, words);
    const scores = new Float64Array(memory.buffer, scoresAt, documents);
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let doc = 0; doc < documents; doc++) {
      if (random() < 0.4) {
        touched[doc >>> 5] |= 1 << (doc & 31);
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
      new Int32Array(memory.buffer, highAt, documents).fill(-1);
      const least = kernel.bestPartialTouched(touchedAt, words, scoresAt, highAt, valuesAt, seedsAt, k);
      expect(least).toBe(leastListed);
      expect(kernel.keptCount()).toBe(keptListed);
      expect(Array.from(new Int32Array(memory.buffer, highAt, keptListed))).toEqual(highListed);
      expect(Array.from(new Float64Array(memory.buffer, valuesAt, k))).toEqual(heapListed);
      // The k-th best of the touched documents' scores, as sorting them gives.
      const sorted = Array.from(scores).filter((score) => score > 0).sort((a, b) => b - a);
      expect(least).toBe(sorted[k - 1]);
    }
  });
});
