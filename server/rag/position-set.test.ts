// PositionSet against a plain Set built from the same lists.
import { describe, expect, it } from 'vitest';
import { PositionSet } from './position-set';

describe('PositionSet', () => {
  it('holds what a Set of the same lists holds, in ascending order, restricted to another set', () => {
    let seed = 5;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (const limit of [1, 31, 32, 33, 1000, 4099]) {
      const lists = Array.from({ length: 1 + random(4) }, () => Int32Array.from({ length: random(300) }, () => random(limit)));
      const within = random(2) === 0 ? new Set(Array.from({ length: random(limit) }, () => random(limit))) : undefined;
      const expected = [...new Set(lists.flatMap((list) => [...list]))].filter((position) => !within || within.has(position)).sort((a, b) => a - b);
      const set = PositionSet.union(lists, limit, within);
      expect([...PositionSet.fromSorted(set.positions, limit)]).toEqual(expected);
      expect(set.size).toBe(expected.length);
      expect([...set]).toEqual(expected);
      expect([...set.positions]).toEqual(expected);
      for (let position = -2; position < limit + 40; position++) expect(set.has(position)).toBe(expected.includes(position));
      expect(set.has(0.5)).toBe(false);
      const seen: number[] = [];
      set.forEach((value, key) => seen.push(value, key));
      expect(seen).toEqual(expected.flatMap((position) => [position, position]));
      expect([...set.entries()]).toEqual(expected.map((position) => [position, position]));
    }
  });
});
