import { describe, expect, it } from 'vitest';
import { regionsOf } from './use-document-scope';

describe('regionsOf', () => {
  it('splits joint regions and folds cities into their province', () => {
    expect(regionsOf({ region: '重庆、四川' })).toEqual(['重庆', '四川']);
    expect(regionsOf({ region: '四川·成都' })).toEqual(['四川']);
    expect(regionsOf({})).toEqual([]);
  });
});
