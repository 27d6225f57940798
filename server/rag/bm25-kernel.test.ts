// The BM25 WebAssembly kernel's bit-set count: what the first phase of a search asks after each term.
import { describe, expect, it } from 'vitest';
import { instantiateKernel } from './bm25-kernel';

describe('bm25 kernel', () => {
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
});
