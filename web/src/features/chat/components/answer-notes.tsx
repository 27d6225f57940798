// Notes above an answer: remarks that are not claims of the documents (which version answered, a
// place the library does not cover, masked characters), in a calm info style apart from the cited text.
import { useMemo } from 'react';
import type { Citation } from '../api/types';
import { parseInline } from '../utils/parse-answer';
import { InlineContent } from './answer-body';

interface AnswerNotesProps {
  notes: readonly string[];
  citations: readonly Citation[];
  onOpenCitation: (citation: Citation) => void;
}

export function AnswerNotes({ notes, citations, onOpenCitation }: AnswerNotesProps) {
  const byNumber = useMemo(() => new Map(citations.map((citation) => [citation.n, citation])), [citations]);
  if (notes.length === 0) return null;
  const numbers = new Set(byNumber.keys());
  return (
    <aside className="answer-notes" aria-label="说明" data-testid="answer-notes">
      <span className="notice-icon" aria-hidden="true">
        i
      </span>
      <ul>
        {notes.map((note, index) => (
          <li key={index}>
            <InlineContent nodes={parseInline(note, numbers, false)} byNumber={byNumber} onOpenCitation={onOpenCitation} revisedBadges={false} />
          </li>
        ))}
      </ul>
    </aside>
  );
}
