// Text from a document with its masked characters (省*府) shown as the source has them, explained on hover.
import { Fragment } from 'react';
import { maskedCharacterHint, splitMaskedCharacters } from '../utils/masked-characters';

export function MaskedText({ text }: { text: string }) {
  return splitMaskedCharacters(text).map((piece, index) =>
    piece.masked ? (
      <abbr key={index} className="masked-char" title={maskedCharacterHint} data-testid="masked-char">
        {piece.text}
      </abbr>
    ) : (
      <Fragment key={index}>{piece.text}</Fragment>
    ),
  );
}
