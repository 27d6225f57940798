import { describe, expect, it } from 'vitest';
import { hasMaskedCharacters, splitMaskedCharacters } from './masked-characters';

describe('splitMaskedCharacters', () => {
  it('marks a "*" between Chinese characters and keeps the text whole', () => {
    const pieces = splitMaskedCharacters('由省*府统筹，落实财*事权。');
    expect(pieces).toEqual([
      { text: '由省', masked: false },
      { text: '*', masked: true },
      { text: '府统筹，落实财', masked: false },
      { text: '*', masked: true },
      { text: '事权。', masked: false },
    ]);
    expect(pieces.map((piece) => piece.text).join('')).toBe('由省*府统筹，落实财*事权。');
  });

  it('leaves stars that touch no Chinese character alone', () => {
    expect(hasMaskedCharacters('公式 3 * 4，脚注 *')).toBe(false);
    expect(hasMaskedCharacters('*府')).toBe(true);
  });
});
