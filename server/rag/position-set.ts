// A set of positions (chunk positions in an index) held as a bit per position plus the positions in
// ascending order: made from sorted lists without hashing, and read in order by BM25 as it is.

export class PositionSet implements ReadonlySet<number> {
  private constructor(
    private readonly bits: Uint32Array,
    /** The positions, ascending. */
    readonly positions: Int32Array,
  ) {}

  /** The positions of `positions` (ascending, distinct, below `limit`), which the set keeps as they are. */
  static fromSorted(positions: Int32Array, limit: number): PositionSet {
    const bits = new Uint32Array((limit + 31) >>> 5);
    for (let i = 0; i < positions.length; i++) bits[positions[i] >>> 5] |= 1 << (positions[i] & 31);
    return new PositionSet(bits, positions);
  }

  /**
   * The positions of any of `lists` (each a list of positions below `limit`, in any order), restricted
   * to those `within` holds when it is given.
   */
  static union(lists: ArrayLike<number>[], limit: number, within?: ReadonlySet<number>): PositionSet {
    const bits = new Uint32Array((limit + 31) >>> 5);
    for (const list of lists) {
      for (let i = 0; i < list.length; i++) {
        const position = list[i];
        if (within && !within.has(position)) continue;
        bits[position >>> 5] |= 1 << (position & 31);
      }
    }
    let count = 0;
    for (let w = 0; w < bits.length; w++) count += bitCount(bits[w]);
    const positions = new Int32Array(count);
    let at = 0;
    for (let w = 0; w < bits.length; w++) {
      for (let word = bits[w]; word !== 0; ) {
        const low = word & -word;
        positions[at++] = (w << 5) | (31 - Math.clz32(low));
        word ^= low;
      }
    }
    return new PositionSet(bits, positions);
  }

  get size(): number {
    return this.positions.length;
  }

  has(position: number): boolean {
    const word = position >>> 5;
    return (position | 0) === position && position >= 0 && word < this.bits.length && (this.bits[word] & (1 << (position & 31))) !== 0;
  }

  *values(): SetIterator<number> {
    for (let i = 0; i < this.positions.length; i++) yield this.positions[i];
  }

  keys(): SetIterator<number> {
    return this.values();
  }

  *entries(): SetIterator<[number, number]> {
    for (let i = 0; i < this.positions.length; i++) yield [this.positions[i], this.positions[i]];
  }

  [Symbol.iterator](): SetIterator<number> {
    return this.values();
  }

  forEach(callback: (value: number, key: number, set: ReadonlySet<number>) => void, thisArg?: unknown): void {
    for (let i = 0; i < this.positions.length; i++) callback.call(thisArg, this.positions[i], this.positions[i], this);
  }
}

/** Number of set bits of a 32-bit word. */
export function bitCount(word: number): number {
  word -= (word >>> 1) & 0x55555555;
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  return (Math.imul((word + (word >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
