// The sources under an answer: one line per citation (with its version when there are several), each opening its clause.
import { formatSectionPath, formatTitle } from '../../../lib/format';
import type { Citation } from '../api/types';

interface SourceListProps {
  citations: readonly Citation[];
  onOpen: (citation: Citation) => void;
}

export function SourceList({ citations, onOpen }: SourceListProps) {
  if (citations.length === 0) return null;
  return (
    <section className="source-list" aria-label="来源" data-testid="source-list">
      <h3 className="source-list-title">来源</h3>
      <ol>
        {citations.map((citation) => {
          const path = formatSectionPath(citation.section);
          return (
            <li key={citation.n}>
              <button type="button" className="source-item" data-testid="source-item" data-document-id={citation.documentId} onClick={() => onOpen(citation)}>
                <span className="source-number" aria-hidden="true">
                  {citation.n}
                </span>
                <span className="source-text">
                  <span className="source-title">{formatTitle(citation.title)}</span>
                  {citation.version && (
                    <span className={`source-version${citation.version.superseded ? ' is-superseded' : ''}`}>
                      {' '}
                      {citation.version.label}
                      {citation.version.superseded && <span className="revised-badge">已修订</span>}
                    </span>
                  )}
                  {path && <span className="source-path"> › {path}</span>}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
