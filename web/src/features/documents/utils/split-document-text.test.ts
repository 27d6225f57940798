import { describe, expect, it } from 'vitest';
import { resolveHighlight, splitDocumentText } from './split-document-text';

const text = '一、总体要求\n到2025年，城镇化率达到65%左右。\n二、重点任务\n完善生态补偿机制。';
const sections = [
  { path: ['一、总体要求'], start: 0, end: 26 },
  { path: ['二、重点任务'], start: 26, end: text.length },
];

describe('splitDocumentText', () => {
  it('puts an anchor at each section, styles headings, and marks the highlighted span', () => {
    const start = text.indexOf('到2025年');
    const end = text.indexOf('\n二');
    const pieces = splitDocumentText(text, sections, { start, end });
    expect(pieces.filter((piece) => piece.kind === 'anchor')).toEqual([
      { kind: 'anchor', section: 0 },
      { kind: 'anchor', section: 1 },
    ]);
    expect(pieces.filter((piece) => piece.kind === 'text' && piece.heading).map((piece) => piece.kind === 'text' && piece.text)).toEqual(['一、总体要求', '二、重点任务']);
    expect(pieces.filter((piece) => piece.kind === 'text' && piece.marked).map((piece) => piece.kind === 'text' && piece.text).join('')).toBe(
      '到2025年，城镇化率达到65%左右。',
    );
    expect(pieces.map((piece) => (piece.kind === 'text' ? piece.text : '')).join('')).toBe(text);
  });
});

describe('resolveHighlight', () => {
  it('keeps offsets that hold the quote', () => {
    const start = text.indexOf('完善');
    expect(resolveHighlight(text, { start, end: start + 9, quote: '完善生态补偿机制。' })).toEqual({ start, end: start + 9 });
  });

  it('finds the quote when the offsets point elsewhere', () => {
    const start = text.indexOf('到2025年');
    expect(resolveHighlight(text, { start: 0, end: 5, quote: '到2025年，城镇化率达到65%左右。' })).toEqual({ start, end: start + 19 });
  });

  it('clamps offsets beyond the text and gives up on empty ranges', () => {
    expect(resolveHighlight(text, { start: text.length - 3, end: 9999 })).toEqual({ start: text.length - 3, end: text.length });
    expect(resolveHighlight(text, { start: 5, end: 5 })).toBeNull();
  });
});
