// "*" that a source website printed in place of a masked character (省*府, 财*事权): kept as the source
// has it, and marked so the reader knows it is not a typo or a gap in the citation.

/** Shown on hover over a masked character. */
export const maskedCharacterHint = '原文网页版本中的屏蔽字';

export interface TextPiece {
  text: string;
  /** True for a run of "*" standing for masked characters. */
  masked: boolean;
}

// A run of "*" touching a Chinese character; "**" alone between other text is Markdown bold and
// is read by the answer parser before text gets here.
const maskedRun = /(?<=\p{Script=Han})\*+|\*+(?=\p{Script=Han})/gu;

/** Splits text into plain pieces and masked-character pieces, in order; joined they give `text` back. */
export function splitMaskedCharacters(text: string): TextPiece[] {
  const pieces: TextPiece[] = [];
  let cursor = 0;
  for (const match of text.matchAll(maskedRun)) {
    const index = match.index ?? 0;
    if (index > cursor) pieces.push({ text: text.slice(cursor, index), masked: false });
    pieces.push({ text: match[0], masked: true });
    cursor = index + match[0].length;
  }
  if (cursor < text.length) pieces.push({ text: text.slice(cursor), masked: false });
  return pieces;
}

/** True when the text holds a masked character. */
export function hasMaskedCharacters(text: string): boolean {
  return splitMaskedCharacters(text).some((piece) => piece.masked);
}
