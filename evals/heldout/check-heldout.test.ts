// The notice question sets stay sound: answers verbatim in their notice, facts inside them.
import { describe, expect, it } from 'vitest';
import { findHeldoutProblems, noticeSets } from './check-heldout';

describe('notice question sets', () => {
  it.each(Object.keys(noticeSets))('%s has no problems', (name) => {
    expect(findHeldoutProblems(noticeSets[name])).toEqual([]);
  });
});
