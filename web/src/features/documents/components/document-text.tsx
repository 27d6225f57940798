// A document's full text with section anchors, styled heading lines, the cited span in <mark>, and
// masked characters (省*府) as the source has them, explained on hover.
import { type Ref, useMemo } from 'react';
import { MaskedText } from '../../chat/components/masked-text';
import type { DocumentSection } from '../api/types';
import { splitDocumentText, type TextPiece, type TextRange } from '../utils/split-document-text';

interface DocumentTextProps {
  text: string;
  sections: readonly DocumentSection[];
  highlight: TextRange | null;
  markRef: Ref<HTMLElement>;
}

export function DocumentText({ text, sections, highlight, markRef }: DocumentTextProps) {
  const pieces = useMemo(() => splitDocumentText(text, sections, highlight), [text, sections, highlight]);

  // The highlighted pieces are contiguous: render them inside one <mark>.
  const firstMarked = pieces.findIndex((piece) => piece.kind === 'text' && piece.marked);
  let lastMarked = firstMarked;
  while (firstMarked !== -1 && lastMarked + 1 < pieces.length) {
    const next = pieces[lastMarked + 1];
    if (next.kind === 'text' && !next.marked) break;
    lastMarked++;
  }
  while (lastMarked > firstMarked && pieces[lastMarked].kind === 'anchor') lastMarked--;

  const render = (list: TextPiece[], offset: number) =>
    list.map((piece, index) => {
      const key = offset + index;
      if (piece.kind === 'anchor') return <span key={key} className="section-anchor" data-section-index={piece.section} />;
      if (piece.heading) {
        return (
          <strong key={key} className={`doc-heading depth-${Math.min(piece.heading.depth, 4)}`}>
            <MaskedText text={piece.text} />
          </strong>
        );
      }
      return <MaskedText key={key} text={piece.text} />;
    });

  return (
    <div className="document-text" data-testid="document-text" lang="zh-CN">
      {firstMarked === -1 ? (
        render(pieces, 0)
      ) : (
        <>
          {render(pieces.slice(0, firstMarked), 0)}
          <mark ref={markRef} className="source-highlight" data-testid="source-highlight">
            {render(pieces.slice(firstMarked, lastMarked + 1), firstMarked)}
          </mark>
          {render(pieces.slice(lastMarked + 1), lastMarked + 1)}
        </>
      )}
    </div>
  );
}
